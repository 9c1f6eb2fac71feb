import autocannon from 'autocannon';
import { Pool } from 'undici';
import { sign } from '../test/support/slack-requests.js';

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

interface LoadOptions {
  url: string;
  secret: string;
  connections: number;
  durationSeconds: number;
  contentType: string;
  body: (n: number) => string;
}

const signedHeaders = (options: LoadOptions, body: string) => {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': options.contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': sign(body, timestamp, options.secret),
  };
};

const percentileOf = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/**
 * A steady load: `rate` requests a second, evenly spaced, over `connections` keep-alive connections,
 * whether or not earlier ones were answered (an open loop, as Slack sends). Each latency counts from the
 * moment the request was due, so a request that waited for a free connection counts its wait.
 * (autocannon's own rate limit sends each second's share in a burst, which measures the burst.)
 */
export async function loadSteady(options: LoadOptions & { rate: number }): Promise<LoadResult> {
  const pool = new Pool(options.url, { connections: options.connections, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  let non2xx = 0;
  const inFlight = new Set<Promise<void>>();
  const total = Math.round(options.rate * options.durationSeconds);
  const started = performance.now();
  const send = (n: number, due: number) => {
    const body = options.body(n);
    const request = pool
      .request({ path: '/slack/events', method: 'POST', headers: signedHeaders(options, body), body })
      .then(async (response) => {
        await response.body.dump();
        latencies.push(performance.now() - due);
        if (response.statusCode < 200 || response.statusCode >= 300) non2xx += 1;
      })
      .catch(() => {
        errors += 1;
      });
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - started) / 1000) * options.rate) + 1);
    for (; sent < due; sent += 1) send(sent + 1, started + (sent * 1000) / options.rate);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  await pool.close();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: latencies.length / elapsed,
    p50: percentileOf(sorted, 50),
    p99: percentileOf(sorted, 99),
    errors,
    non2xx,
  };
}

/**
 * Loads `url` with signed Slack requests from this process (the server under test is another process).
 * `body(n)` makes the n-th request body, so each one can be unique (e.g. a new view ID).
 */
export async function loadSigned(options: LoadOptions): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url: `${options.url}/slack/events`,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          n += 1;
          const body = options.body(n);
          return { ...request, body, headers: signedHeaders(options, body) };
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
