import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapChanges, roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { addRoadmapItem } from '../../../src/features/roadmap/roadmap.service.js';
import { renderRoadmap, renderRoadmapModal } from '../../../src/features/roadmap/roadmap.views.js';
import { pageAt } from '../../../src/paging.js';
import { SAVE_FAILED } from '../../../src/slack/blocks.js';
import { checkMessage, checkView } from '../../support/block-kit.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { type Block, clickInMessage } from '../../support/paging.js';
import { ids, viewSubmission } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

// "Why this matters": the item's owner (or the CX office) says it in a small form, from "Why it matters"
// under `/roadmap` or `/roadmap why #id`; the server checks who on opening and again on saving.

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});

type Answer = {
  response_action?: string;
  errors?: Record<string, string>;
  view?: { blocks: { block_id?: string; text?: { text: string } }[] };
};

describe('/roadmap: what an item means for people, and why it matters', () => {
  const app = useTestApp();

  async function itemOwnedBy(ownerId: string, title: string) {
    const { item } = await addRoadmapItem(
      app.running.database.db,
      {
        fields: {
          title,
          status: 'in_progress',
          ownerId,
          customerChange: 'Money back the same day <!channel>',
          employeeAsk: 'Agents approve up to €100 & say so',
        },
        actorId: ids.cxOfficer,
        idempotencyKey: `why-${title}`,
      },
      new Date(),
    );
    return item;
  }

  const whyOf = async (itemId: number) =>
    (
      await app.running.database.db
        .select({ why: roadmapItems.whyItMatters })
        .from(roadmapItems)
        .where(eq(roadmapItems.id, itemId))
    )[0]?.why;

  it('/roadmap shows what each item changes for customers and asks of employees, escaped; the owner gets "Why it matters"', async () => {
    const item = await itemOwnedBy(ids.executive, 'Refunds in one click');
    await app.command('/roadmap', '', { user_id: ids.executive });
    const list = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.executive);
    expect(text(list)).toContain('For customers: Money back the same day &lt;!channel&gt;');
    expect(text(list)).toContain('Asks of employees: Agents approve up to €100 &amp; say so');
    const blocks = list.args.blocks as Block[];
    const why = blocks.find((b) => b.block_id === `${roadmapIds.whyActions}.${item.id}`);
    expect(why?.text?.text).toBe(
      `You own *#${item.id} Refunds in one click*: say why it matters — the weekly update quotes it.`,
    );
    expect(why?.accessory).toMatchObject({ action_id: roadmapIds.whyButton, value: String(item.id) });

    // Someone who owns nothing there sees the texts but no button.
    app.slack.calls.length = 0;
    await app.command('/roadmap', '', { user_id: ids.employee });
    const theirs = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(text(theirs)).toContain('For customers:');
    expect((theirs.args.blocks as Block[]).some((b) => b.block_id?.startsWith(roadmapIds.whyActions))).toBe(
      false,
    );
  });

  it('the owner says why it matters from the button; the form turns into "Saved: …"; it is kept with who and when', async () => {
    const { db } = app.running.database;
    const item = await itemOwnedBy(ids.executive, 'Callback scheduling');
    app.slack.calls.length = 0;
    await clickInMessage(app, ids.executive, { action_id: roadmapIds.whyButton, value: String(item.id) });
    const opened = await app.slack.waitFor('views.open', (c) => text(c).includes(roadmapIds.whyModal));
    const view = opened.response.view as { id: string; callback_id: string; private_metadata: string };
    const input = (
      opened.args.view as { blocks: { block_id?: string; element?: { max_length?: number } }[] }
    ).blocks.find((b) => b.block_id === roadmapIds.whyItMatters);
    expect(input?.element?.max_length).toBe(500);

    const typed = 'Customers wait a week for a call back <!here>';
    const answer = await app.send.interaction(
      viewSubmission(
        view,
        { [roadmapIds.whyItMatters]: { type: 'plain_text_input', value: typed } },
        ids.executive,
      ),
    );
    const body = answer.json<Answer>();
    expect(body.response_action).toBe('update');
    expect(body.view?.blocks.find((b) => b.block_id === roadmapIds.whySaved)?.text?.text).toBe(
      `:white_check_mark: Saved: why #${item.id} “Callback scheduling” matters — “Customers wait a week for a call back &lt;!here&gt;”. The next weekly update quotes it.`,
    );
    expect(await whyOf(item.id)).toBe(typed);
    const changes = await db.select().from(roadmapChanges).where(eq(roadmapChanges.itemId, item.id));
    expect(changes.map((c) => [c.kind, c.actorId])).toEqual([
      ['created', ids.cxOfficer],
      ['edited', ids.executive],
    ]);
    // A replay of the same submission changes nothing more.
    await app.send.interaction(
      viewSubmission(
        view,
        { [roadmapIds.whyItMatters]: { type: 'plain_text_input', value: 'other' } },
        ids.executive,
      ),
    );
    expect(await whyOf(item.id)).toBe(typed);

    // Opened again, the form holds what it says now.
    app.slack.calls.length = 0;
    await app.command('/roadmap', `why #${item.id}`, { user_id: ids.executive });
    const again = await app.slack.waitFor('views.open');
    expect(text(again)).toContain('Customers wait a week for a call back');
  });

  it('someone else is refused on opening and on a forged submission; the CX office may say it for any item', async () => {
    const item = await itemOwnedBy(ids.executive, 'Online returns');
    app.slack.calls.length = 0;
    await app.command('/roadmap', `why #${item.id}`, { user_id: ids.employee });
    const refused = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(text(refused)).toContain('Only the item’s owner or the CX office can say why it matters');
    app.slack.calls.length = 0;
    await clickInMessage(app, ids.employee, { action_id: roadmapIds.whyButton, value: String(item.id) });
    const clickRefused = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(text(clickRefused)).toContain('Only the item’s owner or the CX office');
    await app.whenIdle();
    expect(app.slack.callsTo('views.open')).toHaveLength(0);

    // A submission forged from someone else's form: refused under the field, nothing saved.
    const forged = await app.send.interaction(
      viewSubmission(
        {
          id: 'V0FORGED01',
          callback_id: roadmapIds.whyModal,
          private_metadata: JSON.stringify({ itemId: item.id }),
        },
        { [roadmapIds.whyItMatters]: { type: 'plain_text_input', value: 'Mine now' } },
        ids.employee,
      ),
    );
    expect(forged.json<Answer>().errors?.[roadmapIds.whyItMatters]).toMatch(/Only the item’s owner/);
    expect(await whyOf(item.id)).toBe(null);

    await app.command('/roadmap', `why #${item.id}`, { user_id: ids.cxOfficer });
    const opened = await app.slack.waitFor('views.open');
    const saved = await app.send.interaction(
      viewSubmission(
        opened.response.view as { id: string; callback_id: string; private_metadata: string },
        { [roadmapIds.whyItMatters]: { type: 'plain_text_input', value: 'Returns are our top complaint' } },
        ids.cxOfficer,
      ),
    );
    expect(saved.json<Answer>().response_action).toBe('update');
    expect(await whyOf(item.id)).toBe('Returns are our top complaint');

    // `/roadmap why` without an item, or one that does not exist, says how.
    app.slack.calls.length = 0;
    await app.command('/roadmap', 'why #99999', { user_id: ids.executive });
    const which = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.executive);
    expect(text(which)).toContain('/roadmap why #id');
  });

  it('if saving fails, the form says so and keeps the text; saved later, it works', async () => {
    const { db } = app.running.database;
    const item = await itemOwnedBy(ids.executive, 'Fewer forms');
    app.slack.calls.length = 0;
    await app.command('/roadmap', `why #${item.id}`, { user_id: ids.executive });
    const opened = await app.slack.waitFor('views.open');
    const view = opened.response.view as { id: string; callback_id: string; private_metadata: string };
    const typed = {
      [roadmapIds.whyItMatters]: { type: 'plain_text_input' as const, value: 'Forms cost a day' },
    };
    await db.execute(sql`alter table roadmap_items rename to roadmap_items_unavailable`);
    try {
      const failed = await app.send.interaction(viewSubmission(view, typed, ids.executive));
      // Errors keep the modal open with what was typed; the line says nothing was lost.
      const body = failed.json<Answer>();
      expect(body.response_action).toBe('errors');
      expect(body.errors?.[roadmapIds.whyItMatters]).toBe(SAVE_FAILED);
    } finally {
      await db.execute(sql`alter table roadmap_items_unavailable rename to roadmap_items`);
    }
    const retried = await app.send.interaction(viewSubmission(view, typed, ids.executive));
    expect(retried.json<Answer>().response_action).toBe('update');
    expect(await whyOf(item.id)).toBe('Forms cost a day');
  });
});

