import { existsSync } from 'node:fs';
import { z } from 'zod';
import { isCronExpression } from './time.js';

/** Voters' daily summaries: every quarter hour from 16:00 to 19:45 on working days (a tick after downtime catches up). */
export const DEFAULT_VOTER_SUMMARY_SCHEDULE = '*/15 16-19 * * 1-5';

/**
 * The run contract (README "Running it": environment variables), as a zod schema.
 * Every message names the variable and what is wrong, never the value: several of these are secrets.
 */

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * The placeholders of .env.example: a copied file that was not filled in fails here with the fix, not
 * later at Slack (test/config.test.ts reads .env.example, so these stay in step with it).
 */
const EXAMPLE = 'is still the example value from .env.example';
/** `.refine(...notExample(value, fix))`: refuses the placeholder, saying how to find the real value. */
const notExample = (example: string, fix: string) =>
  [(value: string | undefined) => value !== example, { error: `${EXAMPLE}: ${fix}` }] as const;

const slackIdList = (pattern: RegExp, what: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value : ''),
    z
      .string()
      .transform((raw) =>
        raw
          .split(',')
          .map((id) => id.trim())
          .filter((id) => id !== ''),
      )
      .pipe(z.array(z.string().regex(pattern, { error: `must be a comma-separated list of ${what}` }))),
  );

const channelId = (example: string) =>
  z
    .string({ error: 'is missing' })
    .trim()
    .regex(/^[CG][A-Z0-9]{2,}$/, { error: 'must be a Slack channel ID such as C0123ABCD (not a #name)' })
    .refine(...notExample(example, "copy the channel ID from the channel's details (it starts with C)"));

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const envSchema = z
  .object({
    SLACK_BOT_TOKEN: z
      .string({ error: 'is missing' })
      .trim()
      .startsWith('xoxb-', { error: 'must be a bot token starting with xoxb-' })
      .refine(
        ...notExample(
          'xoxb-your-bot-token',
          "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page",
        ),
      ),
    SLACK_SIGNING_SECRET: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .refine(
          ...notExample(
            'your-signing-secret',
            "copy the Signing Secret from the app's Basic Information page",
          ),
        )
        .optional(),
    ),
    SLACK_APP_TOKEN: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .startsWith('xapp-', { error: 'must be an app-level token starting with xapp-' })
        .optional(),
    ),
    SLACK_API_URL: z.preprocess(
      blankToUndefined,
      z
        .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://slack.com/api/' })
        .default('https://slack.com/api/')
        // The Web API client joins method names onto this base, so it must end with a slash.
        .transform((url) => (url.endsWith('/') ? url : `${url}/`)),
    ),
    DATABASE_URL: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .regex(/^postgres(ql)?:\/\/.+/, { error: 'must be a postgres:// or postgresql:// connection string' })
        .optional(),
    ),
    TOUCHPOINT_DATA_DIR: z.preprocess(blankToUndefined, z.string().trim().default('./data')),
    PORT: z.preprocess(
      blankToUndefined,
      z.coerce
        .number({ error: 'must be a port number' })
        .int({ error: 'must be a whole port number' })
        .min(0, { error: 'must be between 0 and 65535' })
        .max(65535, { error: 'must be between 0 and 65535' })
        .default(3000),
    ),
    TOUCHPOINT_BACKLOG_CHANNEL: channelId('C0123BACKLOG'),
    TOUCHPOINT_DIGEST_CHANNEL: channelId('C0123ANNOUNCE'),
    TOUCHPOINT_CX_OFFICE: slackIdList(/^[UWS][A-Z0-9]{2,}$/, 'user IDs (U…) or user-group IDs (S…)')
      .refine((ids) => ids.length > 0, {
        error: 'is missing: name at least one user ID (U…) or user-group ID (S…)',
      })
      .refine((ids) => !ids.includes('S0123CXOFFICE'), {
        error: `${EXAMPLE}: name the CX office's user IDs (U…, a profile's ⋮ → Copy member ID) or user-group IDs (S…)`,
      }),
    TOUCHPOINT_EXECUTIVES: slackIdList(/^[UWS][A-Z0-9]{2,}$/, 'user IDs (U…) or user-group IDs (S…)'),
    TOUCHPOINT_TIMEZONE: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .default('UTC')
        .refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Berlin' }),
    ),
    TOUCHPOINT_DIGEST_SCHEDULE: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .default('0 9 * * 1')
        .refine(isCronExpression, { error: 'must be a cron expression such as "0 9 * * 1"' }),
    ),
    TOUCHPOINT_VOTER_SUMMARY_SCHEDULE: z.preprocess(
      blankToUndefined,
      z
        .string()
        .trim()
        .default(DEFAULT_VOTER_SUMMARY_SCHEDULE)
        .refine(isCronExpression, { error: 'must be a cron expression such as "0 16 * * 1-5"' }),
    ),
    LOG_LEVEL: z.preprocess(
      blankToUndefined,
      z
        .enum(['debug', 'info', 'warn', 'error'], { error: 'must be debug, info, warn or error' })
        .default('info'),
    ),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_APP_TOKEN === undefined && env.SLACK_SIGNING_SECRET === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message: 'is missing (required in HTTP mode, that is when SLACK_APP_TOKEN is not set)',
      });
    }
  });

export interface Config {
  slack: {
    botToken: string;
    /** HTTP mode only; Socket Mode authenticates the connection instead. */
    signingSecret: string | undefined;
    /** When set, Socket Mode is used instead of HTTP. */
    appToken: string | undefined;
    apiUrl: string;
  };
  database: { kind: 'postgres'; url: string } | { kind: 'pglite'; dataDir: string };
  port: number;
  backlogChannel: string;
  digestChannel: string;
  /** User IDs (U…/W…) and user-group IDs (S…). */
  cxOffice: string[];
  executives: string[];
  timeZone: string;
  digestSchedule: string;
  /** When voters get their daily summary of what changed on what they backed (at most once a day each). */
  voterSummarySchedule: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

/** A bad environment: its message is the one line printed before the process stops. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0] ?? 'environment');
      const message =
        issue.code === 'invalid_type' && env[variable] === undefined ? 'is missing' : issue.message;
      return `${variable} ${message}`;
    });
    throw new ConfigError(`${[...new Set(problems)].join('; ')} (see .env.example)`);
  }
  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
    },
    database:
      e.DATABASE_URL !== undefined
        ? { kind: 'postgres', url: e.DATABASE_URL }
        : { kind: 'pglite', dataDir: e.TOUCHPOINT_DATA_DIR },
    port: e.PORT,
    backlogChannel: e.TOUCHPOINT_BACKLOG_CHANNEL,
    digestChannel: e.TOUCHPOINT_DIGEST_CHANNEL,
    cxOffice: e.TOUCHPOINT_CX_OFFICE,
    executives: e.TOUCHPOINT_EXECUTIVES,
    timeZone: e.TOUCHPOINT_TIMEZONE,
    digestSchedule: e.TOUCHPOINT_DIGEST_SCHEDULE,
    voterSummarySchedule: e.TOUCHPOINT_VOTER_SUMMARY_SCHEDULE,
    logLevel: e.LOG_LEVEL,
  };
}

/** Reads `.env` from the working directory when there is one; real environment variables win. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}
