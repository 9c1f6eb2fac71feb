import { z } from 'zod';
import type { BlockActionPayload } from '../../slack/payloads.js';
import {
  type FieldErrors,
  readModalMetadata,
  readViewState,
  validateFields,
} from '../../slack/view-state.js';
import { ANSWER_OF_ACTION, checksIds } from './checks.ids.js';
import { CHECK_ANSWERS, CHECK_WHY_MAX, type CheckAnswer } from './checks.schema.js';

/** Slack's side of the check: button values and the why form → the service's input. */

const checkId = z.coerce.number().int().positive();

/** The question an answer button is for, and the answer it gives; undefined for a forged value. */
export function readAnswerClick(
  click: BlockActionPayload,
): { checkId: number; answer: CheckAnswer } | undefined {
  const action = click.actions[0];
  const answer = action ? ANSWER_OF_ACTION[action.action_id] : undefined;
  const id = checkId.safeParse(action?.value);
  return answer && id.success ? { checkId: id.data, answer } : undefined;
}

/** The question an "Add why" button is for. */
export function readWhyClick(click: BlockActionPayload): number | undefined {
  const id = checkId.safeParse(click.actions[0]?.value);
  return id.success ? id.data : undefined;
}

/** What the why form carries between open and submit. */
export const whyFormMetadata = z.object({ checkId: z.number().int().positive() });

const whyFormSchema = z.object({
  [checksIds.answer]: z.enum(CHECK_ANSWERS, { error: 'Pick an answer.' }),
  [checksIds.why]: z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    z
      .string()
      .max(CHECK_WHY_MAX, `Keep the why to ${CHECK_WHY_MAX.toLocaleString('en-US')} characters or fewer.`)
      .transform((text) => text || null),
  ),
});

/** The why form: the question it is about, the answer and the why (null: none), or its problems by block ID. */
export function readWhyForm(view: {
  state: unknown;
  private_metadata?: string;
}):
  | { ok: true; data: { checkId: number; answer: CheckAnswer; why: string | null } }
  | { ok: false; errors: FieldErrors } {
  const metadata = readModalMetadata(whyFormMetadata, view.private_metadata, checksIds.why);
  if (!metadata.ok) return metadata;
  const form = validateFields(whyFormSchema, readViewState(view.state));
  if (!form.ok) return form;
  return {
    ok: true,
    data: {
      checkId: metadata.data.checkId,
      answer: form.data[checksIds.answer],
      why: form.data[checksIds.why],
    },
  };
}
