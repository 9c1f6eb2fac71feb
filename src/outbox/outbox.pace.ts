/**
 * Pacing per Web API method, in this process. Slack's limits are per method and workspace (tiers; for
 * chat.postMessage about one message a second per channel, with bursts, and a workspace-wide ceiling it
 * does not publish). A token bucket per method starts at the tier's rate; a 429 pauses the method for its
 * Retry-After and lowers the rate (multiplicative decrease: a little, or by half when the 429 comes right
 * after the last pause), each success raises it (quickly back towards the rate that met the 429, then a
 * little), so the worker settles just under what Slack accepts instead of meeting a wall of 429s.
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
  // A burst well under Slack's: a process whose event loop was busy (the embedded database runs on it)
  // catches up with a volley when it comes back; with a burst as deep as Slack's, such volleys met 429s at
  // two thirds of Slack's rate, and each 429 cost a whole Retry-After and a slowdown.
  'chat.postMessage': { perSecond: 20, min: 1, max: 400, burst: 3 },
  'chat.update': { perSecond: 5, min: 0.5, max: 20, burst: 5 },
  'files.uploadV2': { perSecond: 0.5, min: 0.2, max: 2, burst: 2 },
  'conversations.history': { perSecond: 1, min: 0.2, max: 5, burst: 3 },
};
const DEFAULT_PACE: PaceSettings = { perSecond: 1, min: 0.2, max: 5, burst: 2 };

// How the rate moves after Slack's 429s (tuned against a token-bucket Slack at 5, 20, 50 and 100 calls a
// second, 16 sends in flight; `npm run bench -- --only fanout` measures it end to end):
/** A 429 well into a spell of sending: a little too fast. */
const SLOW_DOWN = 0.9;
/** A 429 within this long of the last pause's end: far too fast (a rate learnt while Slack did not
 * push back, or Slack's room shrank), so halve, as TCP does, instead of creeping down 10% a second. */
const SOON_AFTER_PAUSE_MS = 1_000;
const FAR_TOO_FAST = 0.5;
/** Back up quickly (+1 call/s per success) to this share of the rate the last 429 met, gently beyond. */
const RECOVER_TO = 0.85;
/** The gentle climb: about +1 call/s for every 20 s at the current rate… */
const CLIMB = 0.05;
/** …a little faster for every further 10 s without a 429 (a rate left low by a bad spell comes back). */
const CLIMB_FASTER_EVERY_MS = 10_000;
/** Successes are counted over this long, to tell "far too fast" from a 429 met at about Slack's rate. */
const ACCEPTED_WINDOW_MS = 2_000;
/** This long without a call (outside a pause), what was learnt is stale: start again from the tier's rate. */
const IDLE_RESET_MS = 1_000;

export class MethodPace {
  private rate: number;
  private tokens: number;
  private last: number;
  private pausedUntil = 0;
  /** Until Slack first says 429, the rate climbs fast (+1 call/s per success, doubling each second). */
  private slowStart = true;
  /** The rate Slack's last 429 met, and when the pause it asked for ended. */
  private refusedAt = 0;
  private resumedAt = Number.NEGATIVE_INFINITY;
  /** When the recent calls succeeded (oldest first, at most ACCEPTED_WINDOW_MS back). */
  private readonly successes: number[] = [];

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
    // A rate learnt before a quiet spell says nothing about Slack now (its bucket refilled, others may send):
    // after one, a fan-out starts from the tier's rate and climbs again, as TCP does after idle (RFC 2861).
    // Resuming at the old rate met a wall of 429s, and each cost a whole Retry-After.
    if (
      nowMs - Math.max(this.last, this.pausedUntil) >= IDLE_RESET_MS &&
      this.rate > this.settings.perSecond
    ) {
      this.rate = this.settings.perSecond;
      this.slowStart = true;
      this.refusedAt = 0;
    }
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
    if (nowMs >= this.pausedUntil) {
      // Far too fast: refused again right after a pause, at more than twice what Slack just accepted
      // (a 429 met at about Slack's rate, e.g. after a volley, is only a little too fast).
      const soon = nowMs - this.resumedAt < SOON_AFTER_PAUSE_MS;
      const factor = soon && this.rate > 2 * this.acceptedPerSecond(nowMs) ? FAR_TOO_FAST : SLOW_DOWN;
      this.refusedAt = this.rate;
      this.rate = Math.max(this.settings.min, this.rate * factor);
    }
    this.slowStart = false;
    this.pausedUntil = Math.max(this.pausedUntil, nowMs + retryAfterMs);
    this.resumedAt = this.pausedUntil;
    this.tokens = 0;
    this.last = this.pausedUntil;
  }

  /**
   * Faster after each success: doubling each second until the first 429 and after a halving (up to most
   * of the rate the 429 met), then gently, so the rate settles just under Slack's.
   */
  succeeded(nowMs: number): void {
    this.successes.push(nowMs);
    while ((this.successes[0] ?? nowMs) <= nowMs - ACCEPTED_WINDOW_MS) this.successes.shift();
    const quickly = this.slowStart || this.rate < this.refusedAt * RECOVER_TO;
    const calm = Math.max(1, (nowMs - this.resumedAt) / CLIMB_FASTER_EVERY_MS);
    const step = quickly ? 1 : (CLIMB / Math.max(1, this.rate)) * calm;
    this.rate = Math.min(this.settings.max, this.rate + step);
  }

  /** Calls a second that Slack accepted lately. */
  private acceptedPerSecond(nowMs: number): number {
    const recent = this.successes.filter((at) => at > nowMs - ACCEPTED_WINDOW_MS).length;
    return recent / (ACCEPTED_WINDOW_MS / 1000);
  }

  get perSecond(): number {
    return this.rate;
  }
}

export function paceFor(method: string, nowMs: number): MethodPace {
  return new MethodPace(METHOD_PACE[method] ?? DEFAULT_PACE, nowMs);
}
