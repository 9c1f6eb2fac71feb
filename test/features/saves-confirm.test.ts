import { describe, expect, it } from 'vitest';
import { callsIds } from '../../src/features/calls/calls.ids.js';
import { roadmapIds } from '../../src/features/roadmap/roadmap.ids.js';
import { roadmapItems } from '../../src/features/roadmap/roadmap.schema.js';
import { rulesIds } from '../../src/features/rules/rules.ids.js';
import { storiesIds } from '../../src/features/stories/stories.ids.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { blockActions, ids, type StateInput, viewSubmission } from '../support/payloads.js';
import { useTestApp } from '../support/test-app.js';
import {
  addNoteFromCard,
  cardClick,
  decideWithNote,
  markDuplicateFromCard,
  nominateAndWaitForCard,
} from './rules/rules.helpers.js';

// Every save tells the person who saved what was saved, once: the CX office's forms turn into a "Saved: …"
// view (response_action: update); the call form closes and its one DM says what was saved.

type Answer = {
  response_action?: string;
  view?: { title: { text: string }; blocks: { block_id?: string; text?: { text: string } }[] };
};
type View = { id: string; callback_id: string; private_metadata: string; blocks: unknown[] };
const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});

/** What a submission's answer says in its confirmation block. */
function confirmation(response: { json<T>(): T } | undefined, blockId: string): string {
  const answer = response?.json<Answer>();
  expect(answer?.response_action).toBe('update');
  return answer?.view?.blocks.find((b) => b.block_id === blockId)?.text?.text ?? '';
}

