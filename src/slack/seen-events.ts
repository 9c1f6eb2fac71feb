import type { Logger } from '@slack/logger';
import type { Db } from '../db/client.js';
import { pruneSeenSlackEvents, recordSlackEvent } from '../outbox/outbox.queries.js';
import { safeErrorText } from './safe-errors.js';

/** Slack redelivers an event within minutes (three tries); an hour is far past its last try. */
export const SEEN_EVENT_TTL_MS = 60 * 60 * 1000;

/**
 * `firstDelivery(eventId)` for the listener routes: records each event ID, false for one seen already.
 * The first event of each hour also forgets the IDs older than the TTL (cheap: one indexed delete an
 * hour, no extra job).
 *
 * With the database down the event is handled anyway: the events Touchpoint takes (App Home opened)
 * are harmless twice, and a person's Home left unrendered is worse than one rendered twice.
 */
export function createSeenEvents(deps: { db: Db; now: () => Date; logger: Logger }) {
  let prunedAt = Number.NEGATIVE_INFINITY;
  return async function firstDelivery(eventId: string): Promise<boolean> {
    const now = deps.now();
    if (now.getTime() - prunedAt >= SEEN_EVENT_TTL_MS) {
      prunedAt = now.getTime();
      pruneSeenSlackEvents(deps.db, new Date(now.getTime() - SEEN_EVENT_TTL_MS)).catch((error: unknown) => {
        prunedAt = Number.NEGATIVE_INFINITY;
        deps.logger.warn(`Forgetting old Slack event IDs failed: ${safeErrorText(error)}`);
      });
    }
    try {
      return await recordSlackEvent(deps.db, eventId, now);
    } catch (error) {
      deps.logger.warn(`Recording a Slack event ID failed, handling it anyway: ${safeErrorText(error)}`);
      return true;
    }
  };
}
