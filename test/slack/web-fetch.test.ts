import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel, WebClient, type WebClientOptions } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countWebApiCalls, createMetrics } from '../../src/metrics.js';
import { createSlackFetch, slackFetch } from '../../src/slack/web-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let answer: (seen: Seen) => { status: number; headers?: Record<string, string | string[]>; body: string } =
  () => ({ status: 200, body: '{"ok":true}' });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      const { status, headers, body } = answer(request);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = (options: WebClientOptions = {}) =>
  new WebClient('xoxb-test', {
    slackApiUrl: `${base}/api/`,
    fetch: slackFetch,
    logLevel: LogLevel.ERROR,
    ...options,
  });

describe('slackFetch, the Web API client transport', () => {
  it('posts the form with its headers and reads status, headers and body like fetch', async () => {
    answer = () => ({
      status: 200,
      headers: { 'X-Custom': 'yes', 'set-cookie': ['a=1', 'b=2'] },
      body: '{"ok":true,"n":3}',
    });
    const response = await slackFetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer xoxb-test' },
      body: 'channel=C1&text=%C3%A9t%C3%A9',
    });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      url: '/api/chat.postMessage',
      body: 'channel=C1&text=%C3%A9t%C3%A9',
    });
    expect(seen.at(-1)?.headers.authorization).toBe('Bearer xoxb-test');
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.statusText).toBe('OK');
    expect(response.headers.get('x-custom')).toBe('yes');
    expect(response.headers.get('X-CUSTOM')).toBe('yes');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(Object.fromEntries(response.headers.entries())).toMatchObject({ 'x-custom': 'yes' });
    expect(await response.json()).toEqual({ ok: true, n: 3 });
    expect(await response.text()).toBe('{"ok":true,"n":3}');
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe('{"ok":true,"n":3}');
  });

  it('gives a 429 and its Retry-After to the client, which waits and retries', async () => {
    let calls = 0;
    answer = () => {
      calls += 1;
      return calls === 1
        ? { status: 429, headers: { 'Retry-After': '1' }, body: '{"ok":false,"error":"ratelimited"}' }
        : { status: 200, body: '{"ok":true,"channel":"C1"}' };
    };
    const started = Date.now();
    const result = await client().chat.postMessage({ channel: 'C1', text: 'hello' });
    expect(result.ok).toBe(true);
    expect(calls).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("turns Slack's errors into the client's errors", async () => {
    answer = () => ({ status: 200, body: '{"ok":false,"error":"channel_not_found"}' });
    await expect(client().chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({
      data: { error: 'channel_not_found' },
    });
    answer = () => ({ status: 500, body: 'oops' });
    await expect(client({ retryConfig: { retries: 0 } }).auth.test()).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 500,
    });
  });

  it('honours the abort signal (the client timeout)', async () => {
    const slowServer = createServer(() => {});
    await new Promise<void>((resolve) => slowServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(slowServer.address() as AddressInfo).port}/api/auth.test`;
    try {
      await expect(
        slackFetch(url, { method: 'POST', body: '', signal: AbortSignal.timeout(100) }),
      ).rejects.toThrow();
    } finally {
      slowServer.closeAllConnections();
      slowServer.close();
    }
  });

  it('sends a multipart body (a file upload) through the global fetch', async () => {
    answer = () => ({ status: 200, body: 'OK' });
    const form = new FormData();
    form.append('file', new Blob(['a,b\n1,2\n']), 'export.csv');
    const response = await slackFetch(`${base}/upload/v1/abc`, { method: 'POST', body: form });
    expect(await response.text()).toBe('OK');
    expect(seen.at(-1)?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(seen.at(-1)?.body).toContain('a,b\n1,2\n');
  });

  it('reports each call by method and result (ok, 429, error), from the body it already holds', async () => {
    const metrics = createMetrics();
    const counted = client({
      fetch: createSlackFetch(countWebApiCalls(metrics, 'outbox')),
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
    });
    const answers = [
      { status: 200, body: '{"ok":true,"channel":"C1"}' },
      { status: 200, body: '{ "channel": "C1", "ok": true }' }, // `ok` not first: parsed whole
      { status: 200, body: '{"ok":false,"error":"channel_not_found"}' },
      { status: 429, headers: { 'Retry-After': '1' }, body: '{"ok":false,"error":"ratelimited"}' },
      { status: 500, body: '<html>oops</html>' },
    ];
    answer = () => answers.shift() ?? { status: 200, body: '{"ok":true}' };
    for (let n = 0; n < 5; n += 1)
      await counted.chat.postMessage({ channel: 'C1', text: 'x' }).catch(() => {});
    await counted.auth.test();
    // A response URL or an upload URL names no method: its path (IDs) never becomes a label.
    await createSlackFetch(countWebApiCalls(metrics, 'people'))(`${base}/commands/T0TEAM0001/123/abc`, {
      method: 'POST',
      body: '{}',
    });
    const values = (await metrics.webApiCalls.get()).values.map((value) => [value.labels, value.value]);
    expect(values).toEqual(
      expect.arrayContaining([
        [{ client: 'outbox', method: 'chat.postMessage', result: 'ok' }, 2],
        [{ client: 'outbox', method: 'chat.postMessage', result: 'error' }, 2],
        [{ client: 'outbox', method: 'chat.postMessage', result: '429' }, 1],
        [{ client: 'outbox', method: 'auth.test', result: 'ok' }, 1],
        [{ client: 'people', method: 'other', result: 'ok' }, 1],
      ]),
    );
    expect(values).toHaveLength(5);
  });
});
