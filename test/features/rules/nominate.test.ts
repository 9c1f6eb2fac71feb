import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { FORM_OUT_OF_DATE } from '../../../src/slack/metadata.js';
import { globalShortcut, ids, messageShortcut, viewSubmission } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import {
  decideWithNote,
  dmsTo,
  eventsOf,
  findRule,
  nominate,
  nominateAndWaitForCard,
  nominationState,
  openModalWithCommand,
  textOf,
} from './rules.helpers.js';

type Block = {
  block_id?: string;
  type: string;
  element?: { initial_value?: string };
  text?: { text: string };
};

describe('nominating a rule to kill', () => {
  const app = useTestApp();

  it('/killrule opens the modal prefilled with the text', async () => {
    const view = await openModalWithCommand(app, ids.employee, 'Refunds over €50 need a manager');
    expect(view.callback_id).toBe(rulesIds.nominateModal);
    const rule = view.blocks.find((b) => b.block_id === rulesIds.rule) as Block;
    expect(rule.element?.initial_value).toBe('Refunds over €50 need a manager');
    const stage = view.blocks.find((b) => b.block_id === rulesIds.stage);
    expect(JSON.stringify(stage)).toContain('Get help');
  });

  it('the global shortcut opens the same modal, empty', async () => {
    await app.send.interaction(globalShortcut(rulesIds.globalShortcut, ids.otherEmployee));
    const call = await app.slack.waitFor('views.open');
    const view = call.args.view as { callback_id: string; blocks: Block[] };
    expect(view.callback_id).toBe(rulesIds.nominateModal);
    expect(view.blocks.find((b) => b.block_id === rulesIds.rule)?.element?.initial_value).toBeUndefined();
  });

  it('the message shortcut prefills the message text and links the card back to the message', async () => {
    await app.send.interaction(
      messageShortcut(
        rulesIds.messageShortcut,
        { text: 'Policy: no refunds without a receipt, ever.', ts: '1700000123.000200' },
        { user: ids.employee, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const call = await app.slack.waitFor('views.open');
    const view = call.response.view as {
      id: string;
      callback_id: string;
      private_metadata: string;
      blocks: Block[];
    };
    expect(view.blocks.find((b) => b.block_id === rulesIds.rule)?.element?.initial_value).toBe(
      'Policy: no refunds without a receipt, ever.',
    );
    expect(JSON.stringify(view.blocks)).toContain(`/archives/${ids.generalChannel}/p1700000123000200`);
    expect(app.slack.callsTo('chat.getPermalink')[0]?.args).toMatchObject({
      channel: ids.generalChannel,
      message_ts: '1700000123.000200',
    });
    await app.send.interaction(
      viewSubmission(view, nominationState({ rule: 'No refunds without a receipt' }), ids.employee),
    );
    const card = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.backlogChannel);
    expect(textOf(card)).toContain(`/archives/${ids.generalChannel}/p1700000123000200`);
  });

  it('an anonymous suggestion from a message keeps no link to it (the channel would hint at who sent it)', async () => {
    await app.send.interaction(
      messageShortcut(
        rulesIds.messageShortcut,
        { text: 'Policy: badge photos must be retaken yearly.', ts: '1700000456.000300' },
        { user: ids.employee, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const call = await app.slack.waitFor('views.open');
    const view = call.response.view as { id: string; callback_id: string; private_metadata: string };
    await app.send.interaction(
      viewSubmission(
        view,
        nominationState({ rule: 'Badge photos retaken yearly', anonymous: true }),
        ids.employee,
      ),
    );
    const card = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.backlogChannel);
    expect(textOf(card)).toContain('Badge photos retaken yearly');
    expect(textOf(card)).not.toContain('p1700000456000300');
    const [row] = await app.running.database.db
      .select()
      .from(rules)
      .where(eq(rules.title, 'Badge photos retaken yearly'));
    expect(row?.sourcePermalink).toBeNull();
  });

  it('answers an empty rule and a 5,000-character rule with friendly field errors, and saves nothing', async () => {
    const before = await app.running.database.db.select().from(rules);
    const empty = await nominate(app, { rule: '   ', why: '' });
    expect(empty.response.status).toBe(200);
    const emptyErrors = empty.response.json<{ response_action: string; errors: Record<string, string> }>();
    expect(emptyErrors.response_action).toBe('errors');
    expect(emptyErrors.errors[rulesIds.rule]).toMatch(/which rule/i);
    expect(emptyErrors.errors[rulesIds.why]).toBeDefined();

    const long = await nominate(app, { rule: 'x'.repeat(5000), hurts: null });
    const longErrors = long.response.json<{ errors: Record<string, string> }>().errors;
    expect(longErrors[rulesIds.rule]).toContain('1,000');
    expect(longErrors[rulesIds.rule]).toContain('5,000');
    expect(longErrors[rulesIds.hurts]).toMatch(/customers, employees or both/);
    const longWhy = await nominate(app, { why: 'y'.repeat(3001) });
    expect(longWhy.response.json<{ errors: Record<string, string> }>().errors[rulesIds.why]).toContain(
      '3,000',
    );
    const retired = await nominate(app, { stage: '999999' });
    expect(retired.response.json<{ errors: Record<string, string> }>().errors[rulesIds.stage]).toMatch(
      /no longer in use/,
    );
    expect(await app.running.database.db.select().from(rules)).toHaveLength(before.length);
  });

  it('stores the nomination with the next RULE number, posts an escaped card and confirms to the submitter', async () => {
    const nasty = 'Escalate to <!channel> and <@U0CXOFF001> via <https://evil.example|the wiki> & more';
    const first = await nominateAndWaitForCard(app, {
      rule: nasty,
      why: 'It pings <!here>',
      user: ids.otherEmployee,
    });
    const second = await nominateAndWaitForCard(app, { rule: 'Second rule', user: ids.otherEmployee });
    expect(second.rule.number).toBe(first.rule.number + 1);
    expect(first.rule).toMatchObject({ title: nasty, status: 'new', hurts: 'customers', anonymous: false });

    const card = textOf(first.card);
    expect(card).toContain(`RULE-${first.rule.number}`);
    expect(card).toContain('&lt;!channel&gt;');
    expect(card).toContain('&lt;https://evil.example|the wiki&gt; &amp; more');
    for (const field of ['*Status*\\n:new: New', '*Votes*\\n0', '*Stage*', '*Age*\\ntoday', '*Owner*\\n—'])
      expect(card).toContain(field);
    expect(card).toContain(`*Suggested by*\\n<@${ids.otherEmployee}>`);
    expect(card).toContain('It pings &lt;!here&gt;');
    for (const action of [
      rulesIds.vote,
      rulesIds.setStatus,
      rulesIds.assignOwner,
      rulesIds.markDuplicate,
      rulesIds.addNote,
    ])
      expect(card).toContain(`"action_id":"${action}"`);
    for (const call of app.slack.calls) {
      const raw = JSON.stringify(call.args);
      expect(raw).not.toContain('<!channel>');
      expect(raw).not.toContain('<!here>');
      expect(raw).not.toContain('<https://evil.example');
    }
  });

  it('one thank-you: the modal says the reference and what happens next, and no DM follows', async () => {
    for (const anonymous of [false, true]) {
      const user = anonymous ? ids.otherEmployee : ids.employee;
      const title = anonymous ? 'Badges expire <!here>' : 'Refunds need two signatures';
      const { view, response } = await nominate(app, { rule: title, user, anonymous });
      const answer = response.json<{ response_action: string; view: { blocks: Block[] } }>();
      expect(answer.response_action).toBe('update');
      const [rule] = await app.running.database.db
        .select()
        .from(rules)
        .where(eq(rules.idempotencyKey, `view:${view.id}`));
      const thanks = JSON.stringify(answer.view.blocks);
      expect(thanks).toContain(`RULE-${rule?.number}`);
      expect(thanks).toContain(anonymous ? 'Badges expire &lt;!here&gt;' : title);
      expect(thanks).toContain('What happens next');
      expect(thanks).toContain('/killrule mine');
      if (anonymous) expect(thanks).toContain('anonymously');
      await app.slack.waitFor(
        'chat.postMessage',
        (c) => c.args.channel === ids.backlogChannel && textOf(c).includes(`RULE-${rule?.number}`),
      );
      await app.whenIdle();
      // The confirmation DM, queued with the nomination for when the modal cannot say it, is taken back.
      expect(dmsTo(app, user)).toEqual([]);
      expect(
        await app.running.database.db
          .select()
          .from(outbox)
          .where(eq(outbox.key, `rule:${rule?.id}:submitted:dm`)),
      ).toEqual([]);
      // The suggestion is found again with `/killrule mine` (an anonymous one too, by its submitter only).
      await app.command('/killrule', 'mine', { user_id: user });
      const mine = await app.slack.waitFor(
        'chat.postEphemeral',
        (c) => c.args.user === user && textOf(c).includes(`RULE-${rule?.number}`),
      );
      expect(mine).toBeDefined();
    }
  });

  it('a replayed submission creates nothing twice', async () => {
    const view = await openModalWithCommand(app, ids.employee);
    const payload = viewSubmission(view, nominationState({ rule: 'Replay me' }), ids.employee);
    const [a, b] = await Promise.all([app.send.interaction(payload), app.send.interaction(payload)]);
    const again = await app.send.interaction(payload);
    for (const response of [a, b, again]) {
      expect(response.status).toBe(200);
      expect(response.json<{ response_action: string }>().response_action).toBe('update');
    }
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.backlogChannel);
    await app.whenIdle();
    const stored = await app.running.database.db.select().from(rules).where(eq(rules.title, 'Replay me'));
    expect(stored).toHaveLength(1);
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel),
    ).toHaveLength(1);
    // One thank-you, the modal's: no confirmation DM.
    expect(dmsTo(app, ids.employee)).toHaveLength(0);
  });

  it('when saving fails, says so in the modal and keeps every word typed', async () => {
    const db = app.running.database.db;
    await db.execute(sql`alter table rules rename to rules_unavailable`);
    try {
      const { response } = await nominate(app, {
        rule: 'My carefully typed rule',
        why: 'And my long reason',
        replacement: 'A better idea',
        anonymous: true,
      });
      const body = response.json<{ response_action: string; view: { blocks: Block[] } }>();
      expect(body.response_action).toBe('update');
      const initial = (id: string) => body.view.blocks.find((b) => b.block_id === id)?.element?.initial_value;
      expect(initial(rulesIds.rule)).toBe('My carefully typed rule');
      expect(initial(rulesIds.why)).toBe('And my long reason');
      expect(initial(rulesIds.replacement)).toBe('A better idea');
      expect(JSON.stringify(body.view.blocks.find((b) => b.block_id === rulesIds.hurts))).toContain(
        '"initial_option"',
      );
      expect(JSON.stringify(body.view.blocks.find((b) => b.block_id === rulesIds.anonymous))).toContain(
        'initial_options',
      );
      expect(body.view.blocks.find((b) => b.block_id === rulesIds.saveError)?.text?.text).toMatch(
        /could not be saved/,
      );
    } finally {
      await db.execute(sql`alter table rules_unavailable rename to rules`);
    }
  });

  it('numbers concurrent nominations without gaps', async () => {
    const views = [];
    for (let i = 0; i < 4; i += 1) views.push(await openModalWithCommand(app, ids.otherEmployee));
    const responses = await Promise.all(
      views.map((view, i) =>
        app.send.interaction(
          viewSubmission(view, nominationState({ rule: `Concurrent ${i}` }), ids.otherEmployee),
        ),
      ),
    );
    for (const response of responses) expect(response.status).toBe(200);
    const all = (await app.running.database.db.select().from(rules))
      .map((r) => r.number)
      .sort((a, b) => a - b);
    expect(all).toEqual(all.map((_, i) => i + 1));
    const concurrent = (await app.running.database.db.select().from(rules)).filter((r) =>
      r.title.startsWith('Concurrent'),
    );
    expect(concurrent).toHaveLength(4);
  });

  it('a form that comes back without its metadata is told to open again, and saves nothing in its place', async () => {
    const db = app.running.database.db;
    const view = await openModalWithCommand(app, ids.employee);
    const before = await db.select().from(rules);
    for (const metadata of ['', 'not json', '{"source":"elsewhere","permalink":null}']) {
      const response = await app.send.interaction(
        viewSubmission(
          { ...view, private_metadata: metadata },
          nominationState({ rule: 'Tampered' }),
          ids.employee,
        ),
      );
      expect(response.json<{ errors: Record<string, string> }>().errors[rulesIds.rule]).toBe(
        FORM_OUT_OF_DATE,
      );
    }
    expect(await db.select().from(rules)).toHaveLength(before.length);

    // The CX office's decision modal, its status tampered with: nothing is decided.
    const { rule, cardTs } = await nominateAndWaitForCard(app);
    const { modal } = await decideWithNote(app, { ruleId: rule.id, cardTs }, 'killed', '');
    const forged = JSON.stringify({ ...JSON.parse(modal.private_metadata), toStatus: 'duplicate' });
    const response = await app.send.interaction(
      viewSubmission(
        { ...modal, private_metadata: forged },
        { [rulesIds.note]: { type: 'plain_text_input', value: 'Forged' } },
        ids.cxOfficer,
      ),
    );
    expect(response.json<{ errors: Record<string, string> }>().errors[rulesIds.note]).toBe(FORM_OUT_OF_DATE);
    await app.whenIdle();
    expect(await eventsOf(app, rule.id)).toEqual([]);
    expect((await findRule(app, rule.id))?.status).toBe('new');
  });
});
