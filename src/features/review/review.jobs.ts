import type { FeatureJob } from '../feature.js';
import { queueMonthlyReviews } from './review.service.js';

/**
 * Last month's journey-stage review to the CX office and every stage owner, on the first working morning
 * of the month (company zone). It runs on each of the first seven days at 09:15, so a process that was
 * down on the 1st still sends it; the outbox keys (`review:<month>:<user>`) make it once per month and
 * recipient, however many runs and replicas.
 */
export const monthlyReviewJob: FeatureJob = {
  name: 'review.monthly',
  schedule: () => '15 9 1-7 * *',
  async run({ deps }, now) {
    const queued = await queueMonthlyReviews(
      deps.db,
      deps.config.timeZone,
      () => deps.roles.cxOfficeMembers(),
      now,
    );
    deps.logger.info(`Monthly journey-stage review: ${queued} recipients checked`);
  },
};
