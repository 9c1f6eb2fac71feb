import { describe, expect, it } from 'vitest';
import {
  encodeItemMetadata,
  parseRoadmapCommand,
  readItemSubmission,
  readNoteSubmission,
  readNoteText,
} from '../../../src/features/roadmap/roadmap.forms.js';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { FORM_OUT_OF_DATE } from '../../../src/slack/metadata.js';
import { type StateInput, stateValues } from '../../support/payloads.js';

const filled: Record<string, StateInput> = {
  [roadmapIds.title]: { type: 'plain_text_input', value: '  Refunds in one click ' },
  [roadmapIds.customerChange]: { type: 'plain_text_input', value: 'Money back the same day' },
  [roadmapIds.employeeAsk]: { type: 'plain_text_input', value: '   ' },
  [roadmapIds.stage]: { type: 'static_select', value: '3' },
  [roadmapIds.owner]: { type: 'users_select', user: 'U0EXEC0001' },
  [roadmapIds.status]: { type: 'static_select', value: 'in_progress' },
  [roadmapIds.target]: { type: 'datepicker', date: null },
};

const itemForm = (inputs: Record<string, StateInput>, metadata = encodeItemMetadata(12)) =>
  readItemSubmission({ state: stateValues(inputs), private_metadata: metadata });
const noteForm = (note: string, metadata: string | undefined) =>
  readNoteSubmission({
    state: stateValues({ [roadmapIds.note]: { type: 'plain_text_input', value: note } }),
    private_metadata: metadata,
  });

describe('roadmap forms: Slack in, domain input out', () => {
  it('turns the item modal into the service’s fields and the item it edits (no block IDs past here)', () => {
    expect(itemForm(filled)).toEqual({
      ok: true,
      data: {
        itemId: 12,
        fields: {
          title: 'Refunds in one click',
          status: 'in_progress',
          customerChange: 'Money back the same day',
          employeeAsk: undefined,
          stageId: 3,
          ownerId: 'U0EXEC0001',
          targetDate: undefined,
        },
      },
    });
    expect(itemForm(filled, encodeItemMetadata())).toMatchObject({ ok: true, data: { itemId: undefined } });
  });

  it('keys each problem by the block it belongs under', () => {
    const form = itemForm({
      ...filled,
      [roadmapIds.title]: { type: 'plain_text_input', value: ' ' },
      [roadmapIds.status]: { type: 'static_select', value: null },
      [roadmapIds.customerChange]: { type: 'plain_text_input', value: 'x'.repeat(1001) },
    });
    expect(form.ok).toBe(false);
    if (form.ok) return;
    expect(Object.keys(form.errors).sort()).toEqual(
      [roadmapIds.title, roadmapIds.status, roadmapIds.customerChange].sort(),
    );
    expect(form.errors[roadmapIds.customerChange]).toContain('1,000');
  });

  it('says "open it again" when a form comes back without its metadata, never reading it as a new item', () => {
    for (const damaged of ['', 'not json', '{"itemId":-1}', '{"itemId":"12"}']) {
      expect(itemForm(filled, damaged)).toEqual({
        ok: false,
        errors: { [roadmapIds.title]: FORM_OUT_OF_DATE },
      });
    }
    // Typing cannot fix it, so it shows over the field's own problem.
    const blank = { ...filled, [roadmapIds.title]: { type: 'plain_text_input', value: '' } } as const;
    expect(itemForm(blank, '')).toMatchObject({
      ok: false,
      errors: { [roadmapIds.title]: FORM_OUT_OF_DATE },
    });
    expect(noteForm('Live in Austria', encodeItemMetadata(7))).toEqual({
      ok: true,
      data: { itemId: 7, note: 'Live in Austria' },
    });
    // A note is always about an item: a note form without one is damaged too.
    for (const damaged of [undefined, encodeItemMetadata()]) {
      expect(noteForm('Live in Austria', damaged)).toEqual({
        ok: false,
        errors: { [roadmapIds.note]: FORM_OUT_OF_DATE },
      });
    }
  });

  it('checks a note typed after the command like the note modal does', () => {
    expect(readNoteText('  Live in Austria ')).toEqual({ ok: true, data: 'Live in Austria' });
    expect(readNoteText('x'.repeat(2001))).toMatchObject({
      ok: false,
      errors: { [roadmapIds.note]: expect.stringContaining('2,000') },
    });
    expect(noteForm(' ', encodeItemMetadata(7))).toMatchObject({
      ok: false,
      errors: { [roadmapIds.note]: 'Write the progress note.' },
    });
  });

  it('parses /roadmap’s subcommands', () => {
    expect(parseRoadmapCommand('')).toEqual({ verb: 'list' });
    expect(parseRoadmapCommand('whatever')).toEqual({ verb: 'list' });
    expect(parseRoadmapCommand(' ADD ')).toEqual({ verb: 'add' });
    expect(parseRoadmapCommand('edit #12')).toEqual({ verb: 'edit', itemId: 12 });
    expect(parseRoadmapCommand('edit')).toEqual({ verb: 'edit', itemId: undefined });
    expect(parseRoadmapCommand('note 12 Live in   Austria')).toEqual({
      verb: 'note',
      itemId: 12,
      note: 'Live in Austria',
    });
    expect(parseRoadmapCommand('note #12')).toEqual({ verb: 'note', itemId: 12, note: '' });
  });
});
