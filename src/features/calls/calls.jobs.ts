import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../slack/deps.js';
import { forEachConcurrently } from '../../slack/pool.js';
import type { FeatureJob } from '../feature.js';
import {
  queueDueNudges,
  queueFollowUpReminders,
  queueWeeklySummary,
  type SlackUser,
  syncRoster,
} from './calls.service.js';

// Parallel users.info lookups for the roster sync; the Web API client waits out 429s (Retry-After).
const LOOKUP_CONCURRENCY = 8;

/** A user's Slack zone and status; after a failed lookup both are unknown (`undefined`), never guessed. */
export async function lookUpUser(client: WebClient, userId: string): Promise<SlackUser> {
  try {
    const info = await client.users.info({ user: userId });
    return {
      id: userId,
      timeZone: info.user?.tz ?? undefined,
      name: info.user?.real_name ?? null,
      deleted: info.user?.deleted === true,
    };
  } catch {
    return { id: userId, timeZone: undefined, name: null, deleted: undefined };
  }
}

/**
 * The roster as Slack has it now: listed users plus every listed group's members, read fresh (not the
 * roles cache), so the daily sync sees today's groups. A group Slack cannot read throws: the sync is
 * skipped rather than dropping the whole roster on a passing error.
 */
async function readRosterMembers(client: WebClient, sources: string[]): Promise<string[]> {
  const members = new Set(sources.filter((id) => !id.startsWith('S')));
  for (const groupId of sources.filter((id) => id.startsWith('S'))) {
    const result = await client.usergroups.users.list({ usergroup: groupId });
    for (const userId of result.users ?? []) members.add(userId);
  }
  return [...members];
}

export const rosterJob: FeatureJob = {
  name: 'calls.roster',
  schedule: () => '0 3 * * *',
  runAtStart: true,
  async run({ deps, client }, now) {
    const members = await readRosterMembers(client, deps.config.executives);
    const users: SlackUser[] = [];
    await forEachConcurrently(members, LOOKUP_CONCURRENCY, async (userId) => {
      users.push(await lookUpUser(client, userId));
    });
    await syncRoster(deps.db, users, now, deps.config.timeZone);
    deps.logger.info(`Executive roster synced: ${users.length} from Slack`);
  },
};

/**
 * Queues every due nudge once (the outbox sends them). Used by the tick and by `/touchpoint nudges run`
 * (`anyTime`); returns how many this run queued.
 */
export function sendDueNudges(deps: AppDeps, now: Date, anyTime: boolean): Promise<number> {
  return queueDueNudges(deps.db, deps.config, now, { anyTime });
}

export const nudgesJob: FeatureJob = {
  name: 'calls.nudges',
  schedule: () => '*/15 * * * *',
  async run({ deps }, now) {
    await sendDueNudges(deps, now, false);
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
