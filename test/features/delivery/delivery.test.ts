import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { deliveryIds } from '../../../src/features/delivery/delivery.ids.js';
import { touchpointIds } from '../../../src/features/touchpoint/touchpoint.ids.js';
import type { OutboxItem } from '../../../src/outbox/outbox.js';
import { insertOutboxItems } from '../../../src/outbox/outbox.queries.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { checkMessage } from '../../support/block-kit.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, eventCallback, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { insertAnonymousRule, seedDeadLetters } from './delivery.helpers.js';

// Dead letters as the CX office sees them: `/touchpoint health`, Retry and Retry all, the App Home line.
// Dead items are seeded with the outbox's own queries, as the worker leaves them after a permanent error.

const ANONYMOUS_SUBMITTER = 'U0ANONSUB1';
const VOTER = 'U0VOTER001';
const SECRET = 'the text of the outcome that nobody else may read';
// Seeded items are not due for a year: the worker leaves them alone until a retry makes them due now.
const NEXT_YEAR = new Date(Date.now() + 365 * 24 * 3600 * 1000);

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id?: string; text?: { text: string } | string; value?: string }[];
  accessory?: { action_id: string; value: string };
};
const blocksOf = (call: RecordedCall) => (call.args.blocks ?? []) as Block[];
const deadLetterBlocks = (call: RecordedCall) =>
  blocksOf(call).filter((block) => block.block_id?.startsWith('delivery.dead.'));

