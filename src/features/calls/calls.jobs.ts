import type { FeatureJob } from '../feature.js';
import { readRoster } from './calls.directory.js';
import { queueDueNudges, queueFollowUpReminders, queueWeeklySummary, syncRoster } from './calls.service.js';

/** Calls' scheduled work: each run takes `now` and asks the service what is due; the outbox sends. */

/** Daily and at start: the roster as Slack has it (members, zones, deactivations). */
export const rosterJob: FeatureJob = {
  name: 'calls.roster',
  schedule: () => '0 3 * * *',
  runAtStart: true,
  async run({ deps, client }, now) {
    const members = await readRoster(client, deps.config.executives);
    await syncRoster(deps.db, members, now, deps.config.timeZone);
    deps.logger.info(`Executive roster synced: ${members.length} from Slack`);
  },
};

/** Every executive whose nudge slot has come in their zone, behind pace and not nudged this week. */
export const nudgesJob: FeatureJob = {
  name: 'calls.nudges',
  schedule: () => '*/15 * * * *',
  async run({ deps }, now) {
    await queueDueNudges(deps.db, deps.config, now, { anyTime: false });
  },
};

/** Follow-up owners hear on the due date's morning (09:00 or later) in their own zone, once. */
export const followUpsJob: FeatureJob = {
  name: 'calls.followups',
  schedule: () => '*/15 * * * *',
  async run({ deps }, now) {
    await queueFollowUpReminders(deps.db, now);
  },
};

/** Monday morning (company zone): the CX office's engagement summary, once a week. */
export const summaryJob: FeatureJob = {
  name: 'calls.summary',
  schedule: () => '*/15 8-11 * * 1',
  async run({ deps }, now) {
    await queueWeeklySummary(deps.db, deps.config, () => deps.roles.cxOfficeMembers(), now);
  },
};
