import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import { calls, followUps } from '../../../src/features/calls/calls.schema.js';
import { linksIds } from '../../../src/features/links/links.ids.js';
import { itemLinks } from '../../../src/features/links/links.schema.js';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { callFormState } from '../../support/call-form.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, eventCallback, ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { cardClick, decideWithNote, nominationState } from '../rules/rules.helpers.js';

// The one loop, end to end through signed requests and the fake Slack: a call's learning or follow-up
// turns into a suggestion or a roadmap item in one click (linked to where it came from), cards say where
// things came from, the CX office links stories and rules, and the executive who heard the customer is
// told, once, when the rule is killed or the item ships.

const EXEC = ids.executive;
/** The anonymous suggestion the executive makes from their call (found by its title: its submitter is kept apart). */
const RULE_FROM_CALL = 'Refunds need a faxed form';
const OWNER = 'U0OWNER001';
const CUSTOMER = 'Acme <Rockets> & Co';
const CUSTOMER_ESCAPED = 'Acme &lt;Rockets&gt; &amp; Co';

type View = {
  id: string;
  callback_id?: string;
  private_metadata?: string;
  blocks: {
    block_id?: string;
    element?: { initial_value?: string; initial_option?: { value: string }; option_groups?: unknown[] };
  }[];
};
type Block = {
  type?: string;
  block_id?: string;
  elements?: { action_id?: string; value?: string }[];
  accessory?: { action_id?: string; options?: { value: string }[] };
};

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});
const blocksOf = (call: RecordedCall | undefined) => (call?.args.blocks ?? []) as Block[];
/** The action IDs and values of every button in a message. */
const buttonsOf = (call: RecordedCall | undefined) => blocksOf(call).flatMap((block) => block.elements ?? []);
const dmsTo = (app: TestApp, user: string) =>
  app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === user && c.response.ok);
/** The loop-closed DMs an executive got ("Tell <customer>: …"). */
const loopDmsTo = (app: TestApp, user: string) =>
  dmsTo(app, user).filter((c) => blocksOf(c).some((b) => b.block_id === 'links.loop.tell'));

function itemState(status: string): Record<string, StateInput> {
  return {
    [roadmapIds.title]: { type: 'plain_text_input', value: 'Refunds without the fax' },
    [roadmapIds.customerChange]: { type: 'plain_text_input', value: 'Refunds are one click, no fax' },
    [roadmapIds.employeeAsk]: { type: 'plain_text_input', value: null },
    [roadmapIds.stage]: { type: 'static_select', value: null },
    [roadmapIds.owner]: { type: 'users_select', user: null },
    [roadmapIds.status]: { type: 'static_select', value: status },
    [roadmapIds.target]: { type: 'datepicker', date: null },
  };
}

