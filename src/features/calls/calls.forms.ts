import { z } from 'zod';
import type { BlockActionPayload, ViewSubmissionPayload } from '../../slack/payloads.js';
import {
  type FieldErrors,
  type FieldValue,
  readModalMetadata,
  readViewState,
} from '../../slack/view-state.js';
import { localDateKey } from '../../time.js';
import { callsIds, type FollowUpsDmKind, followUpBlockIds } from './calls.ids.js';
import {
  CALL_KINDS,
  CALL_RESULTS,
  CONTACT_MAX,
  CUSTOMER_MAX,
  DURATION_MAX_MINUTES,
  FOLLOW_UP_MAX,
  LEARNED_MAX,
  MAX_FOLLOW_UPS,
  SENTIMENTS,
} from './calls.schema.js';
import { type CallInput, type CallRefusal, isFutureCallDate, monthlyTargetSchema } from './calls.service.js';

/** Slack's side of calls' forms and clicks: modal state, metadata and action values → the service's input. */

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

type ModalSubmission = ViewSubmissionPayload['view'];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const text = (what: string, max: number, required?: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    (required ? z.string().min(1, required) : z.string()).max(
      max,
      `${what} can be at most ${max.toLocaleString('en-US')} characters.`,
    ),
  );

/** What the call modal carries from open to submit: the logger's zone, so "today" is theirs at submit. */
export const callFormMetadata = z.object({ zone: z.string().min(1) });

const FUTURE_DATE = 'That date is in the future: log a call once it has happened.';
const STAGE_REMOVED = 'That stage was removed — pick another.';

// A follow-up row counts once it has an action; an owner or date without one is ignored.
const followUpRowSchema = z
  .object({
    action: text('A follow-up', FOLLOW_UP_MAX),
    ownerId: z
      .string()
      .regex(/^[UW][A-Z0-9]+$/)
      .optional(),
    dueDate: isoDate.optional(),
  })
  .refine((row) => !row.action || row.ownerId, { path: ['ownerId'], message: 'Who owns this follow-up?' });

/** The call form as the service's input; `today` is the logger's local date (no calls from the future). */
function callFormSchema(today: string) {
  return z
    .object({
      customer: text('The customer', CUSTOMER_MAX, 'Which customer or account?'),
      contact: text('The contact', CONTACT_MAX),
      callDate: z
        .string({ error: 'When was it?' })
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'Pick a date.')
        .refine((date) => !isFutureCallDate(date, today), FUTURE_DATE),
      kind: z.enum(CALL_KINDS, { error: 'Pick what it was.' }),
      result: z.enum(CALL_RESULTS, { error: 'Pick how it went.' }),
      durationMinutes: z.preprocess(
        (value) => (value === undefined || value === '' ? undefined : value),
        z.coerce
          .number({ error: 'Minutes, as a number.' })
          .int('Whole minutes.')
          .min(1, 'At least a minute.')
          .max(DURATION_MAX_MINUTES, `At most ${DURATION_MAX_MINUTES} minutes.`)
          .optional(),
      ),
      stageId: z.string().regex(/^\d+$/).transform(Number).optional(),
      categoryId: z.string().regex(/^\d+$/).transform(Number).optional(),
      learned: text('What we learned', LEARNED_MAX, 'What did you learn? Even one sentence helps.'),
      sentiment: z.enum(SENTIMENTS).optional(),
      shareAsStory: z.array(z.string()).default([]),
      followUps: z.array(followUpRowSchema),
    })
    .transform(
      (form): CallInput => ({
        customer: form.customer,
        contact: form.contact || null,
        callDate: form.callDate,
        kind: form.kind,
        result: form.result,
        durationMinutes: form.durationMinutes ?? null,
        stageId: form.stageId ?? null,
        categoryId: form.categoryId ?? null,
        learned: form.learned,
        sentiment: form.sentiment ?? null,
        shareAsStory: form.shareAsStory.includes('share'),
        followUps: form.followUps.flatMap((row) =>
          row.action && row.ownerId
            ? [{ action: row.action, ownerId: row.ownerId, dueDate: row.dueDate ?? null }]
            : [],
        ),
      }),
    );
}

/** The block of each field of the call form (the follow-ups' are per row: `followUpBlockIds`). */
const callBlocks = {
  customer: callsIds.customer,
  contact: callsIds.contact,
  callDate: callsIds.date,
  kind: callsIds.kind,
  result: callsIds.result,
  durationMinutes: callsIds.duration,
  stageId: callsIds.stage,
  categoryId: callsIds.category,
  learned: callsIds.learned,
  sentiment: callsIds.sentiment,
  shareAsStory: callsIds.share,
} as const;

const followUpBlocks = { action: 'action', ownerId: 'owner', dueDate: 'due' } as const;

