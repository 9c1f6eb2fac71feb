import { describe, expect, it } from 'vitest';
import { deliveryIds } from '../../../src/features/delivery/delivery.ids.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { seedDeadLetters } from './delivery.helpers.js';

type Element = { action_id?: string; value?: string; text?: { text: string } | string };
type Block = { block_id?: string; text?: { text: string }; accessory?: Element; elements?: Element[] };
type Modal = { id: string; type: 'modal'; private_metadata?: string; blocks: Block[] };

const letters = (blocks: Block[]) => blocks.filter((b) => b.block_id?.startsWith('delivery.dead.'));
const showing = (blocks: Block[]) =>
  (blocks.find((b) => b.block_id === `${deliveryIds.pager}.showing`)?.elements?.[0] as { text?: string })
    ?.text;
const pager = (blocks: Block[]) =>
  (blocks.find((b) => b.block_id === deliveryIds.pager)?.elements ?? []).map((e) => [e.action_id, e.value]);
const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});

describe('/touchpoint health pages the messages that could not be delivered', () => {
  const app = useTestApp({ outbox: { autoStart: false } });

  it('25 dead letters: the message lists 10 and "…and 15 more" with See all; the modal pages 20 and 5, Retry keeps the page; others are refused', async () => {
    const now = new Date();
    await seedDeadLetters(
      app.running.database.db,
      Array.from({ length: 25 }, (_, i) => ({
        key: `rules:aging:2026-10-${String(i + 1).padStart(2, '0')}`,
        method: 'chat.postMessage' as const,
        channel: 'C0GONE0001',
        args: { text: 'x' },
      })),
      { now, notBefore: new Date(now.getTime() + 86_400_000) },
    );
    await app.command('/touchpoint', 'health', { user_id: ids.cxOfficer });
    const answer = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.cxOfficer);
    const blocks = answer.args.blocks as Block[];
    expect(letters(blocks)).toHaveLength(10);
    const more = blocks.find((b) => b.block_id === deliveryIds.more);
    expect(more?.text?.text).toBe('The latest 10: …and 15 more.');
    expect(more?.accessory).toMatchObject({
      action_id: deliveryIds.pageOpen,
      value: '1',
      text: { text: 'See all 25' },
    });

    // Someone outside the CX office: refused where they clicked, no modal.
    await app.send.interaction(
      blockActions(
        { action_id: deliveryIds.pageOpen, value: '1' },
        { user: ids.employee, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const refused = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(text(refused)).toContain('Only the CX office');
    await app.whenIdle();
    expect(app.slack.callsTo('views.open')).toEqual([]);

    await app.send.interaction(
      blockActions(
        { action_id: deliveryIds.pageOpen, value: '1' },
        { user: ids.cxOfficer, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const opened = await app.slack.waitFor('views.open');
    expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
    const first = opened.response.view as Modal;
    expect(letters(first.blocks)).toHaveLength(20);
    expect(showing(first.blocks)).toBe('Showing 1–20 of 25');
    expect(pager(first.blocks)).toEqual([[deliveryIds.next, '2']]);

    await app.send.interaction(
      blockActions(
        { action_id: deliveryIds.next, value: '2' },
        { user: ids.cxOfficer, responseUrl: app.slack.responseUrl(), view: first },
      ),
    );
    const second = (await app.slack.waitFor('views.update')).response.view as Modal;
    expect(letters(second.blocks)).toHaveLength(5);
    expect(showing(second.blocks)).toBe('Showing 21–25 of 25');
    expect(pager(second.blocks)).toEqual([[deliveryIds.previous, '1']]);

    // Retry on page 2: the same page again, with what it did on top.
    app.slack.calls.length = 0;
    const retry = letters(second.blocks)[0]?.accessory ?? {};
    await app.send.interaction(
      blockActions(
        { action_id: deliveryIds.retry, value: String(retry.value) },
        { user: ids.cxOfficer, responseUrl: app.slack.responseUrl(), view: second },
      ),
    );
    const retried = (await app.slack.waitFor('views.update')).response.view as Modal;
    expect(retried.blocks.find((b) => b.block_id === deliveryIds.notice)?.text?.text).toContain(
      'back in the queue',
    );
    expect(showing(retried.blocks)).toBe('Showing 21–24 of 24');
  });
});
