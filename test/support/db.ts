import { randomBytes } from 'node:crypto';
import { cp, readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import type { OpenDatabaseOptions } from '../../src/db/client.js';

/**
 * A fresh, already migrated database for one test: on PGlite, an in-memory copy of the migrated template
 * dump made in global-setup.ts; on PostgreSQL (DATABASE_URL set), `CREATE DATABASE … TEMPLATE` of the
 * migrated template database. Either is much faster than migrating from scratch.
 */
export interface FreshDatabase {
  env: Record<string, string>;
  config: Config['database'];
  options: OpenDatabaseOptions;
}

let templateBlob: Blob | undefined;

export function usingPostgres(): boolean {
  return inject('postgresTemplate') !== '';
}

export function databaseUrlFor(name: string): string {
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

export async function freshDatabase(): Promise<FreshDatabase> {
  const template = inject('postgresTemplate');
  if (template !== '') {
    const { default: postgres } = await import('postgres');
    const name = `${inject('postgresPrefix')}${randomBytes(5).toString('hex')}`;
    const admin = postgres(inject('postgresAdminUrl'), { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database "${name}" template "${template}"`);
    } finally {
      await admin.end();
    }
    const url = databaseUrlFor(name);
    return { env: { DATABASE_URL: url }, config: { kind: 'postgres', url }, options: {} };
  }
  templateBlob ??= new Blob([await readFile(inject('pgliteTemplatePath'))]);
  return {
    env: { TOUCHPOINT_DATA_DIR: 'memory://' },
    config: { kind: 'pglite', dataDir: 'memory://' },
    options: { pgliteTemplate: templateBlob },
  };
}

/**
 * For a child process on the embedded database: copies the migrated template into `dir` (an installed
 * Touchpoint restarting), so the child skips initdb and the migrations, seconds of CPU each. A run on
 * PostgreSQL has no such template: the directory stays empty and the child sets it up itself.
 */
export async function copyMigratedDataDir(dir: string): Promise<void> {
  const template = inject('pgliteTemplateDir');
  if (template !== '') await cp(template, dir, { recursive: true });
}
