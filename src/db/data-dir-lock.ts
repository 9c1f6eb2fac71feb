import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * PGlite does not lock its data directory, and two processes writing one directory silently lose rows.
 * A PID is no proof of ownership: two containers on one volume are both PID 1. So the lock is a
 * directory created atomically (proper-lockfile's `mkdir`) whose mtime its owner refreshes every few
 * seconds, wherever it runs. A second process sees the mtime move and stops with a clear message; a lock
 * whose mtime stands still past the stale limit was left by a process that died, and is taken over.
 */
export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
}

export interface DataDirLock {
  release(): void;
}

export interface DataDirLockOptions {
  /** A lock not refreshed for this long belongs to a dead process (proper-lockfile's minimum is 2 s). */
  staleMs?: number;
  /** How often the owner refreshes it (at most half of `staleMs`, at least 1 s). */
  updateMs?: number;
  /**
   * The lock was lost while held (its directory removed, or taken over after this process stalled past
   * the stale limit): another process may be writing. Default: say so on stderr and exit at once, since
   * two writers lose rows.
   */
  onCompromised?: (error: Error) => void;
}

// Inside the data directory, so a lock on a mounted volume is seen by every container using it.
const LOCK_DIR = 'touchpoint.lock.d';
// Who holds it, for the message only (proper-lockfile removes the lock with rmdir: it must stay empty).
const OWNER_FILE = 'touchpoint.lock.owner';
// A busy event loop (PGlite runs queries on it) must not look dead: 20 s without a refresh.
const DEFAULT_STALE_MS = 20_000;
const DEFAULT_UPDATE_MS = 2_000;
const POLL_MS = 200;

/** Directories this process holds: a second lock on one of them must not wait for its own refresh. */
const held = new Set<string>();

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function lockMtime(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function readOwner(path: string): string | undefined {
  try {
    const owner = readFileSync(path, 'utf8').trim();
    return owner === '' ? undefined : owner.slice(0, 200);
  } catch {
    return undefined;
  }
}

function lockedError(dataDir: string, owner: string | undefined): DataDirLockedError {
  return new DataDirLockedError(
    `the embedded database in ${dataDir} is already used by another Touchpoint process` +
      `${owner ? ` (${owner})` : ''}; stop it first, or set DATABASE_URL to run several replicas on PostgreSQL`,
  );
}

function exitOnCompromised(error: Error): void {
  process.stderr.write(
    `Touchpoint stops: it lost its lock on the embedded database (${error.message}); another process may be using the directory.\n`,
  );
  process.exit(1);
}

/**
 * Locks `dataDir` for this process or throws `DataDirLockedError`. Runs once at start, before anything
 * is served, so it waits synchronously: while a lock is held by someone, it watches the lock's mtime.
 * If it moves, the owner is alive (refused within about `updateMs`); if it stands still until stale, the
 * owner died and the lock is taken over (at most `staleMs` after the crash).
 */
export function lockDataDir(dataDir: string, options: DataDirLockOptions = {}): DataDirLock {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const updateMs = options.updateMs ?? DEFAULT_UPDATE_MS;
  mkdirSync(dataDir, { recursive: true });
  const dir = resolve(dataDir);
  const lockPath = join(dir, LOCK_DIR);
  const ownerPath = join(dir, OWNER_FILE);
  if (held.has(dir)) throw lockedError(dataDir, 'this process');

  // Long enough for a dead owner's lock to go stale, with room for a slow disk.
  const deadline = Date.now() + 2 * Math.max(staleMs, 2_000) + 5_000;
  let firstSeen: number | undefined;
  for (;;) {
    let release: () => void;
    try {
      release = lockfile.lockSync(dir, {
        lockfilePath: lockPath,
        realpath: false,
        stale: staleMs,
        update: updateMs,
        onCompromised: (error) => {
          held.delete(dir);
          (options.onCompromised ?? exitOnCompromised)(error);
        },
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
      const mtime = lockMtime(lockPath);
      if (mtime === undefined) continue; // released while we looked: try again
      if (firstSeen === undefined) firstSeen = mtime;
      else if (mtime !== firstSeen) throw lockedError(dataDir, readOwner(ownerPath));
      if (Date.now() > deadline) throw lockedError(dataDir, readOwner(ownerPath));
      sleepSync(POLL_MS);
      continue;
    }
    held.add(dir);
    try {
      writeFileSync(ownerPath, `host ${hostname()}, PID ${process.pid}, since ${new Date().toISOString()}`);
    } catch {
      // Only the message needs it.
    }
    return {
      release: () => {
        if (!held.delete(dir)) return;
        try {
          unlinkSync(ownerPath);
        } catch {
          // Already gone.
        }
        try {
          release();
        } catch {
          // Already released, or taken over after a stall: nothing left to release.
        }
      },
    };
  }
}
