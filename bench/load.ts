import autocannon from 'autocannon';
import { sign } from '../test/support/slack-requests.js';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * Loads `url` with signed Slack requests from this process (the server under test is another process).
 * `body(n)` makes the n-th request body, so each one can be unique (e.g. a new view ID).
 */
export async function loadSigned(options: {
  url: string;
  secret: string;
  connections: number;
  durationSeconds: number;
  contentType: string;
  body: (n: number) => string;
  /** Requests per second across all connections; unset: as fast as the server answers (saturated). */
  rate?: number;
}): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: `${options.url}/slack/events`,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          n += 1;
          const body = options.body(n);
          const timestamp = Math.floor(Date.now() / 1000);
          return {
            ...request,
            body,
            headers: {
              'content-type': options.contentType,
              'x-slack-request-timestamp': String(timestamp),
              'x-slack-signature': sign(body, timestamp, options.secret),
            },
          };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
