import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '@slack/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDatabase, freshDatabaseNotice } from '../src/start-banner.js';
import { describeStartupError, StartupError } from '../src/startup-errors.js';
import type { FakeSlack } from './support/fake-slack.js';
import { ids } from './support/payloads.js';
import { silentLogger, startFakeSlack, startTestApp } from './support/test-app.js';

// The start's look at Slack (src/slack/preflight.ts) and the banner after a start (src/start-banner.ts):
// what cannot work stops the start with one line naming the variable; what people can fix in Slack
// later is logged and DMed to the CX office; a good start says where Slack must call and what it uses.

function recordingLogger() {
  const lines: { level: string; msg: string }[] = [];
  const at =
    (level: string) =>
    (...parts: unknown[]) =>
      lines.push({ level, msg: parts.map(String).join(' ') });
  const logger: Logger = { ...silentLogger, info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describe('the start checks Slack', () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
    slack.setChannel('C0PRIVATE1', { name: 'cx-triage', is_member: false });
    slack.setChannel('C0OLDNEWS1', { name: 'old-news', is_archived: true });
    slack.addUsergroup('S0EMPTY001', []);
  });
  afterAll(async () => {
    await slack.close();
  });

  /** The one line main.ts would print for this start's failure. */
  async function failedStart(env: Record<string, string>): Promise<string> {
    const error = await startTestApp({ slack, env }).then(
      () => {
        throw new Error('expected the start to fail');
      },
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(StartupError);
    const line = describeStartupError(error);
    expect(line).not.toContain('\n');
    return line;
  }

  it('stops on a backlog channel that does not exist, naming the variable, the workspace and the fix', async () => {
    expect(await failedStart({ TOUCHPOINT_BACKLOG_CHANNEL: 'C0NOPE0001' })).toMatch(
      /^TOUCHPOINT_BACKLOG_CHANNEL C0NOPE0001 was not found in the Touchpoint Test workspace: copy the channel ID from the channel's details/,
    );
  });

  it('stops when the bot is not a member of the channel, saying how to invite it', async () => {
    expect(await failedStart({ TOUCHPOINT_BACKLOG_CHANNEL: 'C0PRIVATE1' })).toBe(
      'invite @touchpoint to #cx-triage (TOUCHPOINT_BACKLOG_CHANNEL): /invite @touchpoint in that channel',
    );
  });

  it('stops on an archived digest channel', async () => {
    expect(await failedStart({ TOUCHPOINT_DIGEST_CHANNEL: 'C0OLDNEWS1' })).toMatch(
      /^TOUCHPOINT_DIGEST_CHANNEL #old-news \(C0OLDNEWS1\) is archived: /,
    );
  });

  it('stops on a user group that does not exist, naming the variable', async () => {
    expect(await failedStart({ TOUCHPOINT_EXECUTIVES: `${ids.executive},S0NOPE0001` })).toMatch(
      /^TOUCHPOINT_EXECUTIVES names the user group S0NOPE0001, which was not found in the Touchpoint Test workspace/,
    );
  });

  it('names every problem at once, still in one line', async () => {
    const line = await failedStart({
      TOUCHPOINT_BACKLOG_CHANNEL: 'C0NOPE0001',
      TOUCHPOINT_CX_OFFICE: `${ids.cxOfficer},S0NOPE0002`,
    });
    expect(line).toContain('TOUCHPOINT_BACKLOG_CHANNEL C0NOPE0001');
    expect(line).toContain('TOUCHPOINT_CX_OFFICE names the user group S0NOPE0002');
  });

  it('starts with an empty user group, warns, and DMs the CX office once however often it starts that day', async () => {
    const { logger, lines } = recordingLogger();
    const app = await startTestApp({ slack, logger, env: { TOUCHPOINT_EXECUTIVES: 'S0EMPTY001' } });
    try {
      const warning = lines.find((line) => line.level === 'warn' && line.msg.includes('S0EMPTY001'));
      expect(warning?.msg).toContain('TOUCHPOINT_EXECUTIVES has no members, so nobody is an executive');
      await app.whenIdle();
      for (const member of [ids.cxOfficer, ids.cxGroupMember]) {
        const dms = slack.postedTo(member).filter((dm) => String(dm.text).includes('S0EMPTY001'));
        expect(dms, member).toHaveLength(1);
        expect(String(dms[0]?.text)).toMatch(/^Touchpoint started, but one thing needs a look:\n• /);
        expect(String(dms[0]?.text)).toContain('in the executive roster setting has no members');
        expect(String(dms[0]?.text)).not.toMatch(/TOUCHPOINT_/);
      }
      // A restart, or a second replica, the same day: the same outbox keys, nothing new.
      const replica = await startTestApp({ replicaOf: app, env: { TOUCHPOINT_EXECUTIVES: 'S0EMPTY001' } });
      await replica.whenIdle();
      await app.whenIdle();
      await replica.stop();
      for (const member of [ids.cxOfficer, ids.cxGroupMember])
        expect(slack.postedTo(member).filter((dm) => String(dm.text).includes('S0EMPTY001'))).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });

  it('starts when Slack does not answer a check (an install without the newer scopes), and warns', async () => {
    slack.failNext('conversations.info', 'missing_scope');
    const { logger, lines } = recordingLogger();
    const app = await startTestApp({ slack, logger });
    await app.stop();
    expect(lines.filter((line) => line.level === 'warn').map((line) => line.msg)).toEqual([
      expect.stringMatching(
        /^Slack check: could not check TOUCHPOINT_(BACKLOG|DIGEST)_CHANNEL C0\w+: the app was installed without a scope this needs; reinstall it from manifest.yml$/,
      ),
    ]);
  });

  it('logs the banner after a good start: mode, the URL Slack must call, the database and the workspace', async () => {
    const { logger, lines } = recordingLogger();
    slack.calls.length = 0;
    const app = await startTestApp({ slack, logger });
    try {
      const messages = lines.map((line) => line.msg);
      expect(messages).toContain(
        `Touchpoint is listening on port ${app.running.port} (HTTP): Slack must call https://<your-host>/slack/events (the Request URL for events, interactivity and slash commands)`,
      );
      expect(messages).toContain(
        'Slack workspace: Touchpoint Test (T0TEAM0001); backlog #cx-backlog (C0BACKLOG1), weekly update #announcements (C0DIGEST01)',
      );
      const database = messages.find((message) => message.startsWith('Database: '));
      if (app.config.database.kind === 'postgres') {
        const url = new URL(app.config.database.url);
        expect(database).toBe(
          `Database: PostgreSQL at ${url.hostname}:${url.port || '5432'}, database ${url.pathname.slice(1)}`,
        );
        if (url.username) expect(database).not.toContain(`${url.username}@`);
      } else {
        expect(database).toBe('Database: embedded (in memory, gone when the process stops)');
      }
      expect(lines.filter((line) => line.level !== 'info')).toEqual([]);
      // One round trip: the checks went out together.
      expect(slack.callsTo('conversations.info').map((call) => call.args.channel)).toEqual(
        expect.arrayContaining([ids.backlogChannel, ids.digestChannel]),
      );
      expect(slack.callsTo('usergroups.list')).toHaveLength(1);
      await app.whenIdle();
      expect(slack.callsTo('chat.postMessage')).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});

describe('the banner', () => {
  it('describes a PostgreSQL database without its user or password', () => {
    const line = describeDatabase({
      kind: 'postgres',
      url: 'postgres://app:s3cret@db.internal:6543/touchpoint',
    });
    expect(line).toBe('PostgreSQL at db.internal:6543, database touchpoint');
    expect(describeDatabase({ kind: 'postgres', url: 'postgresql://app:s3cret@db/cx%20prod' })).toBe(
      'PostgreSQL at db:5432, database cx prod',
    );
  });

  it('says before a first start that it is creating the embedded database, and only then', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'touchpoint-banner-'));
    try {
      const dataDir = join(parent, 'data');
      expect(freshDatabaseNotice({ kind: 'pglite', dataDir })).toBe(
        `creating the embedded database in ${dataDir} (first start only)…`,
      );
      await mkdir(dataDir);
      expect(freshDatabaseNotice({ kind: 'pglite', dataDir })).toContain('first start only');
      await writeFile(join(dataDir, 'PG_VERSION'), '17');
      expect(freshDatabaseNotice({ kind: 'pglite', dataDir })).toBeUndefined();
      expect(freshDatabaseNotice({ kind: 'pglite', dataDir: 'memory://' })).toBeUndefined();
      expect(freshDatabaseNotice({ kind: 'postgres', url: 'postgres://db/touchpoint' })).toBeUndefined();
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
