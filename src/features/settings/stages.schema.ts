import { sql } from 'drizzle-orm';
import { integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/**
 * The company's customer-journey stages, the shared tag of rules, calls, stories and roadmap items.
 * Referenced by ID so a rename shows everywhere; a stage in use is retired, never deleted.
 */
export const journeyStages = pgTable(
  'journey_stages',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    /** The accountable executive for this stage (a Slack user ID), named on the stage's items; optional. */
    ownerId: text('owner_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('journey_stages_name_unique').on(sql`lower(${table.name})`)],
);

/**
 * The critical touch-point categories, the optional second tag next to the journey stage. Stored like the
 * stages (seeded by a migration, renamed by the CX office, referenced by ID, retired when in use).
 */
export const touchpointCategories = pgTable(
  'touchpoint_categories',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull(),
    position: integer('position').notNull(),
    retiredAt: timestamp('retired_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('touchpoint_categories_name_unique').on(sql`lower(${table.name})`)],
);
