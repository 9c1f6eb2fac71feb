/**
 * Pacing per Web API method, in this process. Slack's limits are per method and workspace (tiers; for
 * chat.postMessage about one message a second per channel, with bursts, and a workspace-wide ceiling it
 * does not publish). A token bucket per method starts at the tier's rate; a 429 pauses the method for its
 * Retry-After and lowers the rate (multiplicative decrease), each success raises it a little (additive
 * increase), so the worker settles just under what Slack accepts instead of meeting a wall of 429s.
 * Time is passed in (milliseconds), so it is tested without waiting.
 */

export interface PaceSettings {
  /** Calls per second to start with, and the floor and ceiling the rate moves between. */
  perSecond: number;
  min: number;
  max: number;
  /** Calls allowed at once after a quiet spell. */
  burst: number;
}

// Slack's tiers (https://api.slack.com/apis/rate-limits): Tier 2 ≈ 20/min, Tier 3 ≈ 50/min, Tier 4 ≈
// 100/min; chat.postMessage is "special" (per channel), and tolerates far more across many DMs.
export const METHOD_PACE: Record<string, PaceSettings> = {
  // Slack publishes no workspace-wide figure: start at 20 a second and let the rate climb while Slack
  // accepts it (up to 400 a second: about where 16 sends at once at Slack's usual answer time meet).
  'chat.postMessage': { perSecond: 20, min: 1, max: 400, burst: 10 },
  'chat.update': { perSecond: 5, min: 0.5, max: 20, burst: 5 },
  'files.uploadV2': { perSecond: 0.5, min: 0.2, max: 2, burst: 2 },
  'conversations.history': { perSecond: 1, min: 0.2, max: 5, burst: 3 },
};
const DEFAULT_PACE: PaceSettings = { perSecond: 1, min: 0.2, max: 5, burst: 2 };

export class MethodPace {
  private rate: number;
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  /** Until Slack first says 429, the rate climbs fast (+1 call/s per success, doubling each second). */
  private slowStart = true;

  constructor(
    private readonly settings: PaceSettings,
    nowMs: number,
  ) {
    this.rate = settings.perSecond;
    this.tokens = settings.burst;
    this.last = nowMs;
  }

  /** Milliseconds to wait before the next call may go (0: take it now; the token is taken). */
  take(nowMs: number): number {
    if (nowMs < this.pausedUntil) return this.pausedUntil - nowMs;
    this.tokens = Math.min(this.settings.burst, this.tokens + ((nowMs - this.last) / 1000) * this.rate);
    this.last = nowMs;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  /** Paused until then: no call of this method goes out, in this process. */
  pausedFor(nowMs: number): number {
    return Math.max(0, this.pausedUntil - nowMs);
  }

  rateLimited(nowMs: number, retryAfterMs: number): void {
    // Several calls in flight meet the same 429: slow down once per pause, not once per call.
    if (nowMs >= this.pausedUntil) this.rate = Math.max(this.settings.min, this.rate * 0.85);
    this.slowStart = false;
    this.pausedUntil = Math.max(this.pausedUntil, nowMs + retryAfterMs);
    this.tokens = 0;
    this.last = this.pausedUntil;
  }

  /**
   * Faster after each success: doubling each second until the first 429, then gently (about +1 call/s
   * for every 5 s at the current rate), so the rate settles just under Slack's.
   */
  succeeded(): void {
    const step = this.slowStart ? 1 : 0.2 / Math.max(1, this.rate);
    this.rate = Math.min(this.settings.max, this.rate + step);
  }

  get perSecond(): number {
    return this.rate;
  }
}

export function paceFor(method: string, nowMs: number): MethodPace {
  return new MethodPace(METHOD_PACE[method] ?? DEFAULT_PACE, nowMs);
}
