import type { Feature } from '../feature.js';
import { reviewIds } from './review.ids.js';
import { monthlyReviewJob } from './review.jobs.js';
import { onHomeRendered, onStagesCommand } from './review.listeners.js';
import { reviewRenderers } from './review.notify.js';

/**
 * The monthly journey-stage review (`/touchpoint stages`, a monthly DM with a picture and a CSV) and the
 * loop's health on the CX office's Home.
 */
export const reviewFeature: Feature = {
  name: 'review',
  register() {},
  // Stage owners may ask too (for their stages): the role is checked by the service, not by the router.
  subcommands: [{ name: reviewIds.subcommand, cxOfficeOnly: false, run: onStagesCommand }],
  jobs: [monthlyReviewJob],
  home: { maxBlocks: 2, render: onHomeRendered },
  outboxRenderers: reviewRenderers,
};
