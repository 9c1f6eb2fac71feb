import type { FeatureJob } from '../feature.js';
import { askDueChecks } from './checks.service.js';

/**
 * The quarterly question. Ticks on the hour from 10:00 to 17:00 on working days (company time), so the
 * first tick of a quarter is its first working day at 10:00 and nobody is asked at night; the service
 * decides what is due: every question of the quarter not asked yet (a new executive or stage owner is
 * asked at the next tick). Whatever the number of ticks, runs or replicas, each is asked once.
 */
export const CHECKS_SCHEDULE = '0 10-17 * * 1-5';

export const checksJob: FeatureJob = {
  name: 'checks.ask',
  schedule: () => CHECKS_SCHEDULE,
  async run({ deps }, now) {
    const queued = await askDueChecks(deps.db, deps.config, now);
    if (queued > 0) deps.logger.info(`Quarterly stage check: ${queued} questions queued`);
  },
};
