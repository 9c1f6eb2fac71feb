import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { z } from 'zod';
import { type Page, pageRange } from '../paging.js';
import { context, plain } from './blocks.js';

/**
 * Paging in Block Kit: a list longer than its view says "Showing 6–10 of 37" under it, with "‹ Previous"
 * and "Next ›" buttons whose `value` is the page they show. The click re-renders the same surface
 * (`views.update` for a modal, `views.publish` for App Home) with that page; the query pages in SQL.
 */

/** A list's paging IDs: the block of its buttons (and, with `.showing`, of its count), and each button. */
export interface PagerIds {
  block: string;
  previous: string;
  next: string;
}

/** The count and the buttons under a page; nothing when the whole list fits on one page. */
export function pagerBlocks(page: Page, ids: PagerIds): KnownBlock[] {
  if (page.total <= page.size) return [];
  const button = (actionId: string, text: string, to: number): Button => ({
    type: 'button',
    action_id: actionId,
    text: plain(text),
    value: String(to),
  });
  const elements: Button[] = [];
  if (page.number > 1) elements.push(button(ids.previous, '‹ Previous', page.number - 1));
  if (page.offset + page.size < page.total) elements.push(button(ids.next, 'Next ›', page.number + 1));
  const actions: ActionsBlock = { type: 'actions', block_id: ids.block, elements };
  return [context(`Showing ${pageRange(page)}`, `${ids.block}.showing`), actions];
}

/** The highest page a click may ask for (a forged value past it asks for this one; the service clamps). */
const MAX_PAGE = 100_000;

/** The page a paging button asks for (its `value`); anything else is the first page. */
export function requestedPage(value: string | undefined): number {
  const page = Number(value);
  return Number.isInteger(page) && page >= 1 ? Math.min(page, MAX_PAGE) : 1;
}

// ---- App Home ----------------------------------------------------------------------------------------

/**
 * Which page each paged list of someone's App Home shows (list name → page; a list not named shows its
 * first). It rides in the Home view's `private_metadata`, so a click that re-renders the Home (a page, a
 * "me too") keeps every list where the person left it.
 */
export type HomePages = Record<string, number>;

const homePagesSchema = z.record(z.string().max(40), z.number().int().min(1).max(MAX_PAGE));

export function encodeHomePages(pages: HomePages): string {
  return JSON.stringify(homePagesSchema.parse(pages));
}

/**
 * The pages of the App Home a click came from. Lenient on purpose: a Home published before paging, or
 * metadata that does not parse, is every list on its first page, never an error.
 */
export function homePagesOf(body: unknown): HomePages {
  const view = (body as { view?: { type?: unknown; private_metadata?: unknown } } | undefined)?.view;
  if (view?.type !== 'home' || typeof view.private_metadata !== 'string' || view.private_metadata === '')
    return {};
  try {
    const parsed = homePagesSchema.safeParse(JSON.parse(view.private_metadata));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The modal a click came from (to `views.update` it in place, last click wins), if it came from one. */
export function clickedModal(body: unknown): { id: string; privateMetadata: string } | undefined {
  const view = (body as { view?: { type?: unknown; id?: unknown; private_metadata?: unknown } } | undefined)
    ?.view;
  if (view?.type !== 'modal' || typeof view.id !== 'string') return undefined;
  return {
    id: view.id,
    privateMetadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
  };
}
