import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.js';

// A process that takes the data-directory lock, as Touchpoint does at start, for the lock's tests:
// `lock-holder.ts <dir> <staleMs>`. It prints one JSON line (its PID as it sees it, and whether it got
// the lock), then holds the lock until its stdin closes, and releases it.

const [dataDir, staleMs] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: lock-holder.ts <dir> [staleMs]');
const stale = staleMs ? Number(staleMs) : undefined;
try {
  const lock = lockDataDir(dataDir, stale ? { staleMs: stale, updateMs: Math.floor(stale / 2) } : {});
  process.stdout.write(`${JSON.stringify({ pid: process.pid, locked: true })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => {
    lock.release();
    process.exit(0);
  });
} catch (error) {
  if (!(error instanceof DataDirLockedError)) throw error;
  process.stdout.write(`${JSON.stringify({ pid: process.pid, locked: false, message: error.message })}\n`);
  process.exit(1);
}
