import { z } from 'zod';
import { encodeMetadata } from '../../slack/metadata.js';
import {
  type FieldErrors,
  readModalMetadata,
  readViewState,
  validateFields,
} from '../../slack/view-state.js';
import { type TurnOrigin, turnOriginSchema } from '../links/links.types.js';
import { roadmapIds } from './roadmap.ids.js';
import {
  CUSTOMER_CHANGE_MAX,
  EMPLOYEE_ASK_MAX,
  ITEM_TITLE_MAX,
  PROGRESS_NOTE_MAX,
  ROADMAP_STATUSES,
  WHY_IT_MATTERS_MAX,
} from './roadmap.schema.js';
import type { RoadmapItemFields } from './roadmap.service.js';

/** Slack's side of the roadmap's forms: `/roadmap …` text, modal state and metadata → the service's input. */

/** A form read well (`data`), or its problems keyed by block ID (as `validateFields` gives them). */
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

const trimmed = (value: unknown) => (typeof value === 'string' ? value.trim() : '');

const optionalText = (what: string, max: number) =>
  z.preprocess(
    trimmed,
    z
      .string()
      .max(max, `${what} can be at most ${max.toLocaleString('en-US')} characters.`)
      .transform((text) => text || undefined),
  );

/** The item modal, keyed by its block IDs (errors go back under the field). */
const itemFormSchema = z
  .object({
    [roadmapIds.title]: z.preprocess(
      trimmed,
      z
        .string()
        .min(1, 'Give the item a title.')
        .max(ITEM_TITLE_MAX, `Keep the title to ${ITEM_TITLE_MAX} characters or fewer.`),
    ),
    [roadmapIds.customerChange]: optionalText('What it changes for customers', CUSTOMER_CHANGE_MAX),
    [roadmapIds.employeeAsk]: optionalText('What it asks of employees', EMPLOYEE_ASK_MAX),
    [roadmapIds.stage]: z.string().regex(/^\d+$/).transform(Number).optional(),
    [roadmapIds.category]: z.string().regex(/^\d+$/).transform(Number).optional(),
    [roadmapIds.owner]: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/)
      .optional(),
    [roadmapIds.status]: z.enum(ROADMAP_STATUSES, { error: 'Pick a status.' }),
    [roadmapIds.target]: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date.')
      .optional(),
  })
  .transform(
    (form): RoadmapItemFields => ({
      title: form.title,
      status: form.status,
      customerChange: form.customer_change,
      employeeAsk: form.employee_ask,
      stageId: form.stage,
      categoryId: form.category,
      ownerId: form.owner,
      targetDate: form.target,
    }),
  );

const noteFormSchema = z.object({
  [roadmapIds.note]: z.preprocess(
    trimmed,
    z
      .string()
      .min(1, 'Write the progress note.')
      .max(
        PROGRESS_NOTE_MAX,
        `Keep the note to ${PROGRESS_NOTE_MAX.toLocaleString('en-US')} characters or fewer.`,
      ),
  ),
});

/** The "why this matters" modal: one short text; left empty, it clears what was there. */
const whyFormSchema = z.object({
  [roadmapIds.whyItMatters]: optionalText('Why this matters', WHY_IT_MATTERS_MAX),
});

/** A note typed after `/roadmap note #id`, checked like the note modal's field. */
export function readNoteText(text: string): FormResult<string> {
  const form = validateFields(noteFormSchema, { [roadmapIds.note]: text });
  return form.ok ? { ok: true, data: form.data.note } : form;
}

/** What the item and note modals carry from open to submit: the item they are about (none: a new item). */
const itemMetadata = z.object({
  itemId: z.number().int().positive().optional(),
  /** A new item proposed from a call's learning or follow-up (a one-click turn): linked to it on save. */
  origin: turnOriginSchema.optional(),
});
const noteMetadata = z.object({ itemId: z.number().int().positive() });

export function encodeItemMetadata(itemId?: number, origin?: TurnOrigin): string {
  return encodeMetadata(itemMetadata, {
    ...(itemId === undefined ? {} : { itemId }),
    ...(origin && itemId === undefined ? { origin } : {}),
  });
}

/** The "why this matters" button's value: the item's id. */
export function readWhyButtonValue(value: string | undefined): number | undefined {
  return value && /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

/** A submitted modal: its inputs and the metadata it was opened with. */
interface Submitted {
  state: unknown;
  private_metadata?: string;
}

/** The item form as submitted: what to save, and the item it edits (none: it adds one). */
export function readItemSubmission(
  view: Submitted,
): FormResult<{ itemId: number | undefined; fields: RoadmapItemFields; origin?: TurnOrigin }> {
  const fields = validateFields(itemFormSchema, readViewState(view.state));
  const target = readModalMetadata(itemMetadata, view.private_metadata, roadmapIds.title);
  if (!fields.ok || !target.ok) return { ok: false, errors: { ...errorsOf(fields), ...errorsOf(target) } };
  const { itemId, origin } = target.data;
  return { ok: true, data: { itemId, fields: fields.data, ...(origin ? { origin } : {}) } };
}

/** The note form as submitted: the note, and the item it is about. */
export function readNoteSubmission(view: Submitted): FormResult<{ itemId: number; note: string }> {
  const note = validateFields(noteFormSchema, readViewState(view.state));
  const target = readModalMetadata(noteMetadata, view.private_metadata, roadmapIds.note);
  if (!note.ok || !target.ok) return { ok: false, errors: { ...errorsOf(note), ...errorsOf(target) } };
  return { ok: true, data: { itemId: target.data.itemId, note: note.data.note } };
}

/** The "why this matters" form as submitted: the text (none: cleared), and the item it is about. */
export function readWhySubmission(
  view: Submitted,
): FormResult<{ itemId: number; whyItMatters: string | undefined }> {
  const why = validateFields(whyFormSchema, readViewState(view.state));
  const target = readModalMetadata(noteMetadata, view.private_metadata, roadmapIds.whyItMatters);
  if (!why.ok || !target.ok) return { ok: false, errors: { ...errorsOf(why), ...errorsOf(target) } };
  return { ok: true, data: { itemId: target.data.itemId, whyItMatters: why.data.why_it_matters } };
}

/** A form's errors (none when it read well); a lost metadata's goes last so it shows over the rest. */
function errorsOf(result: FormResult<unknown>): FieldErrors {
  return result.ok ? {} : result.errors;
}

export type RoadmapCommand =
  | { verb: 'list' }
  | { verb: 'add' }
  | { verb: 'edit'; itemId?: number }
  | { verb: 'note'; itemId?: number; note: string }
  | { verb: 'why'; itemId?: number };

/** `#12`, `12` → 12. */
function parseItemRef(text: string): number | undefined {
  const match = /^\s*#?(\d{1,9})\b/.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** `/roadmap`, `/roadmap add`, `/roadmap edit #12`, `/roadmap note #12 shipped in Austria`. */
export function parseRoadmapCommand(text: string): RoadmapCommand {
  const [word = '', ...restWords] = text.trim().split(/\s+/);
  const rest = restWords.join(' ');
  switch (word.toLowerCase()) {
    case 'add':
      return { verb: 'add' };
    case 'edit':
      return { verb: 'edit', itemId: parseItemRef(rest) };
    case 'note':
      return { verb: 'note', itemId: parseItemRef(rest), note: rest.replace(/^\s*#?\d+\s*/, '') };
    case 'why':
      return { verb: 'why', itemId: parseItemRef(rest) };
    default:
      return { verb: 'list' };
  }
}
