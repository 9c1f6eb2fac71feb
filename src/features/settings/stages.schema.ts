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
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('journey_stages_name_unique').on(sql`lower(${table.name})`)],
);
