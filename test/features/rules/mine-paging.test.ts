import { describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import { type Block, openFromMessage, pagerButtons, showing, updateFromModal } from '../../support/paging.js';
import { ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

const pagerId = rulesIds.minePager;
const refs = (blocks: Block[]) => blocks.flatMap((b) => b.text?.text.match(/RULE-\d+/g) ?? []);

describe('/killrule mine pages', () => {
  const app = useTestApp();

  it('with 30 suggestions it lists 25 and "…and 5 more"; See all opens them in a modal, 25 and then 5', async () => {
    const now = new Date();
    await app.running.database.db.insert(rules).values(
      Array.from({ length: 30 }, (_, i) => ({
        number: i + 1,
        title: `Mine number ${i + 1}`,
        hurts: 'customers' as const,
        why: 'It hurts',
        submitterId: ids.employee,
        status: 'new' as const,
        source: 'command' as const,
        idempotencyKey: `mine-${i + 1}`,
        createdAt: now,
        updatedAt: now,
      })),
    );
    await app.command('/killrule', 'mine', { user_id: ids.employee });
    const answer = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    const blocks = answer.args.blocks as Block[];
    expect(refs(blocks)).toHaveLength(25);
    expect(refs(blocks)[0]).toBe('RULE-30');
    const more = blocks.find((b) => b.block_id === rulesIds.mineMore);
    expect(more?.text?.text).toBe('…and 5 more.');
    expect(more?.accessory).toMatchObject({
      action_id: rulesIds.mineOpen,
      value: '1',
      text: { text: 'See all 30' },
    });

    const first = await openFromMessage(app, ids.employee, { action_id: rulesIds.mineOpen, value: '1' });
    expect(refs(first.blocks)).toHaveLength(25);
    expect(showing(first.blocks, pagerId)).toBe('Showing 1–25 of 30');
    expect(pagerButtons(first.blocks, pagerId)).toEqual([[rulesIds.mineNext, '2']]);

    const second = await updateFromModal(app, ids.employee, first, {
      action_id: rulesIds.mineNext,
      value: '2',
    });
    expect(refs(second.blocks)).toEqual(['RULE-5', 'RULE-4', 'RULE-3', 'RULE-2', 'RULE-1']);
    expect(showing(second.blocks, pagerId)).toBe('Showing 26–30 of 30');
    expect(pagerButtons(second.blocks, pagerId)).toEqual([[rulesIds.minePrevious, '1']]);

    // Someone else's click lists their own suggestions, never the employee's.
    const theirs = await updateFromModal(app, ids.otherEmployee, first, {
      action_id: rulesIds.mineNext,
      value: '2',
    });
    expect(refs(theirs.blocks)).toEqual([]);
  });
});
