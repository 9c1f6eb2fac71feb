import { describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import {
  clickInView,
  clickOnHome,
  type HomeView,
  openHome,
  pager,
  pagerButtons,
  showing,
} from '../../support/paging.js';
import { ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { nominate } from './rules.helpers.js';

describe('App Home pages the suggestions to back', () => {
  const app = useTestApp();

  const backRows = (home: HomeView) => home.blocks.filter((b) => b.block_id?.startsWith('rules.home.back.'));
  const backable = rulesIds.backablePager;
  const backlog = rulesIds.backlogPager;

  it('with 7 suggestions to back, Home shows 5 and "Showing 1–5 of 7"; Next shows the other 2, and a "me too" there keeps the page', async () => {
    for (let n = 1; n <= 7; n += 1) {
      const { response } = await nominate(app, { user: ids.otherEmployee, rule: `Rule number ${n}` });
      expect(response.status).toBe(200);
    }
    await app.whenIdle();

    const first = await openHome(app, ids.employee);
    expect(backRows(first)).toHaveLength(5);
    // Newest first: 7 down to 3.
    expect(backRows(first)[0]?.text?.text).toContain('Rule number 7');
    expect(backRows(first)[4]?.text?.text).toContain('Rule number 3');
    expect(showing(first.blocks, backable)).toBe('Showing 1–5 of 7');
    expect(pagerButtons(first.blocks, backable)).toEqual([[rulesIds.backableNext, '2']]);

    const second = await clickOnHome(app, ids.employee, first, pager(first.blocks, backable)[0] ?? {});
    expect(backRows(second).map((b) => b.text?.text)).toEqual([
      expect.stringContaining('Rule number 2'),
      expect.stringContaining('Rule number 1'),
    ]);
    expect(showing(second.blocks, backable)).toBe('Showing 6–7 of 7');
    expect(pagerButtons(second.blocks, backable)).toEqual([[rulesIds.backablePrevious, '1']]);

    // "Me too" on page 2 re-renders the Home on page 2, with the vote counted.
    const meToo = backRows(second)[0]?.accessory ?? {};
    expect(meToo.action_id).toBe(rulesIds.vote);
    const voted = await clickOnHome(app, ids.employee, second, meToo);
    expect(showing(voted.blocks, backable)).toBe('Showing 6–7 of 7');
    expect(backRows(voted)[0]?.accessory).toMatchObject({ action_id: rulesIds.unvote });
    expect(backRows(voted)[0]?.accessory?.text?.text).toContain('Me too (1)');

    // ‹ Previous goes back to the first five.
    const back = await clickOnHome(app, ids.employee, voted, pager(voted.blocks, backable)[0] ?? {});
    expect(showing(back.blocks, backable)).toBe('Showing 1–5 of 7');
    expect(backRows(back)[0]?.text?.text).toContain('Rule number 7');

    // A page past the end (the list shrank, or a forged value) shows the last page; nothing fails.
    const far = await clickOnHome(app, ids.employee, back, { action_id: rulesIds.backableNext, value: '99' });
    expect(showing(far.blocks, backable)).toBe('Showing 6–7 of 7');
    // The person who suggested them has nothing to back, and so no pager.
    const own = await openHome(app, ids.otherEmployee);
    expect(backRows(own)).toEqual([]);
    expect(showing(own.blocks, backable)).toBeUndefined();
    const failed = app.slack.calls.filter(
      (c: RecordedCall) => c.method === 'views.publish' && !c.response.ok,
    );
    expect(failed).toEqual([]);
  });

  it('the CX office pages its backlog (8 at a time); a backlog page asked for by anyone else is refused', async () => {
    for (let n = 8; n <= 10; n += 1)
      await nominate(app, { user: ids.otherEmployee, rule: `Rule number ${n}` });
    await app.whenIdle();
    const items = (home: HomeView) => home.blocks.filter((b) => b.block_id?.startsWith('rules.home.item.'));

    const first = await openHome(app, ids.cxOfficer);
    expect(first.blocks.length).toBeLessThanOrEqual(100);
    expect(items(first)).toHaveLength(8);
    // The oldest waiting first: they are the ones that turn late.
    expect(items(first)[0]?.text?.text).toContain('Rule number 1');
    expect(showing(first.blocks, backlog)).toBe('Showing 1–8 of 10');
    expect(pagerButtons(first.blocks, backlog)).toEqual([[rulesIds.backlogNext, '2']]);
    // Both lists page on one Home, each on its own.
    expect(showing(first.blocks, backable)).toBe('Showing 1–5 of 10');

    const second = await clickOnHome(app, ids.cxOfficer, first, pager(first.blocks, backlog)[0] ?? {});
    expect(items(second).map((b) => b.text?.text)).toEqual([
      expect.stringContaining('Rule number 9'),
      expect.stringContaining('Rule number 10'),
    ]);
    expect(showing(second.blocks, backlog)).toBe('Showing 9–10 of 10');
    expect(showing(second.blocks, backable)).toBe('Showing 1–5 of 10');

    // Someone outside the CX office (a forged click): told by DM, no Home with the backlog published.
    app.slack.calls.length = 0;
    const forged: HomeView = { id: 'V0HOME0009', type: 'home', blocks: [] };
    await clickInView(app, ids.employee, forged, { action_id: rulesIds.backlogNext, value: '2' });
    const refused = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.employee);
    expect(JSON.stringify(refused.args)).toContain('Only the CX office can see the backlog');
    await app.whenIdle();
    expect(app.slack.callsTo('views.publish')).toEqual([]);
  });
});
