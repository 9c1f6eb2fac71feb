import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { type Block, type Modal, pager, showing, updateFromModal } from '../../support/paging.js';
import {
  blockActions,
  ids,
  messageShortcut,
  type StateInput,
  stateValues,
  viewSubmission,
} from '../../support/payloads.js';
import { type TestApp, useTestApp } from '../../support/test-app.js';
import {
  nominate,
  nominateAndWaitForCard,
  nominationState,
  openModalWithCommand,
  votersOf,
} from './rules.helpers.js';

// Finding what exists (issue 17, point 3): similar open suggestions while nominating, with "Me too"
// instead of a new one; `/killrule search words` (full text, stemmed, on both databases), paged; and
// the intake's optional "where it lives", "who owns it" and "don't thank me by name".

/** The suggestions a search modal lists, by reference, in order. */
const listed = (modal: Modal, prefix: string = rulesIds.searchModal) =>
  modal.blocks
    .filter((b) => new RegExp(`^${prefix.replace(/\./g, '\\.')}\\.\\d+$`).test(b.block_id ?? ''))
    .map((b) => /\*(RULE-\d+)\*/.exec(b.text?.text ?? '')?.[1]);

const textOfBlocks = (blocks: Block[]) =>
  blocks
    .map((b) => [b.text?.text, ...(b.elements ?? []).map((e) => (e as { text?: string }).text)].join(' '))
    .join('\n');

async function ruleNumbered(app: TestApp, title: string): Promise<{ id: number; ref: string }> {
  const [row] = await app.running.database.db.select().from(rules).where(eq(rules.title, title));
  if (!row) throw new Error(`no rule "${title}"`);
  return { id: row.id, ref: `RULE-${row.number}` };
}

async function suggest(app: TestApp, title: string, why: string, user: string = ids.otherEmployee) {
  const { response } = await nominate(app, { user, rule: title, why });
  expect(response.status).toBe(200);
  return ruleNumbered(app, title);
}

/** The update Slack was asked to make to the modal since `from` calls, as it stored it. */
async function updatedSince(app: TestApp, from: number): Promise<{ call: RecordedCall; view: Modal }> {
  const call = await app.slack.waitFor('views.update', (c) => app.slack.calls.indexOf(c) >= from);
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  return { call, view: call.response.view as Modal };
}

/** A click in the nomination form as Slack sends it: the form, with what is typed in it so far. */
function clickInForm(
  app: TestApp,
  user: string,
  form: Modal,
  action: { action_id: string; value?: string },
  typed: Record<string, StateInput>,
) {
  const payload = blockActions(
    { ...action, block_id: action.action_id === rulesIds.rule ? rulesIds.rule : 'block' },
    {
      user,
      responseUrl: app.slack.responseUrl(),
      view: { ...form, state: stateValues(typed) },
    },
  );
  return app.send.interaction({ ...payload, container: { type: 'view', view_id: form.id } });
}

