import { resolve, sep } from 'node:path';
import { ErrorCode } from '@slack/web-api';
import type { Config } from './config.js';
import { ConfigError } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';

/**
 * Turns whatever stopped the start into the one line an operator reads: which setting, what is wrong.
 * Never prints a secret or a connection string (it may hold a password).
 */
/** A start-up failure whose message is already the line to print. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Socket Mode opens its connection with the app-level token: a refusal there is about SLACK_APP_TOKEN. */
export function socketModeStartError(error: unknown): unknown {
  const e = error as { code?: string; data?: { error?: string } };
  if (e.code !== ErrorCode.PlatformError) return error;
  return new StartupError(
    `SLACK_APP_TOKEN was refused by Slack (${e.data?.error ?? 'unknown_error'}): create an app-level token with the connections:write scope under Basic Information → App-Level Tokens`,
  );
}

export function describeStartupError(error: unknown, config?: Config): string {
  if (error instanceof ConfigError || error instanceof DataDirLockedError || error instanceof StartupError) {
    return error.message;
  }
  const e = error as {
    code?: string;
    data?: { error?: string };
    original?: { code?: string; message?: string; cause?: { code?: string } };
  };
  if (e.code === ErrorCode.PlatformError) {
    const reason = e.data?.error ?? 'unknown_error';
    if (
      ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'].includes(reason)
    ) {
      return `SLACK_BOT_TOKEN was refused by Slack (${reason}): copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page`;
    }
    return `Slack refused the start (${reason})`;
  }
  if (e.code === ErrorCode.RequestError || e.code === ErrorCode.HTTPError) {
    const url = config?.slack.apiUrl ?? 'SLACK_API_URL';
    const cause =
      e.original?.cause?.code ?? e.original?.code ?? e.original?.message ?? (error as Error).message;
    return `cannot reach the Slack Web API at ${url} (${cause}): check the network and SLACK_API_URL`;
  }
  const nodeCode = (error as NodeJS.ErrnoException).code;
  const dataDirProblem = config && describeDataDirError(error, config);
  if (dataDirProblem) return dataDirProblem;
  if (nodeCode === 'EADDRINUSE') return `PORT ${config?.port ?? ''} is already in use by another process`;
  if (
    config?.database.kind === 'postgres' &&
    nodeCode !== undefined &&
    /^(E[A-Z]+|28|3D|08)/.test(nodeCode)
  ) {
    return `cannot use the PostgreSQL database in DATABASE_URL (${nodeCode}: ${(error as Error).message})`;
  }
  return `unexpected error: ${(error as Error).message ?? String(error)}`;
}

/** What a file-system error code says about the embedded database's directory. */
const DATA_DIR_PROBLEMS: Record<string, string> = {
  ENOTDIR: 'is not a directory (a file is in the way)',
  EEXIST: 'is not a directory (a file is in the way)',
  EACCES: 'cannot be written by this user',
  EPERM: 'cannot be written by this user',
  EROFS: 'is on a read-only file system',
  ENOSPC: 'is on a full disk',
  EDQUOT: 'is on a full disk (quota)',
};

/**
 * A file-system error about the embedded database's directory (creating it, its lock, its files) names
 * TOUCHPOINT_DATA_DIR and the fix; undefined for anything else.
 */
function describeDataDirError(error: unknown, config: Config): string | undefined {
  if (config.database.kind !== 'pglite') return undefined;
  const { code, path } = error as NodeJS.ErrnoException;
  const problem = code === undefined ? undefined : DATA_DIR_PROBLEMS[code];
  if (!problem || typeof path !== 'string') return undefined;
  const dir = resolve(config.database.dataDir);
  const at = resolve(path);
  // The directory itself, something in it, or a parent on the way to it (a file where a folder should be).
  if (at !== dir && !at.startsWith(dir + sep) && !dir.startsWith(at + sep)) return undefined;
  return `TOUCHPOINT_DATA_DIR (${config.database.dataDir}) ${problem} (${code}): set it to a directory this user can write (in the Docker image leave it unset: the image uses /data, a volume), or set DATABASE_URL`;
}
