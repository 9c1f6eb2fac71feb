import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import { calls } from '../../../src/features/calls/calls.schema.js';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import {
  listJourneyStages,
  listTouchpointCategories,
} from '../../../src/features/settings/stages.queries.js';
import { storiesIds } from '../../../src/features/stories/stories.ids.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { nominateAndWaitForCard, parseCsv } from '../rules/rules.helpers.js';

// Issue 16, points 1 and 5: the touch-point category, the optional second tag next to the stage, on
// rules, calls, stories and roadmap items (renamed in settings); and each stage's accountable executive,
// named on that stage's items.

type Block = {
  block_id?: string;
  text?: { text: string };
  label?: { text: string };
  element?: {
    type?: string;
    initial_value?: string;
    initial_date?: string;
    initial_user?: string;
    options?: { text: { text: string }; value: string }[];
  };
};
type View = { id: string; callback_id: string; private_metadata: string; blocks: Block[] };

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});
const blockOf = (view: View, blockId: string) => view.blocks.find((b) => b.block_id === blockId);
const DEFAULT_CATEGORIES = [
  'Managing customers at risk',
  'Responding to customer needs',
  'Increasing the bond with relevant value-add',
  'Earning the right to revenue growth',
];

describe('touch-point categories and stage owners', () => {
  const app = useTestApp();

  async function opened(command: string, arg: string, user: string): Promise<View> {
    const before = app.slack.callsTo('views.open').length;
    await app.command(command, arg, { user_id: user });
    await app.slack.waitFor('views.open', () => app.slack.callsTo('views.open').length > before);
    return app.slack.callsTo('views.open')[before]?.response.view as View;
  }

  /** The settings form as it opened, with some fields changed (every shown value kept). */
  function settingsState(view: View, changes: Record<string, StateInput>): Record<string, StateInput> {
    const state: Record<string, StateInput> = {
      [settingsIds.stages]: {
        type: 'plain_text_input',
        value: blockOf(view, settingsIds.stages)?.element?.initial_value ?? '',
      },
      [settingsIds.categories]: {
        type: 'plain_text_input',
        value: blockOf(view, settingsIds.categories)?.element?.initial_value ?? '',
      },
      [settingsIds.responseTarget]: { type: 'plain_text_input', value: '10' },
      [settingsIds.callTarget]: { type: 'plain_text_input', value: '2' },
      [settingsIds.nudgeDay]: { type: 'static_select', value: '2' },
      [settingsIds.nudgeTime]: { type: 'timepicker', time: '10:00' },
      [settingsIds.digestDay]: { type: 'static_select', value: '1' },
      [settingsIds.digestTime]: { type: 'timepicker', time: '09:00' },
    };
    for (const block of view.blocks)
      if (block.block_id?.startsWith(settingsIds.stageOwnerPrefix))
        state[block.block_id] = { type: 'users_select', user: block.element?.initial_user ?? null };
    return { ...state, ...changes };
  }

  const savedText = (answer: { json<T>(): T }) => {
    const body = answer.json<{ response_action?: string; view?: View }>();
    expect(body.response_action).toBe('update');
    return body.view?.blocks.find((b) => b.block_id === settingsIds.saved)?.text?.text ?? '';
  };

  const categoryId = async (name: string) =>
    String((await listTouchpointCategories(app.running.database.db)).find((c) => c.name === name)?.id);
  const stageId = async (name: string) =>
    (await listJourneyStages(app.running.database.db)).find((s) => s.name === name)?.id ?? 0;

  it('a nomination with a category shows it on its card and in the export; a rename in settings changes what cards show', async () => {
    const form = await opened('/killrule', '', ids.employee);
    const select = blockOf(form, 'category');
    expect(select?.label?.text).toBe('Touch-point category');
    expect(select?.element?.options?.map((o) => o.text.text)).toEqual(DEFAULT_CATEGORIES);

    const atRisk = await categoryId('Managing customers at risk');
    const first = await nominateAndWaitForCard(app, {
      rule: 'Refunds need two signatures',
      category: atRisk,
    });
    expect(first.rule.categoryId).toBe(Number(atRisk));
    expect(text(first.card)).toContain('*Category*\\nManaging customers at risk');

    await app.command('/touchpoint', 'export rules', { user_id: ids.cxOfficer });
    await app.slack.waitFor('files.completeUploadExternal');
    const [header, ...rows] = parseCsv(app.slack.sharedFiles.at(-1)?.content ?? '');
    const column = (header ?? []).indexOf('touch-point category');
    expect(column).toBeGreaterThan(-1);
    expect(rows.find((row) => row[0] === `RULE-${first.rule.number}`)?.[column]).toBe(
      'Managing customers at risk',
    );

    // Renamed in settings: the same category, by its new name, on the cards (and nobody is pinged by it).
    const settings = await opened('/touchpoint', 'settings', ids.cxOfficer);
    expect(blockOf(settings, settingsIds.categories)?.element?.initial_value).toBe(
      DEFAULT_CATEGORIES.join('\n'),
    );
    const renamed = await app.send.interaction(
      viewSubmission(
        settings,
        settingsState(settings, {
          [settingsIds.categories]: {
            type: 'plain_text_input',
            value: `Managing customers at risk -> At risk <!channel>\n${DEFAULT_CATEGORIES.slice(1).join('\n')}`,
          },
        }),
        ids.cxOfficer,
      ),
    );
    expect(savedText(renamed)).toBe(
      'Saved: touch-point categories: renamed “Managing customers at risk” → “At risk &lt;!channel&gt;”.',
    );
    expect(await categoryId('At risk <!channel>')).toBe(atRisk);
    const second = await nominateAndWaitForCard(app, { rule: 'Forms in triplicate', category: atRisk });
    expect(text(second.card)).toContain('*Category*\\nAt risk &lt;!channel&gt;');
  });

  it('a stage owner set in settings appears on the rule card of that stage, and the save says so', async () => {
    const getHelp = await stageId('Get help');
    const settings = await opened('/touchpoint', 'settings', ids.cxOfficer);
    const ownerBlock = `${settingsIds.stageOwnerPrefix}${getHelp}`;
    expect(blockOf(settings, ownerBlock)?.element?.type).toBe('users_select');
    expect(blockOf(settings, ownerBlock)?.label?.text).toBe('Stage owner: Get help');

    const saved = await app.send.interaction(
      viewSubmission(
        settings,
        settingsState(settings, { [ownerBlock]: { type: 'users_select', user: ids.executive } }),
        ids.cxOfficer,
      ),
    );
    expect(savedText(saved)).toBe(`Saved: Get help is now owned by <@${ids.executive}>.`);
    const reopened = await opened('/touchpoint', 'settings', ids.cxOfficer);
    expect(blockOf(reopened, ownerBlock)?.element?.initial_user).toBe(ids.executive);

    const { card } = await nominateAndWaitForCard(app, {
      rule: 'Hold music for an hour',
      stage: String(getHelp),
    });
    expect(text(card)).toContain(`Stage owner: <@${ids.executive}>`);
    const other = await nominateAndWaitForCard(app, {
      rule: 'Invoices by post only',
      stage: String(await stageId('Buy')),
    });
    expect(text(other.card)).not.toContain('Stage owner');

    // Saved again unchanged: nothing changed. A non-CX user cannot save (settings.test.ts covers the refusal).
    const again = await app.send.interaction(
      viewSubmission(reopened, settingsState(reopened, {}), ids.cxOfficer),
    );
    expect(savedText(again)).toBe('Nothing changed.');
    const refused = await app.send.interaction(
      viewSubmission(
        reopened,
        settingsState(reopened, { [ownerBlock]: { type: 'users_select', user: null } }),
        ids.employee,
      ),
    );
    expect(refused.json<{ errors: Record<string, string> }>().errors[settingsIds.stages]).toMatch(
      /CX office/,
    );
    expect((await listJourneyStages(app.running.database.db)).find((s) => s.id === getHelp)?.ownerId).toBe(
      ids.executive,
    );
  });

  it('a call, a story and a roadmap item save a category; the story card and /roadmap show it with the stage owner', async () => {
    const { db } = app.running.database;
    const needs = await categoryId('Responding to customer needs');
    const getHelp = String(await stageId('Get help')); // owned by ids.executive since the test above

    // A call (shared as a story: the story keeps the call's category).
    const callForm = await opened('/logcall', '', ids.executive);
    expect(blockOf(callForm, callsIds.category)?.element?.options?.map((o) => o.value)).toContain(needs);
    await app.send.interaction(
      viewSubmission(
        callForm,
        {
          [callsIds.customer]: { type: 'plain_text_input', value: 'ACME GmbH' },
          [callsIds.date]: {
            type: 'datepicker',
            date: blockOf(callForm, callsIds.date)?.element?.initial_date ?? null,
          },
          [callsIds.kind]: { type: 'static_select', value: 'call' },
          [callsIds.result]: { type: 'static_select', value: 'reached' },
          [callsIds.stage]: { type: 'static_select', value: getHelp },
          [callsIds.category]: { type: 'static_select', value: needs },
          [callsIds.learned]: { type: 'plain_text_input', value: 'They want a callback, not a ticket' },
          [callsIds.share]: { type: 'checkboxes', values: ['share'] },
        },
        ids.executive,
      ),
    );
    await app.whenIdle();
    const [call] = await db
      .select()
      .from(calls)
      .where(eq(calls.learned, 'They want a callback, not a ticket'));
    expect(call?.categoryId).toBe(Number(needs));
    const [fromCall] = await db
      .select()
      .from(stories)
      .where(eq(stories.sourceCallId, call?.id ?? 0));
    expect(fromCall?.categoryId).toBe(Number(needs));

    // A story: its card shows the category and the stage's owner.
    const storyForm = await opened('/story', '', ids.employee);
    expect(blockOf(storyForm, storiesIds.category)?.label?.text).toBe('Touch-point category');
    const before = app.slack.callsTo('chat.postMessage').length;
    await app.send.interaction(
      viewSubmission(
        storyForm,
        {
          [storiesIds.body]: { type: 'plain_text_input', value: 'Called back within the hour' },
          [storiesIds.customer]: { type: 'plain_text_input', value: null },
          [storiesIds.stage]: { type: 'static_select', value: getHelp },
          [storiesIds.category]: { type: 'static_select', value: needs },
          [storiesIds.kind]: { type: 'radio_buttons', value: 'delighted' },
          [storiesIds.shareable]: { type: 'checkboxes', values: [] },
        },
        ids.employee,
      ),
    );
    const card = await app.slack.waitFor(
      'chat.postMessage',
      (c) =>
        app.slack.callsTo('chat.postMessage').indexOf(c) >= before &&
        c.args.channel === ids.backlogChannel &&
        text(c).includes('Called back within the hour'),
    );
    expect(text(card)).toContain('*Category*\\nResponding to customer needs');
    expect(text(card)).toContain(`Stage owner: <@${ids.executive}>`);
    const [story] = await db.select().from(stories).where(eq(stories.body, 'Called back within the hour'));
    expect(story?.categoryId).toBe(Number(needs));

    // A roadmap item: saved with its category; /roadmap shows it, and the stage's owner on the stage.
    const itemForm = await opened('/roadmap', 'add', ids.cxOfficer);
    expect(blockOf(itemForm, roadmapIds.category)?.label?.text).toBe('Touch-point category');
    await app.send.interaction(
      viewSubmission(
        itemForm,
        {
          [roadmapIds.title]: { type: 'plain_text_input', value: 'Callbacks within the hour' },
          [roadmapIds.customerChange]: { type: 'plain_text_input', value: null },
          [roadmapIds.employeeAsk]: { type: 'plain_text_input', value: null },
          [roadmapIds.stage]: { type: 'static_select', value: getHelp },
          [roadmapIds.category]: { type: 'static_select', value: needs },
          [roadmapIds.owner]: { type: 'users_select', user: null },
          [roadmapIds.status]: { type: 'static_select', value: 'planned' },
          [roadmapIds.target]: { type: 'datepicker', date: null },
        },
        ids.cxOfficer,
      ),
    );
    const [item] = await db
      .select()
      .from(roadmapItems)
      .where(eq(roadmapItems.title, 'Callbacks within the hour'));
    expect(item?.categoryId).toBe(Number(needs));
    await app.command('/roadmap', '', { user_id: ids.otherEmployee });
    const list = text(
      await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === ids.otherEmployee),
    );
    expect(list).toContain(`*Get help* · Stage owner: <@${ids.executive}>`);
    expect(list).toContain('Callbacks within the hour* — Planned · Responding to customer needs');

    // The stories export names the category too.
    await app.command('/touchpoint', 'export stories', { user_id: ids.cxOfficer });
    await app.slack.waitFor('files.completeUploadExternal', () =>
      (app.slack.sharedFiles.at(-1)?.content ?? '').includes('Called back within the hour'),
    );
    const [header, ...rows] = parseCsv(app.slack.sharedFiles.at(-1)?.content ?? '');
    const column = (header ?? []).indexOf('touch-point category');
    expect(rows.find((row) => row[1] === 'Called back within the hour')?.[column]).toBe(
      'Responding to customer needs',
    );
  });
});