describe('the one loop: turns, links, "came from" and telling the customer', () => {
  let app: TestApp;
  let callId = 0;
  let followUpId = 0;

  /** A click as Slack sends it from a DM (or another channel), with a response URL. */
  const click = (
    user: string,
    action: { action_id: string; value?: string; selected_option?: { value: string } },
  ) =>
    app.send.interaction(
      blockActions(
        { action_ts: `${Date.now() / 1000}`, ...action },
        { user, channel: `D${user.slice(1)}`, responseUrl: app.slack.responseUrl() },
      ),
    );

  /** Clicks and returns the modal Slack was asked to open with `callbackId`. */
  async function clickOpens(user: string, action: Parameters<typeof click>[1], callbackId: string) {
    const before = app.slack.callsTo('views.open').length;
    await click(user, action);
    const opened = await app.slack.waitFor(
      'views.open',
      (c) =>
        app.slack.callsTo('views.open').indexOf(c) >= before &&
        (c.args.view as { callback_id?: string }).callback_id === callbackId,
    );
    return opened.response.view as View;
  }

  /** Waits for the last post or update of a rule's card and returns it. */
  async function ruleCard(ruleNumber: number, contains: string, method = 'chat.update') {
    return app.slack.waitFor(
      method,
      (c) =>
        String(c.args.text).startsWith(`RULE-${ruleNumber} `) &&
        c.args.channel === ids.backlogChannel &&
        text(c).includes(contains),
    );
  }

  beforeAll(async () => {
    // On the real clock: a card's updates a second apart go out as they come due.
    app = await startTestApp();
    app.slack.addUser({ id: OWNER }).addUser({ id: EXEC });
    // The executive logs a call with a follow-up for someone else, shared as a story.
    await app.command('/logcall', '', { user_id: EXEC });
    const opened = await app.slack.waitFor('views.open');
    const saved = await app.send.interaction(
      viewSubmission(
        opened.response.view as View,
        callFormState({
          [callsIds.customer]: { type: 'plain_text_input', value: CUSTOMER },
          [callsIds.duration]: { type: 'plain_text_input', value: '20' },
          [callsIds.learned]: { type: 'plain_text_input', value: 'Refunds need a faxed form <!channel>' },
          followup_0: { type: 'plain_text_input', value: 'Find out who still reads the fax' },
          followup_0_due: { type: 'datepicker', date: '2026-11-20' },
        }),
        EXEC,
      ),
    );
    expect(saved.status).toBe(200);
    await app.whenIdle();
    const db = app.running.database.db;
    const [call] = await db.select().from(calls);
    const [followUp] = await db.select().from(followUps);
    callId = call?.id ?? 0;
    followUpId = followUp?.id ?? 0;
    expect(callId).toBeGreaterThan(0);
    expect(followUpId).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await app?.stop();
  });
  beforeEach(() => {
    app.slack.calls.length = 0;
  });

  it('a call’s thank-you turns into an anonymous suggestion, linked, and its card says where it came from', async () => {
    // The call's confirmation offers "Suggest killing a rule" (not "Propose a roadmap item": not the CX office).
    const db = app.running.database.db;
    const thanks = (
      await db
        .select()
        .from(outbox)
        .where(eq(outbox.key, `calls:call:${callId}:thanks`))
    )[0];
    const thanksButtons = JSON.stringify(thanks?.payload ?? {});
    expect(thanksButtons).toContain(linksIds.suggestRule);
    expect(thanksButtons).toContain(`call:${callId}`);
    expect(thanksButtons).not.toContain(linksIds.proposeRoadmap);

    const modal = await clickOpens(
      EXEC,
      { action_id: linksIds.suggestRule, value: `call:${callId}` },
      rulesIds.nominateModal,
    );
    const ruleInput = modal.blocks.find((b) => b.block_id === rulesIds.rule);
    expect(ruleInput?.element?.initial_value).toBe('Refunds need a faxed form <!channel>');
    const whyInput = modal.blocks.find((b) => b.block_id === rulesIds.why);
    expect(whyInput?.element?.initial_value).toContain(`From a call with ${CUSTOMER}`);
    expect(JSON.parse(modal.private_metadata ?? '{}').origin).toEqual({ kind: 'call', id: callId });

    const state = nominationState({ user: EXEC, rule: RULE_FROM_CALL, anonymous: true });
    const first = await app.send.interaction(viewSubmission(modal, state, EXEC));
    expect(first.status).toBe(200);
    // A replay of the same submission creates nothing twice.
    await app.send.interaction(viewSubmission(modal, state, EXEC));
    const made = await db
      .select()
      .from(rules)
      .where(eq(rules.idempotencyKey, `view:${modal.id}`));
    expect(made).toHaveLength(1);
    const rule = made[0];
    if (!rule) throw new Error('no rule');
    const links = await db
      .select()
      .from(itemLinks)
      .where(and(eq(itemLinks.itemKind, 'rule'), eq(itemLinks.itemId, rule.id)));
    // An anonymous submitter is not kept on the link either.
    expect(links).toMatchObject([
      { originKind: 'call', originId: callId, itemKind: 'rule', createdBy: 'anonymous' },
    ]);

    // The card names the customer (escaped), never the executive: an anonymous suggestion stays so.
    const card = await ruleCard(rule.number, 'Came from a call with', 'chat.postMessage');
    expect(text(card)).toContain(`Came from a call with *${CUSTOMER_ESCAPED}*`);
    expect(text(card)).toContain('_anonymous_');
    await app.whenIdle();
    for (const call of app.slack.calls.filter((c) => c.args.channel === ids.backlogChannel))
      expect(text(call)).not.toContain(EXEC);

    // The export says where it came from, without the executive.
    await app.command('/touchpoint', 'export rules', { user_id: ids.cxOfficer });
    await app.slack.waitFor('files.completeUploadExternal');
    const csv = app.slack.sharedFiles.at(-1)?.content ?? '';
    expect(csv).toContain(`call with ${CUSTOMER}`);
    expect(csv).not.toContain(EXEC);
  });

  it('killing it tells the executive once, with "Tell <customer>" and a button to log the follow-up call', async () => {
    const db = app.running.database.db;
    const [rule] = await db.select().from(rules).where(eq(rules.title, RULE_FROM_CALL));
    if (!rule?.cardTs) throw new Error('no card yet');
    const target = { ruleId: rule.id, cardTs: rule.cardTs };
    await decideWithNote(app, target, 'killed', 'The fax form is gone from today.');
    const dm = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === EXEC && blocksOf(c).some((b) => b.block_id === 'links.loop.tell'),
    );
    expect(text(dm)).toContain(`*Tell ${CUSTOMER_ESCAPED}:* the rule “Refunds need a faxed form” is gone`);
    expect(buttonsOf(dm).find((b) => b.action_id === callsIds.logFollowUpCall)?.value).toBe(CUSTOMER);

    // Reopened and killed again, and the kill's modal replayed: still the one DM.
    await app.send.interaction(
      cardClick(
        app,
        rule.id,
        rule.cardTs,
        { action_id: rulesIds.setStatus, selected_option: { value: `${rule.id}:under_review` } },
        ids.cxOfficer,
      ),
    );
    const again = await decideWithNote(app, target, 'killed', 'Gone for good.');
    await again.submit('Gone for good.');
    await app.whenIdle();
    expect(loopDmsTo(app, EXEC)).toHaveLength(1);
    const queued = await db
      .select()
      .from(outbox)
      .where(like(outbox.key, `loop:rule:${rule.id}:%`));
    expect(queued.map((row) => row.key)).toEqual([`loop:rule:${rule.id}:call:${callId}:dm:${EXEC}`]);

    // "Log the follow-up call" opens the call form with the customer filled in.
    const callForm = await clickOpens(
      EXEC,
      { action_id: callsIds.logFollowUpCall, value: CUSTOMER },
      callsIds.callModal,
    );
    expect(callForm.blocks.find((b) => b.block_id === callsIds.customer)?.element?.initial_value).toBe(
      CUSTOMER,
    );
  });

  it('roadmap items are the CX office’s: not offered, refused on click and on submission', async () => {
    const db = app.running.database.db;
    // The follow-up's owner (not the CX office) is offered the rule turn only.
    const followUpDm = (
      await db
        .select()
        .from(outbox)
        .where(like(outbox.key, `calls:call:${callId}:followups:%`))
    )[0];
    expect(JSON.stringify(followUpDm?.payload)).toContain(`follow_up:${followUpId}`);
    expect(JSON.stringify(followUpDm?.payload)).not.toContain(linksIds.proposeRoadmap);

    // A forged "Propose a roadmap item": refused privately, nothing opens.
    await click(OWNER, { action_id: linksIds.proposeRoadmap, value: `follow_up:${followUpId}` });
    const refusal = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === OWNER);
    expect(text(refusal)).toContain('Only the CX office can add roadmap items');
    // Someone with nothing to do with the call cannot read its learning through a turn.
    await click(ids.otherEmployee, { action_id: linksIds.suggestRule, value: `call:${callId}` });
    await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.otherEmployee);
    await app.whenIdle();
    expect(app.slack.callsTo('views.open')).toHaveLength(0);

    // A forged roadmap form with the follow-up as origin, from outside the CX office: refused, nothing saved.
    const forged = await app.send.interaction(
      viewSubmission(
        {
          id: 'V0FORGED01',
          callback_id: roadmapIds.itemModal,
          private_metadata: JSON.stringify({ origin: { kind: 'follow_up', id: followUpId } }),
        },
        itemState('planned'),
        OWNER,
      ),
    );
    expect(forged.json<{ errors: Record<string, string> }>().errors[roadmapIds.title]).toMatch(/CX office/);
    // A forged nomination naming a call that is not the submitter's: refused, nothing saved.
    const forgedRule = await app.send.interaction(
      viewSubmission(
        {
          id: 'V0FORGED02',
          callback_id: rulesIds.nominateModal,
          private_metadata: JSON.stringify({
            source: 'shortcut',
            permalink: null,
            origin: { kind: 'call', id: callId },
          }),
        },
        nominationState({}),
        ids.otherEmployee,
      ),
    );
    expect(forgedRule.json<{ errors: Record<string, string> }>().errors[rulesIds.rule]).toMatch(/not yours/);
    expect(await db.select().from(roadmapItems)).toHaveLength(0);
    expect(await db.select().from(rules).where(eq(rules.idempotencyKey, 'view:V0FORGED02'))).toHaveLength(0);
  });

  it('the CX office proposes a roadmap item from a follow-up; shipping it tells the executive once', async () => {
    const db = app.running.database.db;
    const modal = await clickOpens(
      ids.cxOfficer,
      { action_id: linksIds.proposeRoadmap, value: `follow_up:${followUpId}` },
      roadmapIds.itemModal,
    );
    expect(modal.blocks.find((b) => b.block_id === roadmapIds.title)?.element?.initial_value).toBe(
      'Find out who still reads the fax',
    );
    await app.send.interaction(viewSubmission(modal, itemState('in_progress'), ids.cxOfficer));
    await app.send.interaction(viewSubmission(modal, itemState('in_progress'), ids.cxOfficer)); // a replay
    const items = await db.select().from(roadmapItems);
    expect(items).toHaveLength(1);
    const item = items[0];
    if (!item) throw new Error('no item');
    const links = await db.select().from(itemLinks).where(eq(itemLinks.itemKind, 'roadmap_item'));
    expect(links).toMatchObject([{ originKind: 'follow_up', originId: followUpId, itemId: item.id }]);

    // `/roadmap` says where it came from.
    await app.command('/roadmap', '', { user_id: ids.employee });
    const listing = await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('CX roadmap'));
    expect(text(listing)).toContain(`Came from a follow-up of a call with *${CUSTOMER_ESCAPED}*`);

    // Shipped: one DM to the executive who had the call; a replay or a second ship sends nothing more.
    const ship = async (viewId: string, status: string) => {
      await app.command('/roadmap', `edit #${item.id}`, { user_id: ids.cxOfficer });
      const edit = (await app.slack.waitFor('views.open', (c) => text(c).includes(`Edit #${item.id}`)))
        .response.view as View;
      const view = { ...edit, id: viewId };
      await app.send.interaction(viewSubmission(view, itemState(status), ids.cxOfficer));
      return view;
    };
    const shipped = await ship('V0SHIP0001', 'shipped');
    await app.send.interaction(viewSubmission(shipped, itemState('shipped'), ids.cxOfficer));
    await ship('V0PAUSE001', 'paused');
    await ship('V0SHIP0002', 'shipped');
    await app.whenIdle();
    const told = loopDmsTo(app, EXEC);
    expect(told).toHaveLength(1);
    expect(text(told[0])).toContain(`*Tell ${CUSTOMER_ESCAPED}:* Refunds are one click, no fax`);
  });

  it('the CX office links a story to a rule and a rule to the roadmap item that removes it; nobody else can', async () => {
    const db = app.running.database.db;
    const [story] = await db.select().from(stories);
    const [rule] = await db.select().from(rules).where(eq(rules.title, RULE_FROM_CALL));
    const [item] = await db.select().from(roadmapItems);
    if (!story || !rule || !item) throw new Error('missing fixtures');

    // Anyone else: refused on the click and on a forged submission.
    await click(ids.employee, { action_id: linksIds.linkStory, value: String(story.id) });
    const refused = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(text(refused)).toContain('Only the CX office');
    const forged = await app.send.interaction(
      viewSubmission(
        {
          id: 'V0FORGED03',
          callback_id: linksIds.linkStoryModal,
          private_metadata: JSON.stringify({ id: story.id }),
        },
        { [linksIds.target]: { type: 'static_select', value: `rule:${rule.id}` } },
        ids.employee,
      ),
    );
    expect(forged.json<{ errors: Record<string, string> }>().errors[linksIds.target]).toMatch(/CX office/);
    expect(await db.select().from(itemLinks).where(eq(itemLinks.originKind, 'story'))).toHaveLength(0);

    // The CX office: story → rule. Both cards say so.
    const modal = await clickOpens(
      ids.cxOfficer,
      { action_id: linksIds.linkStory, value: String(story.id) },
      linksIds.linkStoryModal,
    );
    const saved = await app.send.interaction(
      viewSubmission(
        modal,
        { [linksIds.target]: { type: 'static_select', value: `rule:${rule.id}` } },
        ids.cxOfficer,
      ),
    );
    expect(JSON.stringify(saved.json())).toContain(
      `customer story #${story.id} is linked to RULE-${rule.number}`,
    );
    await ruleCard(rule.number, `from customer story #${story.id}`);
    await app.slack.waitFor(
      'chat.update',
      (c) =>
        text(c).includes(`Customer story #${story.id}`) && text(c).includes(`Linked to RULE-${rule.number}`),
    );

    // The killed rule → the roadmap item that removes it, from the rule's card.
    const removedBy = await clickOpens(
      ids.cxOfficer,
      { action_id: linksIds.removedBy, value: String(rule.id) },
      linksIds.removedByModal,
    );
    const removedSaved = await app.send.interaction(
      viewSubmission(
        removedBy,
        { [linksIds.target]: { type: 'static_select', value: `roadmap_item:${item.id}` } },
        ids.cxOfficer,
      ),
    );
    expect(JSON.stringify(removedSaved.json())).toContain(
      `RULE-${rule.number} is linked to roadmap item #${item.id}`,
    );
    await ruleCard(rule.number, `removed by roadmap item #${item.id}`);
    // The item had shipped, and the rule came from the same call as the item: the executive heard of it
    // at the ship, and the new path to that call sends nothing twice (one DM per item, call and executive).
    await app.whenIdle();
    expect(loopDmsTo(app, EXEC)).toHaveLength(0);
    const loopKeys = async () =>
      (
        await db
          .select()
          .from(outbox)
          .where(like(outbox.key, `loop:roadmap_item:${item.id}:%`))
      ).map((row) => row.key);
    expect(await loopKeys()).toEqual([`loop:roadmap_item:${item.id}:call:${callId}:dm:${EXEC}`]);
    const again = await app.send.interaction(
      viewSubmission(
        removedBy,
        { [linksIds.target]: { type: 'static_select', value: `roadmap_item:${item.id}` } },
        ids.cxOfficer,
      ),
    );
    expect(JSON.stringify(again.json())).toContain('Nothing changed');
    await app.whenIdle();
    expect(loopDmsTo(app, EXEC)).toHaveLength(0);
    expect(await loopKeys()).toHaveLength(1);
  });

  it('App Home: each of the executive’s calls has the turns in its menu (the roadmap one for the CX office only)', async () => {
    await app.running.runJob('calls.roster', new Date()); // the executive is on the roster: their calls show
    const homeOf = async (user: string) => {
      await app.send.event(
        eventCallback({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME0001' }),
      );
      const published = await app.slack.waitFor('views.publish', (c) => c.args.user_id === user);
      return published.args.view as { blocks: Block[] };
    };
    const home = await homeOf(EXEC);
    const line = home.blocks.find((b) => b.block_id === `calls.home.call.${callId}`);
    expect(line?.accessory?.action_id).toBe(linksIds.turnMenu);
    expect(line?.accessory?.options?.map((o) => o.value)).toEqual([`rule:call:${callId}`]);

    // Chosen from the Home: the nomination form opens, prefilled, carrying the call.
    const before = app.slack.callsTo('views.open').length;
    await app.send.interaction(
      blockActions(
        { action_id: linksIds.turnMenu, type: 'overflow', selected_option: { value: `rule:call:${callId}` } },
        { user: EXEC, responseUrl: app.slack.responseUrl(), view: { id: 'V0HOME0001', type: 'home' } },
      ),
    );
    const opened = await app.slack.waitFor(
      'views.open',
      (c) => app.slack.callsTo('views.open').indexOf(c) >= before,
    );
    const view = opened.response.view as View;
    expect(view.callback_id).toBe(rulesIds.nominateModal);
    expect(JSON.parse(view.private_metadata ?? '{}').origin).toEqual({ kind: 'call', id: callId });
  });
});
