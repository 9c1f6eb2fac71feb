import { describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import { blockActions, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

type Element = { action_id?: string; value?: string; text?: { text: string } | string };
type Block = { block_id?: string; text?: { text: string }; accessory?: Element; elements?: Element[] };
type Modal = { id: string; type: 'modal'; blocks: Block[] };

const showing = (blocks: Block[]) =>
  (blocks.find((b) => b.block_id === `${rulesIds.minePager}.showing`)?.elements?.[0] as { text?: string })
    ?.text;
const pager = (blocks: Block[]) =>
  (blocks.find((b) => b.block_id === rulesIds.minePager)?.elements ?? []).map((e) => [e.action_id, e.value]);
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

    await app.send.interaction(
      blockActions(
        { action_id: rulesIds.mineOpen, value: '1' },
        { user: ids.employee, channel: ids.generalChannel, responseUrl: app.slack.responseUrl() },
      ),
    );
    const opened = await app.slack.waitFor('views.open');
    expect(opened.response.ok, JSON.stringify(opened.response)).toBe(true);
    const first = opened.response.view as Modal;
    expect(refs(first.blocks)).toHaveLength(25);
    expect(showing(first.blocks)).toBe('Showing 1–25 of 30');
    expect(pager(first.blocks)).toEqual([[rulesIds.mineNext, '2']]);

    const next = blockActions(
      { action_id: rulesIds.mineNext, value: '2' },
      { user: ids.employee, responseUrl: app.slack.responseUrl(), view: first },
    );
    await app.send.interaction(next);
    const updated = await app.slack.waitFor('views.update');
    expect(updated.args.view_id).toBe(first.id);
    const second = updated.response.view as Modal;
    expect(refs(second.blocks)).toEqual(['RULE-5', 'RULE-4', 'RULE-3', 'RULE-2', 'RULE-1']);
    expect(showing(second.blocks)).toBe('Showing 26–30 of 30');
    expect(pager(second.blocks)).toEqual([[rulesIds.minePrevious, '1']]);

    // Someone else's click lists their own suggestions, never the employee's.
    app.slack.calls.length = 0;
    await app.send.interaction(
      blockActions(
        { action_id: rulesIds.mineNext, value: '2' },
        { user: ids.otherEmployee, responseUrl: app.slack.responseUrl(), view: first },
      ),
    );
    const theirs = await app.slack.waitFor('views.update');
    expect(refs((theirs.response.view as Modal).blocks)).toEqual([]);
  });
});
