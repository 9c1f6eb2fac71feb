/**
 * Pages of a list that can be longer than a view shows. Pure arithmetic, shared by services (which page in
 * SQL with LIMIT/OFFSET) and views (which say "Showing 6–10 of 37"); no Slack here.
 */

export interface Page {
  /** Which page, from 1. */
  number: number;
  /** How many items a page holds. */
  size: number;
  /** How many items the whole list has. */
  total: number;
  /** How many items come before this page (the query's OFFSET). */
  offset: number;
}

/**
 * The page asked for, kept within the list: a page past the end (the list shrank since the button was
 * drawn, or a forged value) shows the last one; anything below 1 or not a number shows the first.
 */
export function pageAt(requested: number, size: number, total: number): Page {
  const last = Math.max(1, Math.ceil(total / size));
  const wanted = Number.isFinite(requested) ? Math.floor(requested) : 1;
  const number = Math.min(Math.max(1, wanted), last);
  return { number, size, total, offset: (number - 1) * size };
}

/** "6–10 of 37": the items this page shows, in words a person reads (1-based, inclusive). */
export function pageRange(page: Page): string {
  const from = Math.min(page.offset + 1, page.total);
  const to = Math.min(page.offset + page.size, page.total);
  return `${from}–${to} of ${page.total.toLocaleString('en-US')}`;
}
