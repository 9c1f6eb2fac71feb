import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapChanges, roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import { listJourneyStages } from '../../../src/features/settings/stages.queries.js';
import { FORM_OUT_OF_DATE } from '../../../src/slack/metadata.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});

/** The text of the confirmation a saved form turns into (`response_action: 'update'`). */
function confirmation(answer: { json<T>(): T }): string {
  const body = answer.json<{
    response_action?: string;
    view?: { blocks: { block_id?: string; text?: { text: string } }[] };
  }>();
  expect(body.response_action).toBe('update');
  return body.view?.blocks.find((block) => block.block_id === roadmapIds.saved)?.text?.text ?? '';
}

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
    // The form turns into what was saved, typed text escaped.
    expect(confirmation(saved)).toMatch(
      /^Added #\d+ “Refunds in one click &lt;!channel&gt;”: In progress, target <!date\^1801396800\^\{date_short_pretty\}\|Sun 31 Jan 2027>\./,
    );
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
    const edited = await app.send.interaction(
      viewSubmission(
        edit,
        itemState({ [roadmapIds.status]: { type: 'static_select', value: 'shipped' } }),
        ids.cxGroupMember,
      ),
    );
    expect(confirmation(edited)).toBe(
      `Saved #${item?.id} “Refunds in one click &lt;!channel&gt;”: status In progress → Shipped.`,
    );
    const unchanged = await app.send.interaction(
      viewSubmission(
        { ...edit, id: 'V0EDITAGN1' },
        itemState({ [roadmapIds.status]: { type: 'static_select', value: 'shipped' } }),
        ids.cxGroupMember,
      ),
    );
    expect(confirmation(unchanged)).toBe(
      `Nothing changed on #${item?.id} “Refunds in one click &lt;!channel&gt;”.`,
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
    expect(text(list)).toContain('<!date^1801396800^{date_short_pretty}|Sun 31 Jan 2027>');
    expect(text(list)).toContain('Live in Germany &amp; Austria');
    expect(text(list)).toContain('Across the journey');
  });

  it('groups /roadmap by journey stage in the CX office’s order with each item’s latest note; renamed and retired stages follow', async () => {
    const { db } = app.running.database;
    const stage = async (name: string) =>
      String((await listJourneyStages(db)).find((s) => s.name === name)?.id);
    const add = async (title: string, stageName: string, at: Date) => {
      const view = await openedView(ids.cxOfficer, 'add');
      const saved = await app.send.interaction(
        viewSubmission(
          view,
          itemState({
            [roadmapIds.title]: { type: 'plain_text_input', value: title },
            [roadmapIds.stage]: { type: 'static_select', value: await stage(stageName) },
            [roadmapIds.status]: { type: 'static_select', value: 'planned' },
          }),
          ids.cxOfficer,
        ),
      );
      expect(confirmation(saved)).toContain(`Added #`);
      app.slack.calls.length = 0;
      const [row] = await db.select().from(roadmapItems).where(eq(roadmapItems.title, title));
      expect(row?.createdAt.getTime()).toBeGreaterThanOrEqual(at.getTime() - 1);
      return row?.id ?? 0;
    };
    const renewItem = await add('Renewal reminders by text', 'Renew', new Date());
    const buyItem = await add('Price on the first page', 'Buy', new Date());
    await app.command('/roadmap', `note #${buyItem} first draft`, { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Noted'));
    app.slack.calls.length = 0;
    await app.command('/roadmap', `note #${buyItem} tested with ten customers`, { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) => text(c).includes('Noted'));

    app.slack.calls.length = 0;
    await app.command('/roadmap', '', { user_id: ids.otherEmployee });
    const list = text(
      await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.otherEmployee),
    );
    expect(list.indexOf('*Buy*')).toBeGreaterThan(-1);
    expect(list.indexOf('*Buy*')).toBeLessThan(list.indexOf('Price on the first page'));
    expect(list.indexOf('Price on the first page')).toBeLessThan(list.indexOf('*Renew*'));
    expect(list.indexOf('*Renew*')).toBeLessThan(list.indexOf('Renewal reminders by text'));
    expect(list).toContain('tested with ten customers'); // the latest note only
    expect(list).not.toContain('first draft');
    expect(list).toContain('Planned');
    expect(list).not.toContain('/roadmap add'); // no editing hints for someone who cannot edit

    // The CX office renames "Buy", moves it last and removes "Renew" (in use by an item: retired).
    app.slack.calls.length = 0;
    await app.command('/touchpoint', 'settings', { user_id: ids.cxOfficer });
    const settings = (await app.slack.waitFor('views.open')).response.view as {
      id: string;
      callback_id: string;
    };
    await app.send.interaction(
      viewSubmission(
        settings,
        {
          [settingsIds.stages]: {
            type: 'plain_text_input',
            value: 'Discover\nOnboard\nUse\nGet help\nBuy -> Purchase',
          },
          [settingsIds.responseTarget]: { type: 'plain_text_input', value: '10' },
          [settingsIds.callTarget]: { type: 'plain_text_input', value: '2' },
          [settingsIds.nudgeDay]: { type: 'static_select', value: '2' },
          [settingsIds.nudgeTime]: { type: 'timepicker', time: '10:00' },
          [settingsIds.digestDay]: { type: 'static_select', value: '1' },
          [settingsIds.digestTime]: { type: 'timepicker', time: '09:00' },
        },
        ids.cxOfficer,
      ),
    );
    expect((await listJourneyStages(db)).find((s) => s.name === 'Renew')?.retiredAt).not.toBeNull();
    app.slack.calls.length = 0;
    await app.command('/roadmap', '', { user_id: ids.otherEmployee });
    const after = text(
      await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.otherEmployee),
    );
    expect(after).toContain('*Purchase*');
    expect(after).not.toContain('*Buy*');
    expect(after.indexOf('*Purchase*')).toBeLessThan(after.indexOf('*Renew*')); // retired stages come last

    // Editing an item of a retired stage keeps its stage (offered only to it, marked retired).
    app.slack.calls.length = 0;
    const edit = await openedView(ids.cxOfficer, `edit #${renewItem}`);
    const stageBlock = edit.blocks.find((b) => b.block_id === roadmapIds.stage);
    expect(JSON.stringify(stageBlock?.element?.initial_option)).toContain('Renew (retired)');
    app.slack.calls.length = 0;
    const addForm = await openedView(ids.cxOfficer, 'add');
    expect(JSON.stringify(addForm.blocks)).not.toContain('Renew');
  });

  it('refuses a roadmap form submitted by someone outside the CX office', async () => {
    const view = await openedView(ids.cxOfficer, 'add');
    const refused = await app.send.interaction(viewSubmission(view, itemState(), ids.employee));
    expect(refused.json<{ errors: Record<string, string> }>().errors[roadmapIds.title]).toContain(
      'Only the CX office',
    );
    const { db } = app.running.database;
    expect(
      await db
        .select()
        .from(roadmapItems)
        .where(eq(roadmapItems.idempotencyKey, `view:${view.id}`)),
    ).toEqual([]);
  });

  it('an edit form that comes back without its item says so and adds nothing (never a new item)', async () => {
    const { db } = app.running.database;
    const added = await openedView(ids.cxOfficer, 'add');
    await app.send.interaction(viewSubmission(added, itemState(), ids.cxOfficer));
    const [item] = await db
      .select()
      .from(roadmapItems)
      .where(eq(roadmapItems.idempotencyKey, `view:${added.id}`));
    app.slack.calls.length = 0;
    const edit = await openedView(ids.cxOfficer, `edit #${item?.id}`);
    const before = await db.select().from(roadmapItems);
    for (const damaged of ['', '{"itemId":', '{"itemId":"1"}']) {
      const answer = await app.send.interaction(
        viewSubmission({ ...edit, private_metadata: damaged }, itemState(), ids.cxOfficer),
      );
      expect(answer.json<{ errors: Record<string, string> }>().errors[roadmapIds.title]).toBe(
        FORM_OUT_OF_DATE,
      );
    }
    app.slack.calls.length = 0;
    const note = await openedView(ids.cxOfficer, `note #${item?.id}`);
    const noteAnswer = await app.send.interaction(
      viewSubmission(
        { ...note, private_metadata: '{}' },
        { [roadmapIds.note]: { type: 'plain_text_input', value: 'lost its item' } },
        ids.cxOfficer,
      ),
    );
    expect(noteAnswer.json<{ errors: Record<string, string> }>().errors[roadmapIds.note]).toBe(
      FORM_OUT_OF_DATE,
    );
    expect(await db.select().from(roadmapItems)).toEqual(before);
    expect((await db.select().from(roadmapChanges)).some((c) => c.note === 'lost its item')).toBe(false);
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