describe('/killrule search: open suggestions by what they say', () => {
  const app = useTestApp();

  it('finds matching words in the rule and why, stemmed (refunds finds refund), best first; never a decided one', async () => {
    const signature = await suggest(
      app,
      'Refund requests need a manager signature',
      'Customers wait a week for their money.',
    );
    const approvals = await suggest(
      app,
      'Two approvals for every refund',
      'Refunds over €50 need two approvals, so refunds take days.',
    );
    const parking = await suggest(app, 'Parking permits renewed monthly', 'Staff queue every month.');
    await app.whenIdle();

    const found = (await openModalWithCommand(app, ids.employee, 'search refunds')) as unknown as Modal;
    expect(found.callback_id).toBe(rulesIds.searchModal);
    // Both mention refunds; the one that says it three times ranks first.
    expect(listed(found)).toEqual([approvals.ref, signature.ref]);
    expect(listed(found)).not.toContain(parking.ref);
    expect(textOfBlocks(found.blocks)).toContain('2 open suggestions match “refunds”');

    // Every word must match (a search box); words of the why count too.
    const both = (await openModalWithCommand(app, ids.employee, 'search refund week')) as unknown as Modal;
    expect(listed(both)).toEqual([signature.ref]);

    // A decided suggestion is not open: it is not found.
    await app.running.database.db.update(rules).set({ status: 'kept' }).where(eq(rules.id, signature.id));
    const after = (await openModalWithCommand(app, ids.employee, 'search refund')) as unknown as Modal;
    expect(listed(after)).toEqual([approvals.ref]);

    // Nothing found, and nothing asked: each said in words.
    const none = (await openModalWithCommand(app, ids.employee, 'search xylophone')) as unknown as Modal;
    expect(listed(none)).toEqual([]);
    expect(textOfBlocks(none.blocks)).toContain('No open suggestion matches “xylophone”');
    const empty = (await openModalWithCommand(app, ids.employee, 'search')) as unknown as Modal;
    expect(textOfBlocks(empty.blocks)).toContain('/killrule search refund signature');
  });

  it('pages 10 at a time; "Me too" on page 2 backs it and shows page 2 again; own suggestions are left out', async () => {
    for (let n = 1; n <= 12; n += 1)
      await suggest(app, `Invoice stamp rule ${n}`, 'Every invoice gets a stamp.');
    await suggest(app, 'My own invoice stamp rule', 'Stamps again.', ids.employee);
    await app.whenIdle();

    const first = (await openModalWithCommand(app, ids.employee, 'search invoice stamp')) as unknown as Modal;
    expect(listed(first)).toHaveLength(10);
    expect(showing(first.blocks, rulesIds.searchPager)).toBe('Showing 1–10 of 12');
    expect(textOfBlocks(first.blocks)).not.toContain('My own invoice stamp rule');

    const next = pager(first.blocks, rulesIds.searchPager)[0] ?? {};
    expect(next.action_id).toBe(rulesIds.searchNext);
    const second = await updateFromModal(app, ids.employee, first, next);
    expect(listed(second)).toHaveLength(2);
    expect(showing(second.blocks, rulesIds.searchPager)).toBe('Showing 11–12 of 12');

    const row = second.blocks.find((b) => b.accessory?.action_id === rulesIds.searchVote);
    const ruleId = Number(row?.accessory?.value);
    const voted = await updateFromModal(app, ids.employee, second, row?.accessory ?? {});
    expect(await votersOf(app, ruleId)).toEqual([ids.employee]);
    expect(showing(voted.blocks, rulesIds.searchPager)).toBe('Showing 11–12 of 12');
    expect(textOfBlocks(voted.blocks)).toContain('You said “me too” to *RULE-');
    // The row backed has no second "Me too"; a replayed click changes nothing.
    expect(voted.blocks.filter((b) => b.accessory?.action_id === rulesIds.searchVote)).toHaveLength(1);
    await updateFromModal(app, ids.employee, second, row?.accessory ?? {});
    expect(await votersOf(app, ruleId)).toEqual([ids.employee]);
  });

  it('escapes what people typed and never shows who suggested an anonymous one', async () => {
    const { response } = await nominate(app, {
      user: ids.otherEmployee,
      rule: '<!channel> Warranty *claims* need <https://evil.example|a fax>',
      why: 'Warranty claims by fax, <@U0EXEC0001> says so.',
      anonymous: true,
    });
    expect(response.status).toBe(200);
    await app.whenIdle();
    const found = (await openModalWithCommand(
      app,
      ids.employee,
      'search warranty <!here>',
    )) as unknown as Modal;
    // What people read (the blocks); the metadata carries the words back as typed, to search again.
    const json = JSON.stringify(found.blocks);
    expect(listed(found)).toHaveLength(1);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<!here>');
    expect(json).not.toContain('<https://evil.example');
    expect(json).toContain('&lt;!channel&gt;');
    expect(json).not.toContain(ids.otherEmployee);
  });
});

