import { describe, expect, it } from 'vitest';
import { pageAt, pageRange } from '../../src/paging.js';
import { encodeHomePages, homePagesOf, pagerBlocks, requestedPage } from '../../src/slack/paging.js';

const ids = { block: 'x.pager', previous: 'x.previous', next: 'x.next' };

describe('paging', () => {
  it('keeps the page asked for within the list', () => {
    expect(pageAt(1, 5, 7)).toEqual({ number: 1, size: 5, total: 7, offset: 0 });
    expect(pageAt(2, 5, 7)).toEqual({ number: 2, size: 5, total: 7, offset: 5 });
    // Past the end (the list shrank, a forged value): the last page. Below 1, or none: the first.
    expect(pageAt(9, 5, 7).number).toBe(2);
    expect(pageAt(0, 5, 7).number).toBe(1);
    expect(pageAt(Number.NaN, 5, 7).number).toBe(1);
    expect(pageAt(3, 5, 0)).toEqual({ number: 1, size: 5, total: 0, offset: 0 });
    expect(pageRange(pageAt(2, 5, 7))).toBe('6–7 of 7');
    expect(pageRange(pageAt(1, 40, 1234))).toBe('1–40 of 1,234');
  });

  it('draws "Showing…" and only the buttons that lead somewhere; nothing when the list fits', () => {
    expect(pagerBlocks(pageAt(1, 5, 5), ids)).toEqual([]);
    const middle = pagerBlocks(pageAt(2, 5, 12), ids);
    expect(middle[0]).toMatchObject({ type: 'context', block_id: 'x.pager.showing' });
    expect(JSON.stringify(middle[0])).toContain('Showing 6–10 of 12');
    expect(middle[1]).toMatchObject({
      type: 'actions',
      block_id: 'x.pager',
      elements: [
        { action_id: 'x.previous', value: '1' },
        { action_id: 'x.next', value: '3' },
      ],
    });
    const last = pagerBlocks(pageAt(3, 5, 12), ids)[1] as { elements: { action_id: string }[] };
    expect(last.elements.map((e) => e.action_id)).toEqual(['x.previous']);
  });

  it('reads a button’s page and a Home’s pages leniently', () => {
    expect(requestedPage('3')).toBe(3);
    expect(['', '0', '-2', '1.5', 'x', undefined].map(requestedPage)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(requestedPage('1000000000')).toBe(100_000);
    const home = { view: { type: 'home', private_metadata: encodeHomePages({ 'rules.backable': 2 }) } };
    expect(homePagesOf(home)).toEqual({ 'rules.backable': 2 });
    expect(homePagesOf({ view: { type: 'home', private_metadata: 'not json' } })).toEqual({});
    expect(homePagesOf({ view: { type: 'home', private_metadata: '{"a":-1}' } })).toEqual({});
    expect(homePagesOf({ view: { type: 'modal', private_metadata: '{"a":2}' } })).toEqual({});
    expect(homePagesOf(undefined)).toEqual({});
  });
});
