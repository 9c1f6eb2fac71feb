import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { FakeSlack } from './fake-slack.js';
import { sign, TEST_SIGNING_SECRET } from './slack-requests.js';
import { ChildApp, PROJECT_ROOT, testEnv } from './test-app.js';

/**
 * Touchpoint as its own process, for the benchmark (bench/) and the fault suite (faults/): a fresh
 * database of either kind, spawning (compiled or through tsx), signed requests, memory and polling.
 */

export const sleep = (time: number) => new Promise((resolve) => setTimeout(resolve, time));

/** Polls `done` (cheap to call: once per 100 ms, not once per recorded call) until it holds. */
export async function until(
  done: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The resident memory of a process, in MB (NaN when it is gone). */
export async function rssMb(pid: number | undefined): Promise<number> {
  if (!pid) return Number.NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

export interface ProcessDatabase {
  kind: 'pglite' | 'postgres';
  /** What to put in the app's environment: TOUCHPOINT_DATA_DIR or DATABASE_URL. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

/** A database made for one run: an embedded directory, or a database created on `adminUrl`'s server. */
export async function processDatabase(
  kind: 'pglite' | 'postgres',
  adminUrl: string | undefined,
  prefix = 'touchpoint_run',
): Promise<ProcessDatabase> {
  if (kind === 'pglite') {
    const dir = await mkdtemp(join(tmpdir(), `${prefix.replace(/_/g, '-')}-`));
    return { kind, env: { TOUCHPOINT_DATA_DIR: dir }, drop: () => rm(dir, { recursive: true, force: true }) };
  }
  if (!adminUrl) throw new Error('a PostgreSQL run needs a server URL (DATABASE_URL)');
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}

/**
 * Spawns Touchpoint against the fake Slack: `dist` is the compiled `node dist/main.js` of the Docker
 * image (build first); `tsx` runs the sources as `npm start` does.
 */
export function spawnTouchpoint(
  slack: FakeSlack,
  env: Record<string, string>,
  how: 'dist' | 'tsx' = 'dist',
): ChildApp {
  const fullEnv = testEnv(slack, { LOG_LEVEL: 'info', ...env });
  if (how === 'tsx') return ChildApp.spawn(fullEnv);
  return new ChildApp(
    spawn(process.execPath, [join(PROJECT_ROOT, 'dist/main.js')], {
      cwd: tmpdir(),
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...fullEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
    fullEnv,
  );
}

/** Spawns Touchpoint and waits until `/healthz` answers. */
export async function startTouchpoint(
  slack: FakeSlack,
  env: Record<string, string>,
  how: 'dist' | 'tsx' = 'dist',
): Promise<{ child: ChildApp; url: string }> {
  const child = spawnTouchpoint(slack, env, how);
  const port = await child.waitUntilHealthy(60_000);
  return { child, url: `http://127.0.0.1:${port}` };
}

/** SIGTERM and wait for the exit. */
export async function stopTouchpoint(child: ChildApp): Promise<void> {
  child.kill('SIGTERM');
  await child.exited;
}

/** A signed POST to `/slack/events`, as Slack sends it. */
export function postSigned(
  url: string,
  body: string,
  contentType: string,
  options: { timestamp?: number; secret?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(body, timestamp, options.secret ?? TEST_SIGNING_SECRET),
    },
    body,
    signal: options.signal,
  });
}

export const FORM = 'application/x-www-form-urlencoded';