describe('/roadmap with long texts on every item', () => {
  it('stays within Block Kit limits, escaped, with a button on the owner’s first two items', () => {
    const long = `<!channel> ${'&'.repeat(3000)}`;
    const at = new Date('2026-11-20T10:00:00Z');
    const groups = Array.from({ length: 3 }, (_, g) => ({
      stage: long.slice(0, 60),
      stageOwnerId: ids.executive,
      items: Array.from({ length: 14 }, (_, i) => ({
        item: {
          id: g * 100 + i + 1,
          title: long.slice(0, 150),
          customerChange: long,
          employeeAsk: long,
          whyItMatters: long.slice(0, 500),
          stageId: g + 1,
          categoryId: null,
          ownerId: ids.executive,
          status: 'in_progress' as const,
          targetDate: '2027-01-31',
          createdBy: ids.cxOfficer,
          idempotencyKey: `long-${g}-${i}`,
          createdAt: at,
          updatedAt: at,
        },
        lastNote: long,
        categoryName: long.slice(0, 100),
      })),
    }));
    const message = renderRoadmap(groups, { canEdit: true, viewerId: ids.executive });
    expect(checkMessage(message)).toEqual([]);
    expect(JSON.stringify(message).includes('<!channel>')).toBe(false);
    const buttons = (message.blocks as Block[]).filter(
      (b) => b.accessory?.action_id === roadmapIds.whyButton,
    );
    expect(buttons.map((b) => b.accessory?.value)).toEqual(['1', '2']);
    expect(JSON.stringify(message.blocks)).toContain('…and 40 more items of yours: `/roadmap why #id`');
    expect(checkView(renderRoadmapModal(groups, pageAt(1, 40, 42)))).toEqual([]);
  });
});
