import { describe, expect, it } from 'vitest';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { type Block, openFromMessage, pagerButtons, showing, updateFromModal } from '../../support/paging.js';
import { ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

const itemIds = (blocks: Block[]) => blocks.flatMap((b) => b.text?.text.match(/\*#\d+ /g) ?? []);
const pagerId = roadmapIds.pager;

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

    const first = await openFromMessage(app, ids.employee, { action_id: roadmapIds.pageOpen, value: '1' });
    expect(itemIds(first.blocks)).toHaveLength(40);
    expect(showing(first.blocks, pagerId)).toBe('Showing 1–40 of 45');
    expect(pagerButtons(first.blocks, pagerId)).toEqual([[roadmapIds.next, '2']]);

    const second = await updateFromModal(app, ids.employee, first, {
      action_id: roadmapIds.next,
      value: '2',
    });
    expect(itemIds(second.blocks)).toHaveLength(5);
    expect(showing(second.blocks, pagerId)).toBe('Showing 41–45 of 45');
    expect(pagerButtons(second.blocks, pagerId)).toEqual([[roadmapIds.previous, '1']]);
  });
});