describe('every save confirms what was saved', () => {
  const app = useTestApp();

  it('a decision, a note and a duplicate: the CX office’s modal turns into what changed and who hears about it', async () => {
    const target = await nominateAndWaitForCard(app, { rule: 'Receipts must be printed' });
    await app.send.interaction(
      cardClick(
        app,
        target.rule.id,
        target.cardTs,
        { action_id: rulesIds.vote, value: String(target.rule.id) },
        ids.otherEmployee,
      ),
    );
    await app.whenIdle();
    const ref = `RULE-${target.rule.number}`;

    const note = await addNoteFromCard(
      app,
      { ruleId: target.rule.id, cardTs: target.cardTs },
      'Looking into it',
    );
    expect(confirmation(note.response, rulesIds.changeSaved)).toBe(
      // A note reaches the submitter only: voters hear of status changes, in their daily summary.
      `:white_check_mark: Saved: your note on *${ref}* “Receipts must be printed”.\nThe person who suggested it hears about it now, and the card in the backlog channel shows it.`,
    );

    const decided = await decideWithNote(
      app,
      { ruleId: target.rule.id, cardTs: target.cardTs },
      'killed',
      'Gone from policy v2',
    );
    const said = confirmation(decided.response, rulesIds.changeSaved);
    expect(said).toContain(`Saved: *${ref}* “Receipts must be printed” moved from *New* to *Killed*.`);
    expect(said).toContain(
      'The person who suggested it hears about it now; 1 person who backed it gets it in their daily summary',
    );
    // A replayed submission (Slack retried, a double click) changes nothing and says so.
    const again = await decided.submit('Gone from policy v2');
    expect(confirmation(again, rulesIds.changeSaved)).toBe(
      'This was saved already; nothing changed a second time.',
    );

    const copy = await nominateAndWaitForCard(app, { user: ids.otherEmployee, rule: 'Print every receipt' });
    const merged = await markDuplicateFromCard(
      app,
      { ruleId: copy.rule.id, cardTs: copy.cardTs },
      target.rule.number,
    );
    expect(confirmation(merged.response, rulesIds.changeSaved)).toContain(
      `Saved: *RULE-${copy.rule.number}* “Print every receipt” is a duplicate of *${ref}*, and its votes count there now.`,
    );
    // The confirmation is the answer; nothing more reaches the person who saved.
    await app.whenIdle();
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.cxOfficer)).toEqual([]);
  });

  it('a story rejected or edited by the CX office: the modal says what was saved', async () => {
    await app.command('/story', 'The courier waited while she found her glasses', { user_id: ids.employee });
    const form = (await app.slack.waitFor('views.open')).response.view as View;
    const story: Record<string, StateInput> = {
      [storiesIds.body]: {
        type: 'plain_text_input',
        value: 'The courier waited while she found her glasses',
      },
      [storiesIds.customer]: { type: 'plain_text_input', value: null },
      [storiesIds.stage]: { type: 'static_select', value: null },
      [storiesIds.kind]: { type: 'radio_buttons', value: 'delighted' },
      [storiesIds.shareable]: { type: 'checkboxes', values: [] },
    };
    await app.send.interaction(viewSubmission(form, story, ids.employee));
    const card = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.backlogChannel && text(c).includes('courier'),
    );
    const storyId = Number(/"value":"(\d+)"/.exec(text(card))?.[1]);
    const click = (actionId: string) =>
      app.send.interaction(
        blockActions(
          { action_id: actionId, value: String(storyId), block_id: `${storiesIds.cardActions}.${storyId}` },
          {
            user: ids.cxOfficer,
            channel: ids.backlogChannel,
            messageTs: String(card.response.ts),
            responseUrl: app.slack.responseUrl(),
          },
        ),
      );

    app.slack.calls.length = 0;
    await click(storiesIds.edit);
    const edit = (await app.slack.waitFor('views.open')).response.view as View;
    const edited = await app.send.interaction(
      viewSubmission(
        edit,
        {
          ...story,
          [storiesIds.body]: { type: 'plain_text_input', value: 'The courier waited ten minutes' },
        },
        ids.cxOfficer,
      ),
    );
    expect(confirmation(edited, storiesIds.reviewSaved)).toBe(
      `:white_check_mark: Saved: your edit of the story “The courier waited ten minutes” told by <@${ids.employee}>. Its card in the backlog channel shows it.`,
    );

    app.slack.calls.length = 0;
    await click(storiesIds.reject);
    const reject = (await app.slack.waitFor('views.open')).response.view as View;
    const rejected = await app.send.interaction(
      viewSubmission(
        reject,
        { [storiesIds.note]: { type: 'plain_text_input', value: 'Not for sharing' } },
        ids.cxOfficer,
      ),
    );
    expect(confirmation(rejected, storiesIds.reviewSaved)).toContain(
      'Saved: the story “The courier waited ten minutes”',
    );
    expect(confirmation(rejected, storiesIds.reviewSaved)).toContain('is rejected. Its teller hears why');
    // Rejected already: a second reject changes nothing and says so.
    const twice = await app.send.interaction(
      viewSubmission(
        { ...reject, id: 'V0AGAIN001' },
        { [storiesIds.note]: { type: 'plain_text_input', value: 'Again' } },
        ids.cxOfficer,
      ),
    );
    expect(confirmation(twice, storiesIds.reviewSaved)).toContain('Nothing changed');
  });

  it('a logged call: the form closes and the one thank-you DM says what was saved', async () => {
    app.slack.calls.length = 0;
    await app.command('/logcall', '', { user_id: ids.executive });
    const form = (await app.slack.waitFor('views.open')).response.view as View;
    const today = new Date().toISOString().slice(0, 10);
    const followUp = (
      row: number,
      action: string | null,
      owner: string | null,
    ): Record<string, StateInput> => ({
      [`followup_${row}`]: { type: 'plain_text_input', value: action },
      [`followup_${row}_owner`]: { type: 'users_select', user: owner },
      [`followup_${row}_due`]: { type: 'datepicker', date: null },
    });
    const response = await app.send.interaction(
      viewSubmission(
        form,
        {
          [callsIds.customer]: { type: 'plain_text_input', value: 'ACME GmbH' },
          [callsIds.contact]: { type: 'plain_text_input', value: null },
          [callsIds.date]: { type: 'datepicker', date: today },
          [callsIds.kind]: { type: 'static_select', value: 'visit' },
          [callsIds.result]: { type: 'static_select', value: 'reached' },
          [callsIds.duration]: { type: 'plain_text_input', value: null },
          [callsIds.stage]: { type: 'static_select', value: null },
          [callsIds.learned]: { type: 'plain_text_input', value: 'Invoices confuse them' },
          [callsIds.sentiment]: { type: 'radio_buttons', value: 'negative' },
          ...followUp(0, 'Send the simpler invoice', ids.employee),
          ...followUp(1, 'Call their finance team', ids.otherEmployee),
          ...followUp(2, null, null),
          [callsIds.share]: { type: 'checkboxes', values: ['share'] },
        },
        ids.executive,
      ),
    );
    expect(response.status).toBe(200);
    await app.whenIdle();
    const toLogger = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.executive);
    expect(toLogger).toHaveLength(1);
    const dm = text(toLogger[0]);
    expect(dm).toContain('Thanks for talking to *ACME GmbH*');
    expect(dm).toContain('Saved: your visit on');
    expect(dm).toContain(`2 follow-ups: <@${ids.employee}> and <@${ids.otherEmployee}> hear about them.`);
    expect(dm).toContain('Shared as a customer story: the CX office reviews it first.');
  });

  it('a roadmap note saved from its form says what was saved', async () => {
    const [item] = await app.running.database.db
      .insert(roadmapItems)
      .values({
        title: 'Refunds in one click',
        createdBy: ids.cxOfficer,
        idempotencyKey: 'saves-roadmap-1',
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning();
    app.slack.calls.length = 0;
    await app.command('/roadmap', `note #${item?.id}`, { user_id: ids.cxOfficer });
    const form = (await app.slack.waitFor('views.open')).response.view as View;
    const saved = await app.send.interaction(
      viewSubmission(
        form,
        { [roadmapIds.note]: { type: 'plain_text_input', value: 'Live for 10% of customers' } },
        ids.cxOfficer,
      ),
    );
    expect(confirmation(saved, roadmapIds.noteSaved)).toBe(
      `:white_check_mark: Saved: your note on #${item?.id}. It will be in the next weekly update.`,
    );
  });
});
