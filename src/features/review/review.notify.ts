import { z } from 'zod';
import type { DbOrTx } from '../../db/client.js';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import { renderReviewPicture } from './review.chart.js';
import {
  buildStageReview,
  REVIEW_PICTURE_RENDERER,
  REVIEW_SUMMARY_RENDERER,
  type ReviewScope,
  reviewPictureInput,
  type StageReview,
} from './review.service.js';
import { pictureAltText, renderReviewCsv, renderReviewFiles, renderReviewSummary } from './review.views.js';

/**
 * The review's messages, built when the outbox sends them: the numbers are read then (a fixed number of
 * statements), and the picture's PNG is drawn then, so its bytes are never stored in the outbox.
 */

const deliveryInput = z.object({
  month: z.string().regex(/^\d{4}-\d{2}$/),
  zone: z.string(),
  stageIds: z.array(z.number().int()).nullable(),
});

/**
 * A review built moments ago for the same month and scope is used again: the summary and the picture of
 * one delivery, and the CX office members of a monthly run, all read the same numbers, so they are read
 * once (per database, for half a minute of wall time; a failed build is not kept).
 */
const REUSE_MS = 30_000;
const recent = new WeakMap<object, Map<string, { at: number; review: Promise<StageReview> }>>();

function reviewFor(db: DbOrTx, scope: ReviewScope, now: Date): Promise<StageReview> {
  const key = JSON.stringify([scope.month, scope.zone, scope.stageIds]);
  let byKey = recent.get(db);
  if (!byKey) {
    byKey = new Map();
    recent.set(db, byKey);
  }
  const wall = Date.now();
  for (const [k, entry] of byKey) if (wall - entry.at > REUSE_MS) byKey.delete(k);
  const found = byKey.get(key);
  if (found) return found.review;
  const review = buildStageReview(db, scope, now);
  const entries = byKey;
  entries.set(key, { at: wall, review });
  review.catch(() => entries.delete(key));
  return review;
}

/** The DM's short text summary (chat.postMessage). */
const summary: OutboxRenderer = {
  name: REVIEW_SUMMARY_RENDERER,
  async render(db, input, now) {
    const review = await reviewFor(db, deliveryInput.parse(input), now);
    return { ...renderReviewSummary(review), unfurl_links: false };
  },
};

/** The picture (heatmap and trend, PNG) and the CSV of the numbers, in one files upload v2. */
const picture: OutboxRenderer = {
  name: REVIEW_PICTURE_RENDERER,
  async render(db, input, now) {
    const review = await reviewFor(db, deliveryInput.parse(input), now);
    const drawn = reviewPictureInput(review);
    const { png } = await renderReviewPicture(drawn);
    const files = renderReviewFiles(review);
    return {
      initial_comment: files.comment,
      file_uploads: [
        // The alt text says what the picture draws, from the same input: screen readers read it.
        { file: png, filename: files.png, title: files.title, alt_text: pictureAltText(drawn) },
        { content: renderReviewCsv(review), filename: files.csv, title: `${files.title} (numbers)` },
      ],
    };
  },
};

export const reviewRenderers: OutboxRenderer[] = [summary, picture];
