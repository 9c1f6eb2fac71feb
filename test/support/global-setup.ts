import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';

/**
 * Migrates one template database per test run; every test copies it (see db.ts). With DATABASE_URL set,
 * the template is a PostgreSQL database on that server and the run's databases are dropped at the end.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplatePath: string;
    pgliteTemplateDir: string;
    postgresAdminUrl: string;
    postgresTemplate: string;
    postgresPrefix: string;
  }
}

const TMP = join(process.cwd(), '.tmp');

export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const adminUrl = process.env.DATABASE_URL ?? '';
  await mkdir(TMP, { recursive: true });
  if (adminUrl === '') {
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    const { MIGRATIONS_FOLDER } = await import('../../src/db/client.js');
    const client = await PGlite.create('memory://');
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    const dump = await client.dumpDataDir('none');
    await client.close();
    const path = join(TMP, `pglite-template-${process.pid}.tar`);
    await writeFile(path, Buffer.from(await dump.arrayBuffer()));
    // The same database as a data directory, for child processes: copying it spares each one initdb.
    const dir = join(TMP, `pglite-template-${process.pid}`);
    const onDisk = await PGlite.create(dir, { loadDataDir: dump });
    await onDisk.close();
    project.provide('pgliteTemplatePath', path);
    project.provide('pgliteTemplateDir', dir);
    project.provide('postgresAdminUrl', '');
    project.provide('postgresTemplate', '');
    project.provide('postgresPrefix', '');
    return async () => {
      await rm(path, { force: true });
      await rm(dir, { recursive: true, force: true });
    };
  }

  const { default: postgres } = await import('postgres');
  const run = randomBytes(3).toString('hex');
  const template = `touchpoint_tpl_${run}`;
  const prefix = `touchpoint_t_${run}_`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${template}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${template}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString() });
  await database.migrate();
  await database.close();
  project.provide('pgliteTemplatePath', '');
  project.provide('pgliteTemplateDir', '');
  project.provide('postgresAdminUrl', adminUrl);
  project.provide('postgresTemplate', template);
  project.provide('postgresPrefix', prefix);
  return async () => {
    const rows = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like ${`${prefix}%`} or datname = ${template}`;
    for (const { datname } of rows) await admin.unsafe(`drop database if exists "${datname}" with (force)`);
    await admin.end();
  };
}
