import { z } from 'zod';
import type { BlockActionPayload } from '../../slack/payloads.js';
import {
  type FieldErrors,
  readModalMetadata,
  readViewState,
  validateFields,
} from '../../slack/view-state.js';
import { BACK_NOTE_MAX, QUESTION_MAX } from '../rules/rules.schema.js';
import { ruleAftercareIds } from './rule-aftercare.ids.js';

/** Slack's side of the aftercare: button values and the three forms → the service's input. */

const positiveId = z.coerce.number().int().positive();

/** The ID a button carries (a rule, a question or a check); undefined for a forged value. */
export function readIdClick(click: BlockActionPayload): number | undefined {
  const id = positiveId.safeParse(click.actions[0]?.value);
  return id.success ? id.data : undefined;
}

export const askFormMetadata = z.object({ ruleId: z.number().int().positive() });
export const answerFormMetadata = z.object({ questionId: z.number().int().positive() });
export const backFormMetadata = z.object({ checkId: z.number().int().positive() });

/** A required text of at most `max` characters, trimmed, with the messages people read. */
const requiredText = (what: string, max: number) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    z
      .string()
      .min(1, `Write ${what}.`)
      .max(max, `Keep ${what} to ${max.toLocaleString('en-US')} characters or fewer.`),
  );

type Form<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };
type SubmittedView = { state: unknown; private_metadata?: string };

function readForm<M, F extends string>(
  view: SubmittedView,
  metadata: z.ZodType<M>,
  field: F,
  what: string,
  max: number,
): Form<M & { text: string }> {
  const meta = readModalMetadata(metadata, view.private_metadata, field);
  if (!meta.ok) return meta;
  const form = validateFields(z.object({ [field]: requiredText(what, max) }), readViewState(view.state));
  if (!form.ok) return form;
  return { ok: true, data: { ...meta.data, text: String(form.data[field]) } };
}

/** "Ask the submitter": the suggestion and the question. */
export function readAskForm(view: SubmittedView): Form<{ ruleId: number; text: string }> {
  return readForm(view, askFormMetadata, ruleAftercareIds.question, 'your question', QUESTION_MAX);
}

/** The submitter's answer. */
export function readAnswerForm(view: SubmittedView): Form<{ questionId: number; text: string }> {
  return readForm(view, answerFormMetadata, ruleAftercareIds.answer, 'your answer', QUESTION_MAX);
}

/** "It's back" and its note. */
export function readBackForm(view: SubmittedView): Form<{ checkId: number; text: string }> {
  return readForm(
    view,
    backFormMetadata,
    ruleAftercareIds.backNote,
    'where you saw it come back',
    BACK_NOTE_MAX,
  );
}
