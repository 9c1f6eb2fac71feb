import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const valid = {
  SLACK_BOT_TOKEN: 'xoxb-1-secret-value',
  SLACK_SIGNING_SECRET: 'shh-secret-signing',
  TOUCHPOINT_BACKLOG_CHANNEL: 'C0BACKLOG1',
  TOUCHPOINT_DIGEST_CHANNEL: 'C0DIGEST01',
  TOUCHPOINT_CX_OFFICE: 'U0CXOFF001, S0CXOFFICE',
};

function errorOf(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected loadConfig to fail');
}

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({
      slack: { apiUrl: 'https://slack.com/api/', appToken: undefined },
      database: { kind: 'pglite', dataDir: './data' },
      port: 3000,
      cxOffice: ['U0CXOFF001', 'S0CXOFFICE'],
      executives: [],
      timeZone: 'UTC',
      digestSchedule: '0 9 * * 1',
    });
  });

  it('switches to PostgreSQL with DATABASE_URL and to Socket Mode with SLACK_APP_TOKEN', () => {
    const config = loadConfig({
      ...valid,
      SLACK_SIGNING_SECRET: undefined,
      SLACK_APP_TOKEN: 'xapp-1-abc',
      DATABASE_URL: 'postgres://app:pw@db:5432/touchpoint',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
    });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://app:pw@db:5432/touchpoint' });
    expect(config.slack.appToken).toBe('xapp-1-abc');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  it('names a missing variable in one line', () => {
    const message = errorOf({ ...valid, SLACK_BOT_TOKEN: undefined });
    expect(message).toMatch(/^SLACK_BOT_TOKEN is missing/);
    expect(message).not.toContain('\n');
  });

  it('requires the signing secret in HTTP mode only', () => {
    expect(errorOf({ ...valid, SLACK_SIGNING_SECRET: '' })).toContain('SLACK_SIGNING_SECRET is missing');
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxp-user-token-secret', 'xoxb-'],
    ['SLACK_APP_TOKEN', 'xoxb-wrong-kind', 'xapp-'],
    ['PORT', 'eighty', 'port'],
    ['PORT', '70000', 'between 0 and 65535'],
    ['TOUCHPOINT_BACKLOG_CHANNEL', '#cx-backlog', 'channel ID'],
    ['TOUCHPOINT_CX_OFFICE', 'alice,bob', 'user IDs'],
    ['TOUCHPOINT_CX_OFFICE', ' , ', 'at least one'],
    ['TOUCHPOINT_EXECUTIVES', 'U0EXEC0001,ceo', 'user IDs'],
    ['TOUCHPOINT_TIMEZONE', 'Mars/Olympus', 'IANA time zone'],
    ['TOUCHPOINT_DIGEST_SCHEDULE', 'every monday', 'cron expression'],
    ['DATABASE_URL', 'mysql://db/touchpoint', 'postgres://'],
    ['SLACK_API_URL', 'not a url', 'URL'],
  ])('refuses a bad %s, naming it and never echoing the value', (variable, value, hint) => {
    const message = errorOf({ ...valid, [variable]: value });
    expect(message.startsWith(variable)).toBe(true);
    expect(message).toContain(hint);
    expect(message).not.toContain(value.trim() === ',' ? '\u0000' : value);
  });

  it('refuses .env.example as copied, naming every placeholder still in it and how to find the real value', () => {
    const example = parseEnv(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'));
    const message = errorOf(example);
    expect(message).not.toContain('\n');
    for (const variable of [
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'TOUCHPOINT_BACKLOG_CHANNEL',
      'TOUCHPOINT_DIGEST_CHANNEL',
      'TOUCHPOINT_CX_OFFICE',
    ])
      expect(message).toContain(`${variable} is still the example value from .env.example`);
    expect(message).toContain("copy the channel ID from the channel's details");
    expect(message).toContain('OAuth & Permissions');
  });

  it.each([
    ['SLACK_BOT_TOKEN', 'xoxb-your-bot-token'],
    ['SLACK_SIGNING_SECRET', 'your-signing-secret'],
    ['TOUCHPOINT_BACKLOG_CHANNEL', 'C0123BACKLOG'],
    ['TOUCHPOINT_DIGEST_CHANNEL', 'C0123ANNOUNCE'],
    ['TOUCHPOINT_CX_OFFICE', 'U0CXOFF001,S0123CXOFFICE'],
  ])('refuses the .env.example placeholder of %s alone', (variable, value) => {
    expect(errorOf({ ...valid, [variable]: value })).toMatch(
      new RegExp(`^${variable} is still the example value from \\.env\\.example: `),
    );
  });

  it('never prints a secret, even when several variables are wrong', () => {
    const message = errorOf({ ...valid, SLACK_BOT_TOKEN: 'xoxp-very-secret', PORT: 'x' });
    expect(message).toContain('SLACK_BOT_TOKEN');
    expect(message).toContain('PORT');
    expect(message).not.toContain('very-secret');
    expect(message).not.toContain('shh-secret-signing');
  });
});
