import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../src/db/client.js';
import { copyMigratedDataDir, freshDatabase } from './support/db.js';
import type { FakeSlack } from './support/fake-slack.js';
import { slashCommand } from './support/payloads.js';
import { SlackSender } from './support/slack-requests.js';
import { ChildApp, startFakeSlack, testEnv } from './support/test-app.js';

// Touchpoint as an operator runs it: a real process, its exit code and what it prints.

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
    // The settings table comes from the first migration; /touchpoint help proves the full path too.
    const send = new SlackSender(`http://127.0.0.1:${port}`);
    await send.command(slashCommand('/touchpoint', 'help', { response_url: slack.responseUrl() }));
    await slack.waitFor('chat.postEphemeral');
    // npm itself dies of the signal (it does not forward it); the app in its group stops cleanly.
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
});