/** The block a problem belongs under: `['learned']` → `learned`, `['followUps', 1, 'ownerId']` → `followup_1_owner`. */
function blockOf(path: PropertyKey[]): string | undefined {
  const [field, row, rowField] = path;
  if (field === 'followUps') {
    const part = followUpBlocks[rowField as keyof typeof followUpBlocks];
    return typeof row === 'number' && part ? followUpBlockIds(row)[part] : undefined;
  }
  return callBlocks[field as keyof typeof callBlocks];
}

/**
 * The submitted call modal as the service's input, or one message per field keyed by block ID. Whether
 * the date is after the logger's today is the service's rule; checked here too, so every problem of the
 * form shows at once.
 */
export function readCallForm(view: ModalSubmission, now: Date): FormResult<CallInput> {
  const metadata = readModalMetadata(callFormMetadata, view.private_metadata, callsIds.customer);
  if (!metadata.ok) return metadata;
  const today = localDateKey(now, metadata.data.zone);
  const fields = readViewState(view.state);
  const draft: Record<string, FieldValue | Record<string, FieldValue>[]> = {
    followUps: Array.from({ length: MAX_FOLLOW_UPS }, (_, row) => {
      const blocks = followUpBlockIds(row);
      return { action: fields[blocks.action], ownerId: fields[blocks.owner], dueDate: fields[blocks.due] };
    }),
  };
  for (const [field, blockId] of Object.entries(callBlocks)) draft[field] = fields[blockId];
  const parsed = callFormSchema(today).safeParse(draft);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const blockId = blockOf(issue.path);
    if (blockId && errors[blockId] === undefined) errors[blockId] = issue.message;
  }
  return { ok: false, errors };
}

/** Why the service did not save a call, said under the field to change. */
export function callRefusalErrors(reason: CallRefusal): FieldErrors {
  switch (reason) {
    case 'future_date':
      return { [callsIds.date]: FUTURE_DATE };
    case 'stage_removed':
      return { [callsIds.stage]: STAGE_REMOVED };
    case 'category_removed':
      return { [callsIds.category]: 'That category was removed — pick another.' };
    case 'too_many_follow_ups':
      return { [followUpBlockIds(MAX_FOLLOW_UPS - 1).action]: `At most ${MAX_FOLLOW_UPS} follow-ups.` };
  }
}

/** What the target modal carries from open to submit: whose target it is. */
export const targetFormMetadata = z.object({ userId: z.string() });

/** Said under the target field for anything but a whole number in the setting's range. */
export function targetRangeErrors(): FieldErrors {
  const { minValue, maxValue } = monthlyTargetSchema;
  return { [callsIds.target]: `A whole number of calls a month, from ${minValue} to ${maxValue}.` };
}

/** The submitted target and whose it is; its range is the service's to check. */
export function readTargetForm(view: ModalSubmission): FormResult<{ userId: string; target: number }> {
  const metadata = readModalMetadata(targetFormMetadata, view.private_metadata, callsIds.target);
  if (!metadata.ok) return metadata;
  const value = readViewState(view.state)[callsIds.target];
  const target = z.coerce
    .number()
    .int()
    .safeParse(typeof value === 'string' ? value.trim() || undefined : value);
  if (!target.success) return { ok: false, errors: targetRangeErrors() };
  return { ok: true, value: { userId: metadata.data.userId, target: target.data } };
}

/** The date picked in a nudge's "Pause until…", if it is a date. */
export function readPauseDate(click: BlockActionPayload): string | undefined {
  const picked = isoDate.safeParse(click.actions[0]?.selected_date);
  return picked.success ? picked.data : undefined;
}

const followUpId = z.coerce.number().int().positive();
/** `12|assigned|12,13` (calls.ids.ts `followUpButtonValue`), or `12` from a DM that listed one follow-up. */
const followUpButton = z.union([
  followUpId.transform((id) => ({ id, kind: 'assigned' as const, listed: [id] })),
  z
    .string()
    .regex(/^\d+\|(assigned|due)\|\d+(,\d+)*$/)
    .transform((value) => {
      const [id = '', kind = '', listed = ''] = value.split('|');
      return { id: Number(id), kind: kind as FollowUpsDmKind, listed: listed.split(',').map(Number) };
    }),
]);

/**
 * The follow-up a "Mark done" button is for, and the DM it sits in (why it was sent, what it lists), so
 * the click can redraw that DM; a button in App Home names the follow-up alone.
 */
export function readFollowUpClick(
  click: BlockActionPayload,
): { id: number; kind: FollowUpsDmKind; listed: number[] } | undefined {
  const read = followUpButton.safeParse(click.actions[0]?.value);
  return read.success ? read.data : undefined;
}