describe('similar suggestions while nominating', () => {
  const app = useTestApp();

  it('the form opened with text shows similar open ones; "Me too" there backs it and keeps what was typed', async () => {
    const lost = await suggest(app, 'Lost luggage forms need a stamp', 'Travellers queue for a stamp.');
    const other = await suggest(app, 'Badge photos retaken yearly', 'Nobody likes it.');
    await app.whenIdle();

    const form = (await openModalWithCommand(app, ids.employee, 'the luggage stamp')) as unknown as Modal;
    expect(form.callback_id).toBe(rulesIds.nominateModal);
    expect(listed(form, rulesIds.similar)).toEqual([lost.ref]);
    expect(listed(form, rulesIds.similar)).not.toContain(other.ref);

    const typed = nominationState({ rule: 'the luggage stamp', why: 'I typed this already' });
    const from = app.slack.calls.length;
    const meToo = form.blocks.find((b) => b.accessory?.action_id === rulesIds.similarVote)?.accessory;
    expect(meToo?.value).toBe(String(lost.id));
    await clickInForm(
      app,
      ids.employee,
      form,
      { action_id: rulesIds.similarVote, value: meToo?.value ?? '' },
      typed,
    );
    const { call, view } = await updatedSince(app, from);
    expect(call.args.hash).toBeDefined();
    expect(await votersOf(app, lost.id)).toEqual([ids.employee]);
    const text = textOfBlocks(view.blocks);
    expect(text).toContain(`You said “me too” to *${lost.ref}*`);
    // The form is still the form, with what was typed; the suggestion backed shows it.
    expect(view.callback_id).toBe(rulesIds.nominateModal);
    const why = (view.blocks as { block_id?: string; element?: { initial_value?: string } }[]).find(
      (b) => b.block_id === rulesIds.why,
    );
    expect(why?.element?.initial_value).toBe('I typed this already');
    expect(text).toContain('✓ you said “me too”');
    // Nothing was nominated.
    expect(await app.running.database.db.select().from(rules)).toHaveLength(2);
  });

  it('typing the rule updates the similar ones (only when they change), in place', async () => {
    const badge = await ruleNumbered(app, 'Badge photos retaken yearly');
    const form = (await openModalWithCommand(app, ids.employee, '')) as unknown as Modal;
    expect(listed(form, rulesIds.similar)).toEqual([]);

    const typed = nominationState({ rule: 'retaking badge photos', why: null });
    const from = app.slack.calls.length;
    await clickInForm(
      app,
      ids.employee,
      form,
      { action_id: rulesIds.rule, value: 'retaking badge photos' },
      typed,
    );
    const { view } = await updatedSince(app, from);
    expect(listed(view, rulesIds.similar)).toEqual([badge.ref]);

    // A message shortcut opens the form with the message's words: the similar ones are there too.
    const before = app.slack.callsTo('views.open').length;
    await app.send.interaction(
      messageShortcut(
        rulesIds.messageShortcut,
        { text: 'Why are badge photos retaken every year?', ts: '1700000123.000300' },
        { user: ids.employee, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    await app.slack.waitFor('views.open', () => app.slack.callsTo('views.open').length > before);
    const fromMessage = app.slack.callsTo('views.open')[before]?.response.view as Modal;
    expect(listed(fromMessage, rulesIds.similar)).toEqual([badge.ref]);

    // The same similar ones again: no update.
    const again = app.slack.calls.length;
    await clickInForm(
      app,
      ids.employee,
      view,
      { action_id: rulesIds.rule, value: 'retaking badge photos!' },
      typed,
    );
    await app.whenIdle();
    expect(app.slack.calls.slice(again).filter((c) => c.method === 'views.update')).toHaveLength(0);
  });
});

describe('intake: where the rule lives, who owns it, credit', () => {
  const app = useTestApp();

  it('stores them, shows them on the card (escaped), and an anonymous suggestion is never thanked by name', async () => {
    const extra = (livesIn: string, owner: string | null, optOut: boolean): Record<string, StateInput> => ({
      [rulesIds.livesIn]: { type: 'plain_text_input', value: livesIn },
      [rulesIds.ruleOwner]: { type: 'users_select', user: owner },
      [rulesIds.creditOptOut]: { type: 'checkboxes', values: optOut ? ['credit_opt_out'] : [] },
    });
    const view = await openModalWithCommand(app, ids.employee, 'Receipts printed twice');
    const submitted = await app.send.interaction(
      viewSubmission(
        view,
        {
          ...nominationState({ rule: 'Receipts printed twice' }),
          ...extra('<!here> the *POS* manual', ids.executive, true),
        },
        ids.employee,
      ),
    );
    expect(submitted.status).toBe(200);
    const card = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.backlogChannel && String(c.args.text).includes('Receipts printed twice'),
    );
    const [row] = await app.running.database.db
      .select()
      .from(rules)
      .where(eq(rules.title, 'Receipts printed twice'));
    expect(row).toMatchObject({
      livesIn: '<!here> the *POS* manual',
      ruleOwnerId: ids.executive,
      creditOptOut: true,
    });
    const where = JSON.stringify(
      (card.args.blocks as Block[]).find((b) => b.block_id === 'rules.card.where'),
    );
    expect(where).toContain('&lt;!here&gt;');
    expect(where).not.toContain('<!here>');
    expect(where).toContain(`<@${ids.executive}>`);

    const anonymous = await nominateAndWaitForCard(app, { rule: 'Anonymous rule here', anonymous: true });
    expect(anonymous.rule.creditOptOut).toBe(true);
    expect(anonymous.rule.livesIn).toBeNull();

    // A bad owner (not a user) and a too-long place are refused next to their fields.
    const bad = await openModalWithCommand(app, ids.employee, 'x');
    const refused = await app.send.interaction(
      viewSubmission(
        bad,
        { ...nominationState({}), ...extra('x'.repeat(201), 'C0GENERAL1', false) },
        ids.employee,
      ),
    );
    const errors = refused.json<{ errors?: Record<string, string> }>().errors ?? {};
    expect(Object.keys(errors).sort()).toEqual([rulesIds.livesIn, rulesIds.ruleOwner].sort());
  });
});
