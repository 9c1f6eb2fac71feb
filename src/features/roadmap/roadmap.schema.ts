import { index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { journeyStages, touchpointCategories } from '../settings/stages.schema.js';

export const ROADMAP_STATUSES = ['planned', 'in_progress', 'shipped', 'paused'] as const;
// What each text field of the roadmap's modals takes: the input's max_length and the form's check.
export const ITEM_TITLE_MAX = 150;
export const CUSTOMER_CHANGE_MAX = 1000;
export const EMPLOYEE_ASK_MAX = 1000;
export const PROGRESS_NOTE_MAX = 2000;
export const WHY_IT_MATTERS_MAX = 500;
export type RoadmapStatus = (typeof ROADMAP_STATUSES)[number];

/** The CX roadmap, kept by the CX office and walked through in the weekly update. */
export const roadmapItems = pgTable(
  'roadmap_items',
  {
    id: serial('id').primaryKey(),
    title: text('title').notNull(),
    customerChange: text('customer_change'),
    employeeAsk: text('employee_ask'),
    /** The owner's short "why this matters", quoted by the digest. */
    whyItMatters: text('why_it_matters'),
    stageId: integer('stage_id').references(() => journeyStages.id),
    /** The optional touch-point category, the second tag next to the stage. */
    categoryId: integer('category_id').references(() => touchpointCategories.id),
    ownerId: text('owner_id'),
    status: text('status', { enum: ROADMAP_STATUSES }).notNull().default('planned'),
    /** YYYY-MM-DD. */
    targetDate: text('target_date'),
    createdBy: text('created_by').notNull(),
    /** The modal's view ID: a replayed "add" finds the item it created. */
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('roadmap_items_idempotency_key_unique').on(table.idempotencyKey)],
);

/** Every change, with who and when: "what changed since the last update" is a query. */
export const roadmapChanges = pgTable(
  'roadmap_changes',
  {
    id: serial('id').primaryKey(),
    itemId: integer('item_id')
      .notNull()
      .references(() => roadmapItems.id),
    actorId: text('actor_id').notNull(),
    kind: text('kind', { enum: ['created', 'edited', 'note'] }).notNull(),
    fromStatus: text('from_status', { enum: ROADMAP_STATUSES }),
    toStatus: text('to_status', { enum: ROADMAP_STATUSES }),
    note: text('note'),
    idempotencyKey: text('idempotency_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    index('roadmap_changes_created_idx').on(table.createdAt),
    uniqueIndex('roadmap_changes_idempotency_key_unique').on(table.idempotencyKey),
  ],
);
