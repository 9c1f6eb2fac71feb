import { index, integer, pgTable, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

/** What a link joins: a logged call, one of its follow-ups, a story, a rule, a roadmap item. */
export const LINK_KINDS = ['call', 'follow_up', 'story', 'rule', 'roadmap_item'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/**
 * The one loop: where an item came from. Always read "origin led to item": call → rule (suggested from
 * the call's learning), follow-up → roadmap item, story → rule (linked by the CX office), rule → roadmap
 * item (the item that removes the rule). Chains are followed link by link (call → rule → roadmap item).
 */
export const itemLinks = pgTable(
  'item_links',
  {
    id: serial('id').primaryKey(),
    originKind: text('origin_kind', { enum: LINK_KINDS }).notNull(),
    originId: integer('origin_id').notNull(),
    itemKind: text('item_kind', { enum: LINK_KINDS }).notNull(),
    itemId: integer('item_id').notNull(),
    /** Who made the link (the person who turned the learning into a suggestion, or the CX office). */
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (table) => [
    uniqueIndex('item_links_unique').on(table.originKind, table.originId, table.itemKind, table.itemId),
    index('item_links_item_idx').on(table.itemKind, table.itemId),
  ],
);
