import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@slack/logger';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type Config, loadConfig } from '../../src/config.js';
import { type RunningTouchpoint, type StartOptions, startTouchpoint } from '../../src/touchpoint.js';
import { freshDatabase } from './db.js';
import { FAKE_BOT_TOKEN, FakeSlack } from './fake-slack.js';
import { ids, slashCommand } from './payloads.js';
import { type SignOptions, SlackSender, TEST_SIGNING_SECRET } from './slack-requests.js';

export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A fake Slack that knows the channels, users and user groups the default test config names. */
export async function startFakeSlack(): Promise<FakeSlack> {
  const slack = await FakeSlack.start();
  slack.addChannel(ids.backlogChannel, ids.digestChannel, ids.generalChannel);
  slack.setChannel(ids.backlogChannel, { name: 'cx-backlog' });
  slack.setChannel(ids.digestChannel, { name: 'announcements' });
  for (const id of [ids.employee, ids.otherEmployee, ids.cxOfficer, ids.cxGroupMember, ids.executive]) {
    slack.addUser({ id, tz: 'UTC' });
  }
  slack.addUsergroup(ids.cxGroup, [ids.cxGroupMember]);
  return slack;
}

/** The environment of a test app: the contract's variables pointing at the fake Slack. */
export function testEnv(
  slack: FakeSlack,
  extra: Record<string, string | undefined> = {},
): Record<string, string> {
  const env: Record<string, string | undefined> = {
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    TOUCHPOINT_BACKLOG_CHANNEL: ids.backlogChannel,
    TOUCHPOINT_DIGEST_CHANNEL: ids.digestChannel,
    TOUCHPOINT_CX_OFFICE: `${ids.cxOfficer},${ids.cxGroup}`,
    TOUCHPOINT_EXECUTIVES: ids.executive,
    TOUCHPOINT_TIMEZONE: 'UTC',
    LOG_LEVEL: 'error',
    ...extra,
  };
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => 'error' as ReturnType<Logger['getLevel']>,
  setName: () => {},
};

export interface TestApp {
  slack: FakeSlack;
  send: SlackSender;
  url: string;
  config: Config;
  running: RunningTouchpoint;
  /** Sends `/command text` as `user` and returns the HTTP answer. */
  command(
    command: string,
    text: string,
    overrides?: Record<string, string>,
    options?: SignOptions,
  ): ReturnType<SlackSender['command']>;
  /**
   * Resolves when the app has finished what the requests so far started (Bolt acks first and works
   * after) and the outbox sent everything due: then what did not happen will not happen.
   */
  whenIdle(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string | undefined>;
  /**
   * A second replica: same database (and same fake Slack) as `other`. On PostgreSQL it connects on its
   * own, as a real replica would; on the embedded database it shares the open instance.
   */
  replicaOf?: TestApp;
  now?: () => Date;
  slack?: FakeSlack;
  logger?: Logger;
  /** Outbox worker settings, e.g. `{ autoStart: false }` to send only on `running.outbox.drain()`. */
  outbox?: StartOptions['outbox'];
}

/** Starts Touchpoint in this process on a fresh database, against a fake Slack. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const replicaOf = options.replicaOf;
  const slack = options.slack ?? replicaOf?.slack ?? (await startFakeSlack());
  const database = replicaOf ? undefined : await freshDatabase();
  const databaseEnv = replicaOf ? replicaDatabaseEnv(replicaOf.config) : (database?.env ?? {});
  const config = loadConfig(testEnv(slack, { ...databaseEnv, ...options.env }));
  const running = await startTouchpoint(config, {
    logger: options.logger ?? silentLogger,
    now: options.now,
    database: database?.options,
    sharedDatabase:
      replicaOf && replicaOf.config.database.kind === 'pglite' ? replicaOf.running.database : undefined,
    schedule: false,
    outbox: options.outbox,
  });
  const url = `http://127.0.0.1:${running.port}`;
  const send = new SlackSender(url);
  return {
    slack,
    send,
    url,
    config,
    running,
    command: (command, text, overrides = {}, signOptions) =>
      send.command(
        slashCommand(command, text, { response_url: slack.responseUrl(), ...overrides }),
        signOptions,
      ),
    whenIdle: () => running.whenIdle(),
    stop: async () => {
      await running.stop();
      if (!options.slack && !replicaOf) await slack.close();
    },
  };
}

function replicaDatabaseEnv(config: Config): Record<string, string> {
  return config.database.kind === 'postgres'
    ? { DATABASE_URL: config.database.url }
    : { TOUCHPOINT_DATA_DIR: config.database.dataDir };
}

/**
 * One app for a whole describe block, with the fake Slack's recorded calls cleared before each test.
 * Returns a stand-in usable at once in the tests (the app itself starts in beforeAll).
 */
export function useTestApp(options: TestAppOptions = {}): TestApp {
  let app: TestApp | undefined;
  beforeAll(async () => {
    app = await startTestApp(options);
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(() => {
    if (app) app.slack.calls.length = 0;
  });
  return new Proxy({} as TestApp, {
    get: (_target, key) => {
      if (!app) throw new Error('the test app is not started yet (use it inside a test)');
      return Reflect.get(app, key);
    },
  });
}

/** Touchpoint as a child process (`node --import tsx src/main.ts`, or `npm start`), for process-level tests. */
export class ChildApp {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    readonly env: Record<string, string>,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /**
   * `npm start` runs from the project root, as a user would. The plain node form runs from another
   * directory on purpose: migrations must be found from the package, not the working directory, and a
   * developer's own .env in the project root must not leak into tests.
   */
  static spawn(env: Record<string, string>, how: 'node' | 'npm' = 'node', cwd = tmpdir()): ChildApp {
    const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
    const [command, args, dir] =
      how === 'npm'
        ? ['npm', ['start', '--silent'], PROJECT_ROOT]
        : [process.execPath, ['--import', import.meta.resolve('tsx'), main], cwd];
    const child = spawn(command as string, args as string[], {
      cwd: dir as string,
      // Its own process group, so a signal reaches npm and the app together, as from a terminal or Docker.
      detached: how === 'npm',
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildApp(child, env);
  }

  /** The port it listens on, read from its start line. */
  get port(): number | undefined {
    const match = /listening on port (\d+)/.exec(this.stdout);
    return match ? Number(match[1]) : undefined;
  }

  /** Resolves with the port once `/healthz` answers 200; rejects if the process exits first. */
  async waitUntilHealthy(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let exitCode: number | null | undefined;
    void this.exited.then((code) => {
      exitCode = code;
    });
    while (Date.now() < deadline) {
      if (exitCode !== undefined)
        throw new Error(`Touchpoint exited with ${exitCode}: ${this.stderr}${this.stdout}`);
      const port = this.port;
      if (port !== undefined) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (response) => response.status === 200,
          () => false,
        );
        if (ok) return port;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Touchpoint did not become healthy in ${timeoutMs} ms: ${this.stderr}${this.stdout}`);
  }

  /** Sends a signal (to npm's whole process group for `npm start`); a process already gone is fine. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    try {
      if (this.child.spawnargs[0] === 'npm' && this.child.pid !== undefined)
        process.kill(-this.child.pid, signal);
      else this.child.kill(signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
}
