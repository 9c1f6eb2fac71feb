/** The one source of truth for the database: every feature's tables, re-exported for drizzle and drizzle-kit. */
export * from '../features/settings/settings.schema.js';
