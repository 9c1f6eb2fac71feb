import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import type { FakeSlack, RecordedCall } from '../../support/fake-slack.js';
import {
  type Block,
  clickInMessage,
  clickInView,
  type Modal,
  openFromMessage,
  pagerButtons,
  showing,
  updateFromModal,
} from '../../support/paging.js';
import { ids } from '../../support/payloads.js';
import { startFakeSlack, startTestApp, type TestApp } from '../../support/test-app.js';

// 50 executives: one more page than `/touchpoint roster` shows (40), and than the Monday summary lists.
const EXECUTIVES = Array.from({ length: 50 }, (_, i) => `U0EXPG${String(i + 1).padStart(4, '0')}`);
const GROUP = 'S0EXECPG01';
const MONDAY = new Date('2026-11-23T09:00:00Z');

const rosterRows = (blocks: Block[]) => blocks.filter((b) => /^calls\.roster\.U/.test(b.block_id ?? ''));
const pagerId = callsIds.rosterPager;
const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});

describe('the executive roster pages', () => {
  let slack: FakeSlack;
  let app: TestApp;

  beforeAll(async () => {
    slack = await startFakeSlack();
    for (const id of EXECUTIVES) slack.addUser({ id, tz: 'Europe/Berlin' });
    slack.addUsergroup(GROUP, EXECUTIVES);
    app = await startTestApp({ slack, now: () => MONDAY, env: { TOUCHPOINT_EXECUTIVES: GROUP } });
    await app.running.runJob('calls.roster', MONDAY);
  });
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  it('/touchpoint roster shows 40 of 50 with "…and 10 more" and See all; the modal pages 1–40, 41–50', async () => {
    app.slack.calls.length = 0;
    await app.command('/touchpoint', 'roster', { user_id: ids.cxOfficer });
    const answer = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.cxOfficer);
    const blocks = answer.args.blocks as Block[];
    expect(rosterRows(blocks)).toHaveLength(40);
    expect(answer.args.text).toBe('Executive roster: 50 executives');
    const more = blocks.find((b) => b.block_id === callsIds.rosterMore);
    expect(more?.text?.text).toBe('…and 10 more.');
    expect(more?.accessory).toMatchObject({ action_id: callsIds.rosterOpen, text: { text: 'See all 50' } });

    const first = await openFromMessage(app, ids.cxOfficer, more?.accessory ?? {});
    expect(first.callback_id).toBe(callsIds.rosterModal);
    expect(rosterRows(first.blocks)).toHaveLength(40);
    expect(rosterRows(first.blocks)[0]?.block_id).toBe(`calls.roster.${EXECUTIVES[0]}`);
    expect(showing(first.blocks, pagerId)).toBe('Showing 1–40 of 50');
    expect(pagerButtons(first.blocks, pagerId)).toEqual([[callsIds.rosterNext, '2']]);

    const second = await updateFromModal(app, ids.cxOfficer, first, {
      action_id: callsIds.rosterNext,
      value: '2',
    });
    expect(rosterRows(second.blocks).map((b) => b.block_id)).toEqual(
      EXECUTIVES.slice(40).map((id) => `calls.roster.${id}`),
    );
    expect(showing(second.blocks, pagerId)).toBe('Showing 41–50 of 50');
    expect(pagerButtons(second.blocks, pagerId)).toEqual([[callsIds.rosterPrevious, '1']]);

    // "Change target" in the modal puts the target form on top of the roster (views.push).
    const change = rosterRows(second.blocks)[0]?.accessory ?? {};
    await clickInView(app, ids.cxOfficer, second, {
      action_id: callsIds.setTarget,
      value: String(change.value),
    });
    const pushed = await app.slack.waitFor('views.push');
    expect(pushed.response.ok, JSON.stringify(pushed.response)).toBe(true);
    expect((pushed.args.view as Modal).callback_id).toBe(callsIds.targetModal);
  });

  it('a roster page asked for by someone outside the CX office is refused: nothing of the roster shows', async () => {
    app.slack.calls.length = 0;
    // From a message: told under it.
    await clickInMessage(app, ids.employee, { action_id: callsIds.rosterOpen, value: '1' });
    const refused = await app.slack.waitFor('response_url');
    expect(text(refused)).toContain('Only the CX office can see the executive roster');
    // From a modal (forged: they never had it): told by DM.
    const forged: Modal = { id: 'V0FORGED01', type: 'modal', blocks: [] };
    await clickInView(app, ids.employee, forged, { action_id: callsIds.rosterNext, value: '2' });
    const dm = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.employee);
    expect(text(dm)).toContain('Only the CX office can see the executive roster');
    await app.whenIdle();
    expect(app.slack.callsTo('views.open')).toEqual([]);
    expect(app.slack.callsTo('views.update')).toEqual([]);
    expect(app.slack.calls.some((c) => text(c).includes(EXECUTIVES[0] ?? '-'))).toBe(false);
  });

  it('the Monday summary lists 40 executives and says "…and 10 more", with See all for the modal', async () => {
    app.slack.calls.length = 0;
    await app.running.runJob('calls.summary', MONDAY);
    await app.whenIdle();
    const summary = app.slack
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === ids.cxOfficer && text(c).includes('Customer calls'));
    expect(summary?.response.ok, JSON.stringify(summary?.response)).toBe(true);
    const blocks = (summary?.args.blocks ?? []) as Block[];
    expect(blocks.length).toBeLessThanOrEqual(50);
    const listed = blocks.flatMap((b) => b.text?.text.match(/<@U0EXPG\d{4}>/g) ?? []);
    expect(listed).toHaveLength(40);
    const more = blocks.find((b) => b.block_id === callsIds.rosterMore);
    expect(more?.text?.text).toBe('…and 10 more.');
    expect(more?.accessory).toMatchObject({ action_id: callsIds.rosterOpen, value: '1' });

    // Its button opens the roster's modal for the CX office.
    const opened = await openFromMessage(
      app,
      ids.cxOfficer,
      more?.accessory ?? {},
      String(summary?.response.channel),
    );
    expect(showing(opened.blocks, pagerId)).toBe('Showing 1–40 of 50');
  });
});
