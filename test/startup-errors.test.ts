import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../src/config.js';
import { lockDataDir } from '../src/db/data-dir-lock.js';
import { describeStartupError } from '../src/startup-errors.js';

// A data directory Touchpoint cannot use is one line naming TOUCHPOINT_DATA_DIR and the fix, whatever the
// file system said (the Docker image with TOUCHPOINT_DATA_DIR=./data from .env.example, a read-only mount…).

const pglite = (dataDir: string) => ({ database: { kind: 'pglite', dataDir } }) as Config;
const fsError = (code: string, path?: string) =>
  Object.assign(new Error(`${code}: something, mkdir '${path}'`), { code, path, syscall: 'mkdir' });

describe('describeStartupError: the embedded database directory', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['ENOTDIR', 'is not a directory (a file is in the way)'],
    ['EEXIST', 'is not a directory (a file is in the way)'],
    ['EACCES', 'cannot be written by this user'],
    ['EPERM', 'cannot be written by this user'],
    ['EROFS', 'is on a read-only file system'],
  ])('%s names TOUCHPOINT_DATA_DIR, the problem and the fix', (code, problem) => {
    const line = describeStartupError(fsError(code, '/app/data/touchpoint.lock.d'), pglite('/app/data'));
    expect(line).toMatch(/^TOUCHPOINT_DATA_DIR \(\/app\/data\) /);
    expect(line).toContain(`${problem} (${code})`);
    expect(line).toContain('the image uses /data');
    expect(line).not.toContain('\n');
  });

  it('a directory given relative to the working directory matches the absolute path in the error', () => {
    const line = describeStartupError(fsError('EACCES', join(process.cwd(), 'data')), pglite('data'));
    expect(line).toMatch(/^TOUCHPOINT_DATA_DIR \(data\) cannot be written/);
  });

  it('leaves other errors alone: another path, no path, PostgreSQL, a port', () => {
    expect(describeStartupError(fsError('EACCES', '/etc/other'), pglite('/srv/data'))).toMatch(
      /^unexpected error/,
    );
    expect(describeStartupError(fsError('EACCES'), pglite('/srv/data'))).toMatch(/^unexpected error/);
    const postgres = { database: { kind: 'postgres', url: 'postgres://x' }, port: 3000 } as Config;
    expect(describeStartupError(fsError('EACCES', '/srv/data'), postgres)).not.toContain(
      'TOUCHPOINT_DATA_DIR',
    );
    const listen = Object.assign(new Error('listen EACCES: permission denied 0.0.0.0:80'), {
      code: 'EACCES',
      syscall: 'listen',
    });
    expect(describeStartupError(listen, pglite('/srv/data'))).not.toContain('TOUCHPOINT_DATA_DIR');
  });

  it('what the lock really throws for a file where the directory should be', async () => {
    dir = await mkdtemp(join(tmpdir(), 'touchpoint-datadir-'));
    const file = join(dir, 'data');
    await writeFile(file, 'not a directory');
    for (const dataDir of [file, join(file, 'sub')]) {
      let thrown: unknown;
      try {
        lockDataDir(dataDir).release();
      } catch (error) {
        thrown = error;
      }
      expect(describeStartupError(thrown, pglite(dataDir))).toMatch(
        new RegExp(
          `^TOUCHPOINT_DATA_DIR \\(${dataDir}\\) is not a directory \\(a file is in the way\\) \\((EEXIST|ENOTDIR)\\)`,
        ),
      );
    }
  });
});