describe('delivery: dead letters the CX office can see and retry', () => {
  const app = useTestApp();
  let ruleId: number;

  const seedDead = (items: OutboxItem[], error?: string, attempts?: number) =>
    seedDeadLetters(app.running.database.db, items, {
      now: new Date(),
      notBefore: NEXT_YEAR,
      error,
      attempts,
    });

  const statusOf = async (id: number) =>
    (await app.running.database.db.select().from(outbox).where(eq(outbox.id, id)))[0];

  const health = async (user: string) => {
    const response = await app.command('/touchpoint', 'health', { user_id: user });
    expect(response.status).toBe(200);
    return app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === user);
  };

  beforeEach(async () => {
    const db = app.running.database.db;
    await db.delete(outbox);
    ruleId ??= await insertAnonymousRule(db, ANONYMOUS_SUBMITTER, new Date());
  });

  it('`/touchpoint health` is for the CX office only', async () => {
    await seedDead([
      {
        key: 'calls:nudge:U0EXEC0001:2026-W48',
        method: 'chat.postMessage',
        channel: ids.executive,
        args: { text: SECRET },
      },
    ]);
    const refused = await health(ids.employee);
    expect(String(refused.args.text)).toContain('Only the CX office');
    expect(JSON.stringify(refused.args)).not.toContain('nudge');
    expect(JSON.stringify(refused.args)).not.toContain(deliveryIds.retry);
  });

  it('shows the counts and the latest dead letters by kind, never the recipient or the text, each with Retry', async () => {
    const [outcome, card, nudge] = await seedDead(
      [
        {
          key: `rule:${ruleId}:event:7:dm:${ANONYMOUS_SUBMITTER}`,
          method: 'chat.postMessage',
          channel: ANONYMOUS_SUBMITTER,
          args: { text: SECRET },
        },
        {
          key: `rule:${ruleId}:card`,
          method: 'chat.postMessage',
          channel: ids.backlogChannel,
          args: { text: SECRET },
        },
        {
          key: 'calls:nudge:U0EXEC0001:2026-W48',
          method: 'chat.postMessage',
          channel: ids.executive,
          args: { text: SECRET },
        },
      ],
      // A reason that names someone must not reach the CX office either.
      `user_not_found (${ANONYMOUS_SUBMITTER})`,
      5,
    );
    await insertOutboxItems(
      app.running.database.db,
      [
        {
          key: 'rule:99:card:update',
          method: 'chat.update',
          channel: ids.backlogChannel,
          args: {},
          notBefore: NEXT_YEAR,
        },
      ],
      new Date(),
    );

    const call = await health(ids.cxOfficer);
    expect(checkMessage(call.args)).toEqual([]);
    const counts = blocksOf(call).find((block) => block.block_id === deliveryIds.counts)?.text?.text ?? '';
    expect(counts).toContain('*Waiting to be sent:* 1');
    expect(counts).toContain('*Could not be delivered:* 3');

    const letters = deadLetterBlocks(call);
    expect(letters.map((block) => block.block_id)).toEqual(
      [nudge, card, outcome].map((id) => deliveryIds.deadLetter(id as number)), // newest first
    );
    const text = (id: number | undefined) =>
      letters.find((block) => block.block_id === deliveryIds.deadLetter(id as number))?.text?.text ?? '';
    expect(text(outcome)).toContain('*outcome DM for RULE-42*');
    expect(text(outcome)).toContain('5 attempts');
    expect(text(outcome)).toContain('user_not_found ([id])');
    expect(text(card)).toContain('*backlog card for RULE-42*');
    expect(text(nudge)).toContain('*nudge for the week of 23 November*');
    for (const block of letters) {
      expect(block.accessory).toMatchObject({ action_id: deliveryIds.retry });
    }
    const all = blocksOf(call).find((block) => block.block_id === deliveryIds.actions);
    expect(all?.elements?.[0]?.action_id).toBe(deliveryIds.retryAll);

    const everything = JSON.stringify(call.args);
    expect(everything).not.toContain(ANONYMOUS_SUBMITTER);
    expect(everything).not.toContain(ids.executive);
    expect(everything).not.toContain(SECRET);
  });

  it('lists at most the latest 10 and says how many there are', async () => {
    await seedDead(
      Array.from({ length: 12 }, (_, i) => ({
        key: `story:${i + 1}:dm:received`,
        method: 'chat.postMessage' as const,
        channel: `U0TELLER${String(i).padStart(2, '0')}`,
        args: { text: SECRET },
      })),
    );
    const call = await health(ids.cxOfficer);
    expect(checkMessage(call.args)).toEqual([]);
    expect(deadLetterBlocks(call)).toHaveLength(10);
    expect(deadLetterBlocks(call)[0]?.text?.text).toContain('DM to the teller for customer story #12');
    // The rest are counted, with "See all" for every one of them (test/features/delivery/dead-letters-paging.test.ts).
    const more = blocksOf(call).find((block) => block.block_id === deliveryIds.more);
    expect(more?.text?.text).toBe('The latest 10: …and 2 more.');
  });

  it('Retry by someone outside the CX office is refused, and nothing changes', async () => {
    const [id] = await seedDead([
      {
        key: `rule:${ruleId}:event:8:dm:${VOTER}`,
        method: 'chat.postMessage',
        channel: VOTER,
        args: { text: SECRET },
      },
    ]);
    for (const [actionId, value] of [
      [deliveryIds.retry, String(id)],
      [deliveryIds.retryAll, 'all'],
    ] as const) {
      app.slack.calls.length = 0;
      const response = await app.send.interaction(
        blockActions(
          { action_id: actionId, value },
          { user: ids.employee, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
        ),
      );
      expect(response.status).toBe(200);
      const refusal = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
      expect(String(refusal.args.text)).toContain('Only the CX office can retry');
      await app.whenIdle();
      expect(app.slack.callsTo('response_url')).toEqual([]); // the health message is left as it was
    }
    expect(await statusOf(id as number)).toMatchObject({ status: 'dead', attempts: 1 });
  });

  it('Retry by the CX office puts that one item back in the queue and says so; Retry all the rest', async () => {
    const [first, second, third] = await seedDead([
      {
        key: `rule:${ruleId}:event:9:dm:${VOTER}`,
        method: 'chat.postMessage',
        channel: VOTER,
        args: { text: 'one' },
      },
      {
        key: 'calls:followup:3:due',
        method: 'chat.postMessage',
        channel: ids.executive,
        args: { text: 'two' },
      },
      {
        key: 'digest:2026-W48:headline',
        method: 'chat.postMessage',
        channel: ids.digestChannel,
        args: { text: 'three' },
      },
    ]);
    app.slack.addUser({ id: VOTER, tz: 'UTC' });

    await app.send.interaction(
      blockActions(
        { action_id: deliveryIds.retry, value: String(first) },
        { user: ids.cxGroupMember, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const replaced = await app.slack.waitFor('response_url');
    expect(replaced.args.replace_original).toBe(true);
    expect(checkMessage(replaced.args)).toEqual([]);
    const notice = blocksOf(replaced).find((block) => block.block_id === deliveryIds.notice)?.text?.text;
    expect(notice).toContain('1 message is back in the queue');
    // The refreshed list no longer offers the one retried.
    expect(deadLetterBlocks(replaced).map((block) => block.block_id)).toEqual(
      [third, second].map((id) => deliveryIds.deadLetter(id as number)),
    );
    // Back in the queue (or already sent by the worker): no longer dead, its attempts start afresh.
    const row = await statusOf(first as number);
    expect(row?.status).not.toBe('dead');
    expect(row?.attempts === 0 || row?.status === 'sent').toBe(true);
    expect(await statusOf(second as number)).toMatchObject({ status: 'dead' });

    app.slack.calls.length = 0;
    await app.send.interaction(
      blockActions(
        { action_id: deliveryIds.retryAll, value: 'all' },
        { user: ids.cxOfficer, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const all = await app.slack.waitFor('response_url');
    expect(blocksOf(all).find((block) => block.block_id === deliveryIds.notice)?.text?.text).toContain(
      '2 messages are back in the queue',
    );
    expect(deadLetterBlocks(all)).toEqual([]);
    for (const id of [second, third]) expect((await statusOf(id as number))?.status).not.toBe('dead');
    // The retried DM reaches its recipient in the end.
    await app.running.outbox.drain();
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === VOTER && c.args.text === 'one');
  });

  it('the CX office’s App Home says how many could not be delivered; nobody else’s does', async () => {
    await seedDead([
      {
        key: 'calls:summary:2026-W48:dm:U0CXOFF001',
        method: 'chat.postMessage',
        channel: ids.cxOfficer,
        args: { text: SECRET },
      },
      {
        key: 'rules:aging:2026-11-27',
        method: 'chat.postMessage',
        channel: ids.backlogChannel,
        args: { text: SECRET },
      },
      {
        key: 'something:new:U0EMPL0002',
        method: 'chat.postMessage',
        channel: ids.otherEmployee,
        args: { text: SECRET },
      },
    ]);
    const homeOf = async (user: string) => {
      app.slack.calls.length = 0;
      await app.send.event(
        eventCallback({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME0001' }),
      );
      const call = await app.slack.waitFor('views.publish', (c) => c.args.user_id === user);
      return ((call.args.view as { blocks: Block[] }).blocks ?? []).find(
        (block) => block.block_id === deliveryIds.homeLine,
      );
    };
    expect((await homeOf(ids.cxOfficer))?.text?.text).toBe(
      ':warning: 3 messages could not be delivered — `/touchpoint health`',
    );
    expect(await homeOf(ids.employee)).toBeUndefined();

    await app.running.database.db.update(outbox).set({ status: 'sent' });
    expect(await homeOf(ids.cxOfficer)).toBeUndefined();
  });

  it('`/touchpoint help` lists `/touchpoint health` for the CX office', async () => {
    await app.command('/touchpoint', 'help', { user_id: ids.employee });
    const call = await app.slack.waitFor('chat.postEphemeral');
    const group = blocksOf(call).find((block) => block.block_id === touchpointIds.helpGroup('/touchpoint'));
    expect(group?.text?.text).toMatch(/`\/touchpoint health` :lock: _CX office_/);
  });
});
