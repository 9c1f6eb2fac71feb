import { describe, expect, it } from 'vitest';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { blockActions, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

type Element = { action_id?: string; value?: string; text?: { text: string } | string };
type Block = { block_id?: string; text?: { text: string }; accessory?: Element; elements?: Element[] };
type Modal = { id: string; type: 'modal'; blocks: Block[] };

const itemIds = (blocks: Block[]) => blocks.flatMap((b) => b.text?.text.match(/\*#\d+ /g) ?? []);
const showing = (blocks: Block[]) =>
  (blocks.find((b) => b.block_id === `${roadmapIds.pager}.showing`)?.elements?.[0] as { text?: string })
    ?.text;
const pager = (blocks: Block[]) =>
  (blocks.find((b) => b.block_id === roadmapIds.pager)?.elements ?? []).map((e) => [e.action_id, e.value]);

describe('/roadmap pages', () => {
  const app = useTestApp();

  it('45 items: /roadmap shows 40 and "…and 5 more items" with See all; the modal pages 1–40, 41–45', async () => {
    const now = new Date();
    await app.running.database.db.insert(roadmapItems).values(
      Array.from({ length: 45 }, (_, i) => ({
        title: `Item ${i + 1}`,
        createdBy: ids.cxOfficer,
        idempotencyKey: `roadmap-paging-${i + 1}`,
        createdAt: now,
        updatedAt: now,
      })),
    );
    await app.command('/roadmap', '', { user_id: ids.employee });
    const answer = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    const blocks = answer.args.blocks as Block[];
    expect(itemIds(blocks)).toHaveLength(40);
    expect(answer.args.text).toBe('CX roadmap: 45 items');
    const more = blocks.find((b) => b.block_id === roadmapIds.more);
    expect(more?.text?.text).toBe('…and 5 more items.');
    expect(more?.accessory).toMatchObject({
      action_id: roadmapIds.pageOpen,
      value: '1',
      text: { text: 'See all 45' },
    });

    await app.send.interaction(
      blockActions(
        { action_id: roadmapIds.pageOpen, value: '1' },
        { user: ids.employee, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const opened = await app.slack.waitFor('views.open');
    expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
    const first = opened.response.view as Modal;
    expect(itemIds(first.blocks)).toHaveLength(40);
    expect(showing(first.blocks)).toBe('Showing 1–40 of 45');
    expect(pager(first.blocks)).toEqual([[roadmapIds.next, '2']]);

    await app.send.interaction(
      blockActions(
        { action_id: roadmapIds.next, value: '2' },
        { user: ids.employee, responseUrl: app.slack.responseUrl(), view: first },
      ),
    );
    const updated = await app.slack.waitFor('views.update');
    expect(updated.args.view_id).toBe(first.id);
    const second = updated.response.view as Modal;
    expect(itemIds(second.blocks)).toHaveLength(5);
    expect(showing(second.blocks)).toBe('Showing 41–45 of 45');
    expect(pager(second.blocks)).toEqual([[roadmapIds.previous, '1']]);
  });
});
