import { describe, expect, it } from 'vitest';
import { deliveryIds } from '../../../src/features/delivery/delivery.ids.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import {
  type Block,
  clickInMessage,
  openFromMessage,
  pagerButtons,
  showing,
  updateFromModal,
} from '../../support/paging.js';
import { ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { seedDeadLetters } from './delivery.helpers.js';

const letters = (blocks: Block[]) => blocks.filter((b) => b.block_id?.startsWith('delivery.dead.'));
const pagerId = deliveryIds.pager;
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
    await clickInMessage(app, ids.employee, { action_id: deliveryIds.pageOpen, value: '1' });
    const refused = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(text(refused)).toContain('Only the CX office');
    await app.whenIdle();
    expect(app.slack.callsTo('views.open')).toEqual([]);

    const first = await openFromMessage(app, ids.cxOfficer, { action_id: deliveryIds.pageOpen, value: '1' });
    expect(letters(first.blocks)).toHaveLength(20);
    expect(showing(first.blocks, pagerId)).toBe('Showing 1–20 of 25');
    expect(pagerButtons(first.blocks, pagerId)).toEqual([[deliveryIds.next, '2']]);

    const second = await updateFromModal(app, ids.cxOfficer, first, {
      action_id: deliveryIds.next,
      value: '2',
    });
    expect(letters(second.blocks)).toHaveLength(5);
    expect(showing(second.blocks, pagerId)).toBe('Showing 21–25 of 25');
    expect(pagerButtons(second.blocks, pagerId)).toEqual([[deliveryIds.previous, '1']]);

    // Retry on page 2: the same page again, with what it did on top.
    app.slack.calls.length = 0;
    const retry = letters(second.blocks)[0]?.accessory ?? {};
    const retried = await updateFromModal(app, ids.cxOfficer, second, {
      action_id: deliveryIds.retry,
      value: String(retry.value),
    });
    expect(retried.blocks.find((b) => b.block_id === deliveryIds.notice)?.text?.text).toContain(
      'back in the queue',
    );
    expect(showing(retried.blocks, pagerId)).toBe('Showing 21–24 of 24');
  });
});
