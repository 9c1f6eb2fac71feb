import { STATUS_CODES } from 'node:http';
import type { FetchFunction } from '@slack/web-api';
import { request } from 'undici';

/**
 * The transport of the Web API client (its `fetch` option): undici's `request`, which skips the WHATWG
 * Request/Response and stream objects that the global `fetch` builds for every call: in a CPU profile of
 * `/killrule` under load they were the largest part of each `views.open` (README "Performance").
 * File uploads (a FormData body) still go through the global `fetch`. Bolt's `respond()` uses this too.
 * A redirect comes back as its 3xx response (fetch with `redirect: 'error'` would throw): either way the
 * client reports a failed call.
 */
export const slackFetch: FetchFunction = async (url, init = {}) => {
  if (typeof init.body !== 'string' && init.body !== undefined) return fetch(url, init);
  const response = await request(url, {
    method: (init.method ?? 'GET') as 'GET' | 'POST',
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  });
  const body = Buffer.from(await response.body.arrayBuffer());
  const headers = response.headers;
  const header = (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const result: Awaited<ReturnType<FetchFunction>> = {
    ok: response.statusCode >= 200 && response.statusCode < 300,
    status: response.statusCode,
    statusText: STATUS_CODES[response.statusCode] ?? '',
    url: String(url),
    headers: {
      get: header,
      entries: () => Object.keys(headers).map((name): [string, string] => [name, header(name) ?? '']),
    },
    arrayBuffer: async () =>
      body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer,
    text: async () => body.toString('utf8'),
    json: async () => JSON.parse(body.toString('utf8')) as unknown,
  };
  return result;
};
