import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapChanges, roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});

function itemState(overrides: Partial<Record<string, StateInput>> = {}): Record<string, StateInput> {
  return {
    [roadmapIds.title]: { type: 'plain_text_input', value: 'Refunds in one click <!channel>' },
    [roadmapIds.customerChange]: { type: 'plain_text_input', value: 'Money back the same day' },
    [roadmapIds.employeeAsk]: { type: 'plain_text_input', value: 'Agents approve up to €100' },
    [roadmapIds.stage]: { type: 'static_select', value: null },
    [roadmapIds.owner]: { type: 'users_select', user: ids.executive },
    [roadmapIds.status]: { type: 'static_select', value: 'in_progress' },
    [roadmapIds.target]: { type: 'datepicker', date: '2027-01-31' },
    ...overrides,
  };
}

describe('/roadmap', () => {
  const app = useTestApp();

  async function openedView(user: string, textArg: string) {
    await app.command('/roadmap', textArg, { user_id: user });
    const call = await app.slack.waitFor('views.open');
    return call.response.view as {
      id: string;
      callback_id: string;
      private_metadata: string;
      blocks: { block_id?: string; element?: Record<string, unknown> }[];
    };
  }

  it('the CX office adds, edits and notes items; every change is kept with who and when', async () => {
    const view = await openedView(ids.cxOfficer, 'add');
    const empty = await app.send.interaction(
      viewSubmission(
        view,
        itemState({ [roadmapIds.title]: { type: 'plain_text_input', value: ' ' } }),
        ids.cxOfficer,
      ),
    );
    expect(empty.json<{ errors: Record<string, string> }>().errors[roadmapIds.title]).toMatch(/title/);

    const saved = await app.send.interaction(viewSubmission(view, itemState(), ids.cxOfficer));
    expect(saved.status).toBe(200);
    await app.send.interaction(viewSubmission(view, itemState(), ids.cxOfficer)); // a replay adds nothing
    const { db } = app.running.database;
    const items = await db.select().from(roadmapItems);
    expect(items).toHaveLength(1);
    const item = items[0];
    expect(item).toMatchObject({
      title: 'Refunds in one click <!channel>',
      status: 'in_progress',
      ownerId: ids.executive,
      targetDate: '2027-01-31',
    });

    app.slack.calls.length = 0;
    const edit = await openedView(ids.cxGroupMember, `edit #${item?.id}`);
    expect(JSON.stringify(edit.blocks)).toContain('Money back the same day');
    await app.send.interaction(
      viewSubmission(
        edit,
        itemState({ [roadmapIds.status]: { type: 'static_select', value: 'shipped' } }),
        ids.cxGroupMember,
      ),
    );

    await app.command('/roadmap', `note #${item?.id} Live in Germany & Austria`, { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.cxOfficer);

    const changes = await db
      .select()
      .from(roadmapChanges)
      .where(eq(roadmapChanges.itemId, item?.id ?? 0));
    expect(changes.map((c) => [c.kind, c.actorId, c.fromStatus, c.toStatus])).toEqual([
      ['created', ids.cxOfficer, null, 'in_progress'],
      ['edited', ids.cxGroupMember, 'in_progress', 'shipped'],
      ['note', ids.cxOfficer, 'shipped', 'shipped'],
    ]);

    // Anyone sees it, grouped by stage, with status, owner, target and the last note — escaped.
    app.slack.calls.length = 0;
    await app.command('/roadmap', '', { user_id: ids.employee });
    const list = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
    expect(text(list)).toContain('Refunds in one click &lt;!channel&gt;');
    expect(text(list)).toContain('Shipped');
    expect(text(list)).toContain(`<@${ids.executive}>`);
    expect(text(list)).toContain('2027-01-31');
    expect(text(list)).toContain('Live in Germany &amp; Austria');
    expect(text(list)).toContain('Across the journey');
  });

  it('refuses add, edit and note to anyone else, and changes nothing', async () => {
    for (const verb of ['add', 'edit #1', 'note #1 sneaky']) {
      app.slack.calls.length = 0;
      await app.command('/roadmap', verb, { user_id: ids.employee });
      const refusal = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.employee);
      expect(text(refusal)).toContain('Only the CX office');
      expect(app.slack.callsTo('views.open')).toEqual([]);
    }
    const changes = await app.running.database.db.select().from(roadmapChanges);
    expect(changes.some((c) => c.note === 'sneaky')).toBe(false);
  });
});
