import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { storiesIds } from '../../../src/features/stories/stories.ids.js';
import { insertStory } from '../../../src/features/stories/stories.queries.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import { approveStory, shareCallAsStory } from '../../../src/features/stories/stories.service.js';
import { FORM_OUT_OF_DATE } from '../../../src/slack/metadata.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import {
  blockActions,
  globalShortcut,
  ids,
  messageShortcut,
  type StateInput,
  viewSubmission,
} from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});
type View = {
  id: string;
  callback_id: string;
  private_metadata: string;
  blocks: { block_id?: string; element?: { initial_value?: string } }[];
};

const storyState = (body: string | null, kind: string | null = 'delighted'): Record<string, StateInput> => ({
  [storiesIds.body]: { type: 'plain_text_input', value: body },
  [storiesIds.customer]: { type: 'plain_text_input', value: 'ACME <@U0EMPL0002>' },
  [storiesIds.stage]: { type: 'static_select', value: null },
  [storiesIds.kind]: { type: 'radio_buttons', value: kind },
  [storiesIds.shareable]: { type: 'checkboxes', values: ['shareable'] },
});

describe('customer stories', () => {
  const app = useTestApp();

  const opened = async () => (await app.slack.waitFor('views.open')).response.view as View;

  it('the three entry points open the story modal, prefilled where they should', async () => {
    await app.command('/story', 'She called back to say thanks', { user_id: ids.employee });
    const fromCommand = await opened();
    expect(fromCommand.callback_id).toBe(storiesIds.storyModal);
    expect(fromCommand.blocks.find((b) => b.block_id === storiesIds.body)?.element?.initial_value).toBe(
      'She called back to say thanks',
    );

    app.slack.calls.length = 0;
    await app.send.interaction(globalShortcut(storiesIds.globalShortcut, ids.employee));
    expect(
      (await opened()).blocks.find((b) => b.block_id === storiesIds.body)?.element?.initial_value,
    ).toBeUndefined();

    app.slack.calls.length = 0;
    await app.send.interaction(
      messageShortcut(
        storiesIds.messageShortcut,
        { text: 'Customer wrote: best support ever', ts: '1700000777.000100' },
        { user: ids.employee, responseUrl: app.slack.responseUrl() },
      ),
    );
    const fromMessage = await opened();
    expect(fromMessage.blocks.find((b) => b.block_id === storiesIds.body)?.element?.initial_value).toBe(
      'Customer wrote: best support ever',
    );
    expect(JSON.stringify(fromMessage.blocks)).toContain('p1700000777000100');
  });

  it('validates, stores once, posts a review card and thanks the teller; the review loop tells the teller', async () => {
    await app.command('/story', '', { user_id: ids.employee });
    const view = await opened();
    const bad = await app.send.interaction(viewSubmission(view, storyState('', null), ids.employee));
    const errors = bad.json<{ errors: Record<string, string> }>().errors;
    expect(errors[storiesIds.body]).toMatch(/what happened/);
    expect(errors[storiesIds.kind]).toBeDefined();

    const payload = viewSubmission(view, storyState('Fixed her router on a Sunday <!here>'), ids.employee);
    await Promise.all([app.send.interaction(payload), app.send.interaction(payload)]);
    const card = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.backlogChannel);
    await app.whenIdle();
    const stored = await app.running.database.db
      .select()
      .from(stories)
      .where(eq(stories.idempotencyKey, `view:${view.id}`));
    expect(stored).toHaveLength(1);
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel),
    ).toHaveLength(1);
    expect(text(card)).toContain('Fixed her router on a Sunday &lt;!here&gt;');
    expect(text(card)).toContain('ACME &lt;@U0EMPL0002&gt;');
    expect(
      text(app.slack.callsTo('chat.postMessage').find((c) => c.args.channel === ids.employee)),
    ).toContain('Thanks for sharing');
    const story = stored[0];
    const cardTs = String(card.response.ts);
    const click = (action_id: string, user: string) =>
      app.send.interaction(
        blockActions(
          { action_id, value: String(story?.id), block_id: `${storiesIds.cardActions}.${story?.id}` },
          { user, channel: ids.backlogChannel, messageTs: cardTs, responseUrl: app.slack.responseUrl() },
        ),
      );

    // Someone outside the CX office cannot approve.
    app.slack.calls.length = 0;
    await click(storiesIds.approve, ids.otherEmployee);
    expect(text(await app.slack.waitFor('chat.postEphemeral'))).toContain('Only the CX office');
    expect(
      (
        await app.running.database.db
          .select()
          .from(stories)
          .where(eq(stories.id, story?.id ?? 0))
      )[0]?.status,
    ).toBe('pending');

    await click(storiesIds.approve, ids.cxOfficer);
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.employee && text(c).includes('approved'),
    );
    // The card is updated in place (the DM and the update travel separately: wait for the update).
    await app.slack.waitFor('chat.update', (c) => c.args.ts === cardTs && text(c).includes('Approved'));

    await click(storiesIds.pick, ids.cxOfficer);
    await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.employee && text(c).includes('story of the week'),
    );

    await click(storiesIds.reject, ids.cxOfficer);
    const reject = (
      await app.slack.waitFor(
        'views.open',
        (c) => (c.args.view as { callback_id: string }).callback_id === storiesIds.rejectModal,
      )
    ).response.view as View;
    await app.send.interaction(
      viewSubmission(
        reject,
        { [storiesIds.note]: { type: 'plain_text_input', value: 'The customer asked us not to share it.' } },
        ids.cxOfficer,
      ),
    );
    const told = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.employee && text(c).includes('not use'),
    );
    expect(text(told)).toContain('The customer asked us not to share it.');
  });

  it('a story saved from a message keeps its link; the CX office edits it; a double-clicked pick tells the teller once and replaces the previous pick', async () => {
    const { db } = app.running.database;
    await app.send.interaction(
      messageShortcut(
        storiesIds.messageShortcut,
        { text: 'Thanks for the <https://evil.example|refund>!', ts: '1700000888.000200' },
        { user: ids.otherEmployee, responseUrl: app.slack.responseUrl() },
      ),
    );
    const view = await opened();
    await app.send.interaction(
      viewSubmission(view, storyState('Thanks for the quick refund'), ids.otherEmployee),
    );
    const card = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.backlogChannel);
    const [saved] = await db
      .select()
      .from(stories)
      .where(eq(stories.idempotencyKey, `view:${view.id}`));
    expect(saved).toMatchObject({ source: 'message', tellerId: ids.otherEmployee });
    expect(saved?.sourcePermalink).toContain('p1700000888000200');
    expect(text(card)).toContain('p1700000888000200');
    const id = saved?.id ?? 0;
    const click = (action_id: string, user: string = ids.cxOfficer) =>
      app.send.interaction(
        blockActions(
          { action_id, value: String(id), block_id: `${storiesIds.cardActions}.${id}` },
          {
            user,
            channel: ids.backlogChannel,
            messageTs: String(card.response.ts),
            responseUrl: app.slack.responseUrl(),
          },
        ),
      );

    // Edit: only the CX office; the form is prefilled; the card shows the change.
    app.slack.calls.length = 0;
    await click(storiesIds.edit, ids.employee);
    expect(text(await app.slack.waitFor('chat.postEphemeral'))).toContain('Only the CX office');
    expect(app.slack.callsTo('views.open')).toEqual([]);
    await click(storiesIds.edit);
    const edit = (await app.slack.waitFor('views.open')).response.view as View;
    expect(edit.callback_id).toBe(storiesIds.editModal);
    expect(edit.blocks.find((b) => b.block_id === storiesIds.body)?.element?.initial_value).toBe(
      'Thanks for the quick refund',
    );
    const editedState = storyState('Refund in an hour, she wrote back <!channel>', 'recovery');
    const forged = await app.send.interaction(viewSubmission(edit, editedState, ids.employee));
    expect(forged.json<{ errors: Record<string, string> }>().errors[storiesIds.body]).toContain(
      'Only the CX office',
    );
    await app.send.interaction(viewSubmission(edit, editedState, ids.cxOfficer));
    const updated = await app.slack.waitFor('chat.update', (c) => text(c).includes('Refund in an hour'));
    expect(text(updated)).toContain('&lt;!channel&gt;');
    expect((await db.select().from(stories).where(eq(stories.id, id)))[0]).toMatchObject({
      body: 'Refund in an hour, she wrote back <!channel>',
      kind: 'recovery',
      status: 'pending',
    });

    // Another story is the current pick; picking this one (double click) replaces it and tells the teller once.
    const { story: other } = await insertStory(db, {
      body: 'Earlier pick',
      kind: 'delighted',
      tellerId: ids.employee,
      source: 'command',
      idempotencyKey: 'earlier-pick',
      status: 'approved',
      pickedForWeek: '2020-W01',
      createdAt: new Date(),
    });
    // What the edit queued goes out first: only the pick's messages are counted below.
    await app.whenIdle();
    app.slack.calls.length = 0;
    await Promise.all([click(storiesIds.pick), click(storiesIds.pick)]);
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.otherEmployee);
    await app.whenIdle();
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.otherEmployee),
    ).toHaveLength(1);
    const after = await db.select().from(stories);
    expect(after.find((row) => row.id === id)).toMatchObject({ status: 'approved' });
    expect(after.find((row) => row.id === id)?.pickedForWeek).not.toBeNull();
    expect(after.find((row) => row.id === other.id)?.pickedForWeek).toBeNull();
  });

  it('a call shared as a story gets its review card, once, however often the call is saved', async () => {
    const { db } = app.running.database;
    const share = () =>
      db.transaction((tx) =>
        shareCallAsStory(
          tx,
          {
            callId: 42,
            body: 'From a call: the CFO loves the new invoices',
            customer: 'ACME',
            stageId: null,
            kind: 'delighted',
            tellerId: ids.executive,
          },
          { backlogChannel: ids.backlogChannel },
          new Date(),
        ),
      );
    const [first, second] = await Promise.all([share(), share()]);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const card = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.backlogChannel && text(c).includes('the CFO loves'),
    );
    await app.running.outbox.drain();
    await app.whenIdle();
    const cards = app.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === ids.backlogChannel && text(c).includes('the CFO loves'));
    expect(cards).toHaveLength(1);
    expect(text(card)).toContain('(from a call)');
    // The executive is thanked by the call's own confirmation, not a second time by stories.
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.executive)).toEqual([]);
    expect((await db.select().from(stories).where(eq(stories.id, first.story.id)))[0]?.cardTs).toBe(
      card.response.ts,
    );
  });

  it('Slack failing when the card is posted: the card arrives once, later, then its updates', async () => {
    const { db } = app.running.database;
    // Every post fails for a moment: 500s from Slack's edge, then 429s.
    app.slack.failFor('chat.postMessage', 1_500, { status: 500 });
    await app.command('/story', '', { user_id: ids.employee });
    const view = await opened();
    await app.send.interaction(
      viewSubmission(view, storyState('Slack was down when I shared this'), ids.employee),
    );
    const [saved] = await db
      .select()
      .from(stories)
      .where(eq(stories.idempotencyKey, `view:${view.id}`));
    const id = saved?.id ?? 0;
    // Approved while the card is still waiting for Slack: the update follows the card.
    await approveStory(db, id, ids.cxOfficer, { backlogChannel: ids.backlogChannel }, new Date());
    await app.slack.waitFor('chat.postMessage', (c) => c.response.status === 500);
    app.slack.rateLimit('chat.postMessage', 2, 1);
    const card = await app.slack.waitFor(
      'chat.postMessage',
      (c) =>
        c.args.channel === ids.backlogChannel && c.response.ok === true && text(c).includes('Slack was down'),
      20_000,
    );
    const update = await app.slack.waitFor('chat.update', (c) => c.args.ts === card.response.ts, 10_000);
    expect(text(update)).toContain('Approved');
    expect(app.slack.callsTo('chat.postMessage').some((c) => c.response.status === 429)).toBe(true);
    await app.running.outbox.drain();
    await app.whenIdle();
    const delivered = app.slack
      .postedTo(ids.backlogChannel)
      .filter((m) => JSON.stringify(m).includes('Slack was down'));
    expect(delivered).toHaveLength(1);
    expect(
      app.slack
        .postedTo(ids.employee)
        .filter(
          (m) =>
            JSON.stringify(m).includes('Thanks for sharing this story') &&
            JSON.stringify(m).includes('Slack was down'),
        ),
    ).toHaveLength(1);
    expect(
      app.slack
        .postedTo(ids.employee)
        .filter(
          (m) =>
            JSON.stringify(m).includes('approved your customer story') &&
            JSON.stringify(m).includes('Slack was down'),
        ),
    ).toHaveLength(1);
    expect((await db.select().from(stories).where(eq(stories.id, id)))[0]?.cardTs).toBe(card.response.ts);
  });

  it('a story form that comes back without its metadata is told to open again, and saves nothing', async () => {
    await app.command('/story', '', { user_id: ids.employee });
    const view = await opened();
    const before = await app.running.database.db.select().from(stories);
    const response = await app.send.interaction(
      viewSubmission(
        { ...view, private_metadata: 'not json' },
        storyState('Lost its metadata'),
        ids.employee,
      ),
    );
    expect(response.json<{ errors: Record<string, string> }>().errors[storiesIds.body]).toBe(
      FORM_OUT_OF_DATE,
    );
    expect(await app.running.database.db.select().from(stories)).toHaveLength(before.length);
  });
});
