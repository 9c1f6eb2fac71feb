import { claimJobRun, finishJobRun } from '../../jobs/job-runs.queries.js';
import type { FeatureJob } from '../../slack/feature.js';
import { redactedError } from '../../slack/safe-errors.js';
import { inZone, isWorkingDay, localDateKey } from '../../time.js';
import { readSetting } from '../settings/settings.keys.js';
import { postRuleCard } from './rules.notify.js';
import { listRulesWithoutCard } from './rules.queries.js';
import { findLateRules, withCountsAndStages } from './rules.service.js';
import { renderAgingMessage } from './rules.views.js';

/**
 * Each working-day morning, one message in the backlog channel lists the late nominations (none: no
 * message). Ticks every 15 minutes in the morning, so a replica that was down at 09:00 still posts;
 * `claimJobRun` keeps it to one message a day across replicas.
 */
export const agingJob: FeatureJob = {
  name: 'rules.aging',
  schedule: () => '*/15 9-11 * * 1-5',
  async run({ deps, client }, now) {
    // The cron only ticks on weekdays; a run on a weekend (a manual run, a late tick) posts nothing either.
    if (!isWorkingDay(inZone(now, deps.config.timeZone))) return;
    const day = localDateKey(now, deps.config.timeZone);
    if (!(await claimJobRun(deps.db, 'rules.aging', day, now))) return;
    try {
      const target = await readSetting(deps.db, deps.config, 'rules.responseTargetWorkingDays');
      const late = await findLateRules(deps.db, now, deps.config.timeZone, target);
      if (late.length === 0) {
        await finishJobRun(deps.db, 'rules.aging', day, 'skipped', now);
        return;
      }
      const items = await withCountsAndStages(deps.db, late);
      const posted = await client.chat.postMessage({
        channel: deps.config.backlogChannel,
        ...renderAgingMessage(items, { now, targetWorkingDays: target }),
      });
      await finishJobRun(deps.db, 'rules.aging', day, 'done', now, `${posted.channel}/${posted.ts}`);
    } catch (error) {
      await finishJobRun(deps.db, 'rules.aging', day, 'failed', now);
      throw redactedError(error);
    }
  },
};

/** Posts the backlog cards that could not be posted at submission (Slack down, a crash). */
export const missingCardsJob: FeatureJob = {
  name: 'rules.cards',
  schedule: () => '* * * * *',
  async run({ deps, client }, now) {
    const pending = await listRulesWithoutCard(deps.db, new Date(now.getTime() - 2 * 60_000));
    // One card Slack keeps refusing must not hold back the others: try each, report the first failure.
    let failure: unknown;
    for (const rule of pending) {
      await postRuleCard(client, deps, rule.id, now).catch((error: unknown) => {
        failure ??= error;
      });
    }
    if (failure !== undefined) throw redactedError(failure);
  },
};
