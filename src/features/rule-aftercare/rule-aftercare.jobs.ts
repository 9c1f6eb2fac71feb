import type { FeatureJob } from '../feature.js';
import { queueStillDeadChecks } from './rule-aftercare.service.js';

/**
 * "Still dead?": once a day, on working-day mornings (company time), the service asks about each rule killed
 * 30 days before (catching up to 14 days late after downtime). Ticks every 15 minutes from 10:00 to 11:45,
 * so a replica that was down at 10:00 still asks; each person is asked once per rule whatever the ticks.
 */
export const stillDeadJob: FeatureJob = {
  name: 'rules.still_dead',
  schedule: () => '*/15 10-11 * * 1-5',
  async run({ deps }, now) {
    const { queued } = await queueStillDeadChecks(deps.db, now);
    if (queued > 0) deps.logger.info(`Still dead? ${queued} questions queued`);
  },
};
