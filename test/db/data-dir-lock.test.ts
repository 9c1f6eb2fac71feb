import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.js';
import { copyMigratedDataDir } from '../support/db.js';
import type { FakeSlack } from '../support/fake-slack.js';
import { startFakeSlack, testEnv } from '../support/test-app.js';

// The embedded database's lock must hold across containers: two containers on one volume both run as
// PID 1, so each process here runs in its own PID namespace (`unshare --pid --fork`), where it is PID 1.

const HOLDER = fileURLToPath(new URL('./lock-holder.ts', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

// Needs root (or user namespaces) and util-linux; where it is missing the namespace tests cannot run.
const namespacesWork =
  spawnSync('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', 'true']).status === 0;

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
const dirs: string[] = [];

/** Runs `node --import tsx <script> …` as PID 1 of a new PID namespace (killed when its unshare dies). */
function inOwnPidNamespace(args: string[], env: Record<string, string> = {}): Started {
  const child = spawn(
    'unshare',
    ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, '--import', TSX, ...args],
    { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: 'pipe' },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

interface HolderReport {
  pid: number;
  locked: boolean;
  message?: string;
}

/** The holder's one line: whether it got the lock, and its PID as it sees it. */
async function report(started: Started, timeoutMs = 30_000): Promise<HolderReport> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = started.stdout().split('\n')[0];
    if (line && started.stdout().includes('\n')) return JSON.parse(line) as HolderReport;
    if (started.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the lock holder said nothing: ${started.stderr()}${started.stdout()}`);
}

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'touchpoint-lock-'));
  dirs.push(dir);
  return dir;
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!namespacesWork)('the data-directory lock across PID namespaces', () => {
  it('refuses a second process that is PID 1 too, while the first is alive', async () => {
    const dir = await freshDir();
    const first = inOwnPidNamespace([HOLDER, dir]);
    const firstReport = await report(first);
    expect(firstReport).toMatchObject({ pid: 1, locked: true });

    const second = inOwnPidNamespace([HOLDER, dir]);
    const secondReport = await report(second);
    expect(secondReport.pid).toBe(1); // the same PID as the owner: a PID proves nothing
    expect(secondReport.locked).toBe(false);
    expect(secondReport.message).toContain('already used by another Touchpoint process');
    expect(await second.exited).toBe(1);

    // Released on a clean stop: the next one gets it.
    first.child.stdin?.end();
    expect(await first.exited).toBe(0);
    const third = inOwnPidNamespace([HOLDER, dir]);
    expect(await report(third)).toMatchObject({ pid: 1, locked: true });
  });

  it('takes over the lock of a process that was killed, once it went stale', async () => {
    const dir = await freshDir();
    const staleMs = 2_000;
    const crashed = inOwnPidNamespace([HOLDER, dir, String(staleMs)]);
    expect(await report(crashed)).toMatchObject({ locked: true });
    crashed.child.kill('SIGKILL'); // unshare dies, and takes its PID 1 with it: the lock stays behind
    await crashed.exited;

    const started = Date.now();
    const next = inOwnPidNamespace([HOLDER, dir, String(staleMs)]);
    expect(await report(next)).toMatchObject({ pid: 1, locked: true });
    // It waited for the lock to go stale (no refresh), not for ever.
    expect(Date.now() - started).toBeLessThan(staleMs * 2 + 5_000);
  });

  describe('Touchpoint itself', () => {
    let slack: FakeSlack | undefined;
    afterEach(async () => {
      await slack?.close();
      slack = undefined;
    });

    it('a second Touchpoint on the same embedded directory, in another PID namespace, stops with a clear line', async () => {
      slack = await startFakeSlack();
      const dir = await freshDir();
      await copyMigratedDataDir(dir);
      const env = testEnv(slack, { LOG_LEVEL: 'info', TOUCHPOINT_DATA_DIR: dir, DATABASE_URL: undefined });
      const first = inOwnPidNamespace([MAIN], env);
      // The lock is the first thing a start takes (before migrations and Slack): wait until it is held.
      const owner = join(dir, 'touchpoint.lock.owner');
      const deadline = Date.now() + 30_000;
      while (!(await readFile(owner, 'utf8').catch(() => '')).includes('PID 1,') && Date.now() < deadline) {
        if (first.child.exitCode !== null) throw new Error(first.stderr());
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      const second = inOwnPidNamespace([MAIN], env);
      expect(await second.exited).toBe(1);
      const lines = second.stderr().trim().split('\n');
      expect(lines, second.stderr()).toHaveLength(1);
      expect(lines[0]).toMatch(/^Touchpoint cannot start: .*already used by another Touchpoint process/);
      // The owner is named by host and PID: PID 1, like the one refused.
      expect(lines[0]).toContain('PID 1,');
      expect(first.child.exitCode).toBeNull();
    }, 90_000);
  });
});

describe('the data-directory lock in one process', () => {
  it('refuses a second lock on a directory this process holds, and frees it on release', async () => {
    const dir = await freshDir();
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    lock.release();
    const again = lockDataDir(dir);
    again.release();
  });
});
