/** The one source of truth for the database: every feature's tables, re-exported for drizzle and drizzle-kit. */

export * from '../features/calls/calls.schema.js';
export * from '../features/checks/checks.schema.js';
export * from '../features/links/links.schema.js';
export * from '../features/roadmap/roadmap.schema.js';
export * from '../features/rules/rules.schema.js';
export * from '../features/settings/settings.schema.js';
export * from '../features/settings/stages.schema.js';
export * from '../features/stories/stories.schema.js';
export * from '../jobs/job-runs.schema.js';
export * from '../outbox/outbox.schema.js';
