import { execFileSync, spawn as spawnProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../src/db/client.js';
import { copyMigratedDataDir, freshDatabase } from './support/db.js';
import type { FakeSlack } from './support/fake-slack.js';
import { slashCommand } from './support/payloads.js';
import { SlackSender } from './support/slack-requests.js';
import { ChildApp, PROJECT_ROOT, startFakeSlack, testEnv } from './support/test-app.js';

// Touchpoint as an operator runs it: a real process, its exit code and what it prints.

/** What the README tells operators to run under a supervisor (systemd, a process manager): node itself. */
const SUPERVISED_COMMAND = 'node --import tsx src/main.ts';

/** The processes below `pid`, children first (`ps`: Linux and macOS). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid=']).toString().trim().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number) as [number, number];
    children.set(parent, [...(children.get(parent) ?? []), child]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0; ) {
    const next = children.get(queue.shift() as number) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/** Whether a process is still there (a zombie waiting for its parent to read its status counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  return state !== '' && !state.startsWith('Z');
}

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    () => true,
    () => false,
  );
}

function expectOneClearLine(stderr: string, mustContain: string): void {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^Touchpoint cannot start: /);
  expect(lines[0]).toContain(mustContain);
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
}

// Each test starts real processes (tsx compiles on start): on a loaded 2-core machine a start alone can take 20 s.
describe('the Touchpoint process', { timeout: 60_000 }, () => {
  let slack: FakeSlack;
  let dataDir: string;
  const children: ChildApp[] = [];
  const spawn = (env: Record<string, string>, how: 'node' | 'npm' = 'node') => {
    const child = ChildApp.spawn(env, how);
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.running) child.kill('SIGKILL');
      await child.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });
  afterAll(async () => {
    await slack.close();
  });

  /** `installed`: the embedded database already migrated (a restart), sparing the child initdb. */
  async function envWithDatabase(extra: Record<string, string> = {}, installed = true) {
    dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-'));
    const database = await freshDatabase();
    if (installed && database.config.kind === 'pglite') await copyMigratedDataDir(dataDir);
    const dbEnv = database.config.kind === 'postgres' ? database.env : { TOUCHPOINT_DATA_DIR: dataDir };
    return testEnv(slack, { LOG_LEVEL: 'info', ...dbEnv, ...extra });
  }

  it('`npm start` starts, migrates the database and answers /healthz and /readyz', async () => {
    const app = spawn(await envWithDatabase({}, false), 'npm');
    const port = await app.waitUntilHealthy();
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    expect(slack.callsTo('auth.test').length).toBeGreaterThan(0);
    // The banner: timestamped JSON lines saying where Slack must call; a first embedded start says so first.
    expect(app.stdout).toMatch(/"time":"[^"]+".*Slack must call https:\/\/<your-host>\/slack\/events/);
    if (!app.env.DATABASE_URL) expect(app.stdout).toContain('creating the embedded database in');
    // The settings table comes from the first migration; /touchpoint help proves the full path too.
    const send = new SlackSender(`http://127.0.0.1:${port}`);
    await send.command(slashCommand('/touchpoint', 'help', { response_url: slack.responseUrl() }));
    await slack.waitFor('chat.postEphemeral');
    // A terminal's Ctrl-C (or this SIGTERM) goes to the whole group: node gets it and stops cleanly. npm
    // passes a signal sent to its PID alone on to the `sh -c` running the script, which dies without passing
    // it on (dash as sh; npm 11): node would keep running. Hence the README's SUPERVISED_COMMAND.
    app.kill('SIGTERM');
    await app.exited;
    const deadline = Date.now() + 10_000;
    let up = true;
    while (up && Date.now() < deadline) {
      up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        () => true,
        () => false,
      );
      if (up) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(up).toBe(false);
    while (existsSync(join(dataDir, 'touchpoint.lock')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    // Every migration in drizzle/ was applied to the database it started on.
    const env = app.env;
    const database = await openDatabase(
      env.DATABASE_URL
        ? { kind: 'postgres', url: env.DATABASE_URL }
        : { kind: 'pglite', dataDir: env.TOUCHPOINT_DATA_DIR ?? '' },
    );
    try {
      const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
        entries: unknown[];
      };
      const applied = await database.db.execute(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(
        (applied as unknown as { rows?: { n: number }[] }).rows?.[0]?.n ??
          (applied as unknown as { n: number }[])[0]?.n,
      ).toBe(journal.entries.length);
      await database.db.execute(sql`select key, value from settings limit 1`);
    } finally {
      await database.close();
    }
  });

  it('stops with one clear line when SLACK_BOT_TOKEN is missing', async () => {
    const env = await envWithDatabase();
    delete env.SLACK_BOT_TOKEN;
    const app = spawn(env);
    expect(await app.exited).toBe(1);
    expectOneClearLine(app.stderr, 'SLACK_BOT_TOKEN is missing');
  });

  it('stops with one clear line when Slack refuses the token, without printing it', async () => {
    const app = spawn(await envWithDatabase({ SLACK_BOT_TOKEN: 'xoxb-revoked-secret-token' }));
    expect(await app.exited).toBe(1);
    expectOneClearLine(app.stderr, 'SLACK_BOT_TOKEN was refused by Slack (invalid_auth)');
    expect(app.stderr + app.stdout).not.toContain('revoked-secret');
  });

  it('stops with one clear line when the Slack Web API cannot be reached', async () => {
    const app = spawn(await envWithDatabase({ SLACK_API_URL: 'http://127.0.0.1:9/api/' }));
    expect(await app.exited).toBe(1);
    expectOneClearLine(app.stderr, 'cannot reach the Slack Web API at http://127.0.0.1:9/api/');
  });

  it('stops with one clear line, and prints nothing else, when a configured channel is not in the workspace', async () => {
    const app = spawn(await envWithDatabase({ TOUCHPOINT_BACKLOG_CHANNEL: 'C0NOPE0001' }));
    expect(await app.exited).toBe(1);
    expectOneClearLine(
      app.stderr,
      'TOUCHPOINT_BACKLOG_CHANNEL C0NOPE0001 was not found in the Touchpoint Test workspace',
    );
    expect(app.stdout).toBe('');
  });

  it('in Socket Mode opens its connection through SLACK_API_URL, and names SLACK_APP_TOKEN when refused', async () => {
    const env = await envWithDatabase({
      SLACK_APP_TOKEN: 'xapp-1-A0TOUCHPT1-test',
      SLACK_SIGNING_SECRET: '',
    });
    const app = spawn(env);
    expect(await app.exited).toBe(1);
    const open = await slack.waitFor('apps.connections.open');
    expect(open.token).toBe('xapp-1-A0TOUCHPT1-test');
    expectOneClearLine(app.stderr, 'SLACK_APP_TOKEN was refused by Slack (invalid_auth)');
  });

  it('refuses a second process on the same embedded data directory', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-'));
    await copyMigratedDataDir(dataDir);
    const env = testEnv(slack, { LOG_LEVEL: 'info', TOUCHPOINT_DATA_DIR: dataDir, DATABASE_URL: undefined });
    const first = spawn(env);
    await first.waitUntilHealthy();
    const second = spawn(env);
    expect(await second.exited).toBe(1);
    expectOneClearLine(second.stderr, 'already used by another Touchpoint process');
    // The first one is unharmed and still answers.
    expect((await fetch(`http://127.0.0.1:${first.port}/readyz`)).status).toBe(200);
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Its lock is released: a new process may use the directory now.
    const third = spawn(env);
    await third.waitUntilHealthy();
  });

  it('on SIGTERM finishes the work in flight, then exits 0', async () => {
    const app = spawn(await envWithDatabase());
    const port = await app.waitUntilHealthy();
    slack.calls.length = 0;
    slack.latencyMs = 1_500; // the listener's Web API call is still running when the signal arrives
    try {
      const send = new SlackSender(`http://127.0.0.1:${port}`);
      const response = await send.command(
        slashCommand('/touchpoint', 'help', { response_url: slack.responseUrl() }),
      );
      expect(response.status).toBe(200);
      app.kill('SIGTERM');
      const started = Date.now();
      expect(await app.exited).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(slack.callsTo('chat.postEphemeral')).toHaveLength(1);
    } finally {
      slack.latencyMs = 0;
    }
  });

  it(`SIGTERM to the PID of \`${SUPERVISED_COMMAND}\` stops its whole process tree and frees the port and the data directory`, async () => {
    expect(await readFile(join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain(SUPERVISED_COMMAND);
    dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-'));
    await copyMigratedDataDir(dataDir);
    // Run from the project directory as written there; empty values win over a developer's own .env.
    const env = testEnv(slack, {
      LOG_LEVEL: 'info',
      TOUCHPOINT_DATA_DIR: dataDir,
      DATABASE_URL: '',
      SLACK_APP_TOKEN: '',
    });
    const [command, ...args] = SUPERVISED_COMMAND.split(' ') as [string, ...string[]];
    const app = new ChildApp(
      spawnProcess(command === 'node' ? process.execPath : command, args, {
        cwd: PROJECT_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      env,
    );
    children.push(app);
    const port = await app.waitUntilHealthy();
    const pid = app.child.pid as number;
    const tree = [pid, ...descendants(pid)];

    process.kill(pid, 'SIGTERM'); // that PID only, as a supervisor does
    expect(await app.exited).toBe(0);
    expect(app.stdout).toContain('received SIGTERM');
    const deadline = Date.now() + 5_000;
    while (tree.some(alive) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(tree.filter(alive), 'processes left running').toEqual([]);
    expect(await answers(`http://127.0.0.1:${port}/healthz`)).toBe(false);
    // The lock was released, not left to go stale: a new process takes the directory at once.
    expect(existsSync(join(dataDir, 'touchpoint.lock.d'))).toBe(false);
    const next = spawn(env);
    await next.waitUntilHealthy();
  });

  it('stops with one clear line naming TOUCHPOINT_DATA_DIR when the data directory is a file', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-'));
    const file = join(dataDir, 'data');
    await writeFile(file, 'not a directory');
    const app = spawn(testEnv(slack, { TOUCHPOINT_DATA_DIR: file, DATABASE_URL: undefined }));
    expect(await app.exited).toBe(1);
    expectOneClearLine(app.stderr, `TOUCHPOINT_DATA_DIR (${file}) is not a directory (a file is in the way)`);
  });
});
