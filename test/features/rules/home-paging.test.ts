import { describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, eventCallback, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { nominate } from './rules.helpers.js';

type Element = { action_id?: string; value?: string; text?: { text: string } };
type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: Element[];
  accessory?: Element;
};
type HomeView = { id: string; type: 'home'; private_metadata?: string; blocks: Block[] };

describe('App Home pages the suggestions to back', () => {
  const app = useTestApp();

  /** The Home the fake Slack last published for `user`, as Slack stored it (with its ID and metadata). */
  async function published(user: string, from: number): Promise<HomeView> {
    const call = await app.slack.waitFor(
      'views.publish',
      (c) => c.args.user_id === user && app.slack.calls.indexOf(c) >= from,
    );
    expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
    return call.response.view as HomeView;
  }

  async function openHome(user: string): Promise<HomeView> {
    const from = app.slack.calls.length;
    await app.send.event(
      eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' }),
    );
    return published(user, from);
  }

  /** A click on the published Home, as Slack sends it: the Home view (with its metadata) rides along. */
  async function clickOnHome(user: string, home: HomeView, action: Element & { block_id?: string }) {
    const from = app.slack.calls.length;
    const response = await app.send.interaction(
      blockActions(
        { action_id: action.action_id ?? '', value: action.value, block_id: action.block_id },
        { user, responseUrl: app.slack.responseUrl(), view: home },
      ),
    );
    expect(response.status).toBe(200);
    return published(user, from);
  }

  const backRows = (home: HomeView) => home.blocks.filter((b) => b.block_id?.startsWith('rules.home.back.'));
  const showing = (home: HomeView) => {
    const block = home.blocks.find((b) => b.block_id === `${rulesIds.backablePager}.showing`);
    return (block?.elements?.[0] as { text?: string } | undefined)?.text;
  };
  const pagerButtons = (home: HomeView) =>
    home.blocks.find((b) => b.block_id === rulesIds.backablePager)?.elements ?? [];

  it('with 7 suggestions to back, Home shows 5 and "Showing 1–5 of 7"; Next shows the other 2, and a "me too" there keeps the page', async () => {
    for (let n = 1; n <= 7; n += 1) {
      const { response } = await nominate(app, { user: ids.otherEmployee, rule: `Rule number ${n}` });
      expect(response.status).toBe(200);
    }
    await app.whenIdle();

    const first = await openHome(ids.employee);
    expect(backRows(first)).toHaveLength(5);
    // Newest first: 7 down to 3.
    expect(backRows(first)[0]?.text?.text).toContain('Rule number 7');
    expect(backRows(first)[4]?.text?.text).toContain('Rule number 3');
    expect(showing(first)).toBe('Showing 1–5 of 7');
    expect(pagerButtons(first).map((b) => [b.action_id, b.value])).toEqual([[rulesIds.backableNext, '2']]);

    const second = await clickOnHome(ids.employee, first, pagerButtons(first)[0] ?? {});
    expect(backRows(second).map((b) => b.text?.text)).toEqual([
      expect.stringContaining('Rule number 2'),
      expect.stringContaining('Rule number 1'),
    ]);
    expect(showing(second)).toBe('Showing 6–7 of 7');
    expect(pagerButtons(second).map((b) => [b.action_id, b.value])).toEqual([
      [rulesIds.backablePrevious, '1'],
    ]);

    // "Me too" on page 2 re-renders the Home on page 2, with the vote counted.
    const meToo = backRows(second)[0]?.accessory ?? {};
    expect(meToo.action_id).toBe(rulesIds.vote);
    const voted = await clickOnHome(ids.employee, second, meToo);
    expect(showing(voted)).toBe('Showing 6–7 of 7');
    expect(backRows(voted)[0]?.accessory).toMatchObject({ action_id: rulesIds.unvote });
    expect(backRows(voted)[0]?.accessory?.text?.text).toContain('Me too (1)');

    // ‹ Previous goes back to the first five.
    const back = await clickOnHome(ids.employee, voted, pagerButtons(voted)[0] ?? {});
    expect(showing(back)).toBe('Showing 1–5 of 7');
    expect(backRows(back)[0]?.text?.text).toContain('Rule number 7');

    // A page past the end (the list shrank, or a forged value) shows the last page; nothing fails.
    const far = await clickOnHome(ids.employee, back, { action_id: rulesIds.backableNext, value: '99' });
    expect(showing(far)).toBe('Showing 6–7 of 7');
    // The person who suggested them has nothing to back, and so no pager.
    const own = await openHome(ids.otherEmployee);
    expect(backRows(own)).toEqual([]);
    expect(showing(own)).toBeUndefined();
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
    const backlogShowing = (home: HomeView) => {
      const block = home.blocks.find((b) => b.block_id === `${rulesIds.backlogPager}.showing`);
      return (block?.elements?.[0] as { text?: string } | undefined)?.text;
    };
    const backlogButtons = (home: HomeView) =>
      home.blocks.find((b) => b.block_id === rulesIds.backlogPager)?.elements ?? [];

    const first = await openHome(ids.cxOfficer);
    expect(first.blocks.length).toBeLessThanOrEqual(100);
    expect(items(first)).toHaveLength(8);
    // The oldest waiting first: they are the ones that turn late.
    expect(items(first)[0]?.text?.text).toContain('Rule number 1');
    expect(backlogShowing(first)).toBe('Showing 1–8 of 10');
    expect(backlogButtons(first).map((b) => [b.action_id, b.value])).toEqual([[rulesIds.backlogNext, '2']]);
    // Both lists page on one Home, each on its own.
    expect(showing(first)).toBe('Showing 1–5 of 10');

    const second = await clickOnHome(ids.cxOfficer, first, backlogButtons(first)[0] ?? {});
    expect(items(second).map((b) => b.text?.text)).toEqual([
      expect.stringContaining('Rule number 9'),
      expect.stringContaining('Rule number 10'),
    ]);
    expect(backlogShowing(second)).toBe('Showing 9–10 of 10');
    expect(showing(second)).toBe('Showing 1–5 of 10');

    // Someone outside the CX office (a forged click): told by DM, no Home with the backlog published.
    app.slack.calls.length = 0;
    await app.send.interaction(
      blockActions(
        { action_id: rulesIds.backlogNext, value: '2' },
        {
          user: ids.employee,
          responseUrl: app.slack.responseUrl(),
          view: { id: 'V0HOME0009', type: 'home' },
        },
      ),
    );
    const refused = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.employee);
    expect(JSON.stringify(refused.args)).toContain('Only the CX office can see the backlog');
    await app.whenIdle();
    expect(app.slack.callsTo('views.publish')).toEqual([]);
  });
});
