import type { FeatureJob } from '../feature.js';
import { queueLateRulesCallOut } from './rules.service.js';

/**
 * Each working-day morning, one message in the backlog channel lists the late nominations (none: no
 * message). Ticks every 15 minutes in the morning, so a replica that was down at 09:00 still posts; the
 * service keys the message by the day, so it is one a day across replicas and ticks.
 */
export const agingJob: FeatureJob = {
  name: 'rules.aging',
  schedule: () => '*/15 9-11 * * 1-5',
  async run({ deps }, now) {
    await queueLateRulesCallOut(deps.db, deps.config, now);
  },
};
