import { enqueue, outboxKey } from '../../outbox/outbox.js';
import { inZone, isWorkingDay, localDateKey } from '../../time.js';
import type { FeatureJob } from '../feature.js';
import { readSetting } from '../settings/settings.keys.js';
import { findLateRules, withCountsAndStages } from './rules.service.js';
import { renderAgingMessage } from './rules.views.js';

/**
 * Each working-day morning, one message in the backlog channel lists the late nominations (none: no
 * message). Ticks every 15 minutes in the morning, so a replica that was down at 09:00 still posts; the
 * outbox key (one per day) keeps it to one message a day across replicas and ticks.
 */
export const agingJob: FeatureJob = {
  name: 'rules.aging',
  schedule: () => '*/15 9-11 * * 1-5',
  async run({ deps }, now) {
    // The cron only ticks on weekdays; a run on a weekend (a manual run, a late tick) posts nothing either.
    if (!isWorkingDay(inZone(now, deps.config.timeZone))) return;
    const day = localDateKey(now, deps.config.timeZone);
    const target = await readSetting(deps.db, deps.config, 'rules.responseTargetWorkingDays');
    const late = await findLateRules(deps.db, now, deps.config.timeZone, target);
    if (late.length === 0) return;
    const items = await withCountsAndStages(deps.db, late);
    await enqueue(
      deps.db,
      [
        {
          key: outboxKey('rules', 'aging', day),
          method: 'chat.postMessage',
          channel: deps.config.backlogChannel,
          args: { ...renderAgingMessage(items, { now, targetWorkingDays: target }) },
        },
      ],
      now,
    );
  },
};
