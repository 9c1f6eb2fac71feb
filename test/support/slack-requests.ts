import { createHmac } from 'node:crypto';

/**
 * Sends requests into `POST /slack/events` the way Slack does: form-encoded slash commands,
 * `payload=`-encoded interactivity, JSON events, each signed with the signing secret (v0 HMAC-SHA256
 * of `v0:{timestamp}:{body}`).
 */

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export interface SignOptions {
  /** Seconds since the epoch; Bolt refuses requests older than five minutes. */
  timestamp?: number;
  /** Sign with another secret (a forged request). */
  secret?: string;
  /** Slack's retry headers, as on a redelivery. */
  retryNum?: number;
}

export interface SlackResponse {
  status: number;
  body: string;
  /** From sending the request to the end of the answer (Slack gives up after 3 s). */
  ms: number;
  json<T = Record<string, unknown>>(): T;
}

export function sign(body: string, timestamp: number, secret: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class SlackSender {
  constructor(
    readonly baseUrl: string,
    private readonly secret = TEST_SIGNING_SECRET,
  ) {}

  async post(body: string, contentType: string, options: SignOptions = {}): Promise<SlackResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(body, timestamp, options.secret ?? this.secret),
    };
    if (options.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(options.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const started = performance.now();
    const response = await fetch(`${this.baseUrl}/slack/events`, { method: 'POST', headers, body });
    const text = await response.text();
    return {
      status: response.status,
      body: text,
      ms: performance.now() - started,
      json: <T>() => (text === '' ? {} : JSON.parse(text)) as T,
    };
  }

  /** A slash command, form-encoded as Slack sends it. */
  command(fields: Record<string, string>, options?: SignOptions): Promise<SlackResponse> {
    return this.post(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', options);
  }

  /** Block actions, view submissions, shortcuts: `payload=<json>`. */
  interaction(payload: object, options?: SignOptions): Promise<SlackResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.post(body, 'application/x-www-form-urlencoded', options);
  }

  /** An Events API callback. */
  event(envelope: object, options?: SignOptions): Promise<SlackResponse> {
    return this.post(JSON.stringify(envelope), 'application/json', options);
  }
}
