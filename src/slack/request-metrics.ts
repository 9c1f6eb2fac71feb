import { AsyncLocalStorage } from 'node:async_hooks';
import type { ReceiverEvent } from '@slack/bolt';
import { type Metrics, type SlackRequestOutcome, slackRequestKind } from '../metrics.js';

/**
 * Counts Slack requests by kind and outcome, and times each one's answer, around Bolt's `processEvent`
 * (where every request arrives, over HTTP or Socket Mode). Requests the guard refuses never get here:
 * request-guard.ts reports those.
 */
export interface SlackRequestMeter {
  /** Runs Bolt's `processEvent` for one request, counted and timed. */
  run(event: ReceiverEvent, process: (event: ReceiverEvent) => Promise<void>): Promise<void>;
  /** From Bolt's error handler: the request being processed failed (it still counts once). */
  failed(): void;
}

interface RequestState {
  acked: boolean;
  failed: boolean;
}

export function meterSlackRequests(metrics: Metrics): SlackRequestMeter {
  // Bolt's error handler is not told which request failed; it runs inside that request's processing.
  const current = new AsyncLocalStorage<RequestState>();
  return {
    async run(event, process) {
      const kind = slackRequestKind(event.body);
      const started = performance.now();
      const state: RequestState = { acked: false, failed: false };
      const ack = event.ack;
      const timed: ReceiverEvent = {
        ...event,
        ack: async (response) => {
          const first = !state.acked;
          state.acked = true;
          await ack(response);
          // Once the answer is written: the time the person (or Slack) waited.
          if (first) metrics.slackRequestSeconds.observe({ kind }, (performance.now() - started) / 1000);
        },
      };
      try {
        await current.run(state, () => process(timed));
      } catch (error) {
        state.failed = true;
        throw error;
      } finally {
        const outcome: SlackRequestOutcome = state.failed ? 'error' : state.acked ? 'acked' : 'unhandled';
        metrics.slackRequests.inc({ kind, outcome });
      }
    },
    failed() {
      const state = current.getStore();
      if (state) state.failed = true;
    },
  };
}
