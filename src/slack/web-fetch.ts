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
export const slackFetch: FetchFunction = createSlackFetch();

/** What a call came to: Slack's `ok` (from the body) or the HTTP status, or no answer at all. */
export type CallResult = 'ok' | '429' | 'error';

/**
 * The transport, optionally reporting each call's URL and result (the metrics). `ok` is read from the
 * body already held, in its first bytes where Slack writes it: the client's own parse stays the only one.
 */
export function createSlackFetch(observe?: (url: string, result: CallResult) => void): FetchFunction {
  return async (url, init = {}) => {
    const target = String(url);
    if (typeof init.body !== 'string' && init.body !== undefined) {
      // An upload's bytes to its upload URL (not a Web API method): its status says enough.
      const response = await fetch(url, init).catch((error: unknown) => {
        observe?.(target, 'error');
        throw error;
      });
      observe?.(target, response.status === 429 ? '429' : response.ok ? 'ok' : 'error');
      return response;
    }
    let response: Awaited<ReturnType<typeof request>>;
    let body: Buffer;
    try {
      response = await request(url, {
        method: (init.method ?? 'GET') as 'GET' | 'POST',
        headers: init.headers,
        body: init.body,
        signal: init.signal,
      });
      body = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      observe?.(target, 'error');
      throw error;
    }
    observe?.(target, resultOf(response.statusCode, body));
    return answer(target, response.statusCode, response.headers, body);
  };
}

function resultOf(status: number, body: Buffer): CallResult {
  if (status === 429) return '429';
  if (status < 200 || status >= 300) return 'error';
  const head = body.subarray(0, 64).toString('latin1');
  if (/^\s*\{\s*"ok"\s*:\s*true\b/.test(head)) return 'ok';
  if (/^\s*\{\s*"ok"\s*:\s*false\b/.test(head)) return 'error';
  // `ok` not first (not how Slack writes it): parse the whole answer.
  try {
    return (JSON.parse(body.toString('utf8')) as { ok?: unknown }).ok === true ? 'ok' : 'error';
  } catch {
    return 'error';
  }
}

function answer(
  url: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
): Awaited<ReturnType<FetchFunction>> {
  const header = (name: string): string | null => {
    const value = headers[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const result: Awaited<ReturnType<FetchFunction>> = {
    ok: status >= 200 && status < 300,
    status,
    statusText: STATUS_CODES[status] ?? '',
    url,
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
}
