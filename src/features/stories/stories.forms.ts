import { z } from 'zod';
import { type FieldErrors, readViewState, validateFields } from '../../slack/view-state.js';
import { storiesIds } from './stories.ids.js';
import { STORY_KINDS } from './stories.schema.js';
import { CUSTOMER_MAX, REVIEW_NOTE_MAX, STORY_MAX, type StoryInput } from './stories.service.js';

/**
 * The stories' Slack forms: modal state and clicks in, the service's domain input out. Problems come
 * back keyed by the modal's block IDs (`response_action: 'errors'`), in the words people see.
 */

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

/** The CX office's edit and reject modals: the story they are about. */
export const reviewMetadata = z.object({ storyId: z.number().int().positive() });

/** Trimmed text (absent is empty), at most `max` characters, and required when `required` is set. */
const text = (what: string, max: number, required?: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim() : ''),
    (required ? z.string().min(1, required) : z.string()).max(
      max,
      `${what} can be at most ${max.toLocaleString('en-US')} characters. Please shorten it.`,
    ),
  );

/** The story form (shared, edited by the CX office), keyed by the modal's block IDs. */
const storyForm = z.object({
  [storiesIds.body]: text('The story', STORY_MAX, 'Tell us what happened.'),
  [storiesIds.customer]: text('The customer', CUSTOMER_MAX),
  [storiesIds.stage]: z.string().regex(/^\d+$/).transform(Number).optional(),
  [storiesIds.category]: z.string().regex(/^\d+$/).transform(Number).optional(),
  [storiesIds.kind]: z.enum(STORY_KINDS, { error: 'Pick what kind of moment it was.' }),
  [storiesIds.shareable]: z.array(z.string()).default([]),
});

export function readStoryForm(state: unknown): FormResult<StoryInput> {
  const form = validateFields(storyForm, readViewState(state));
  if (!form.ok) return form;
  const fields = form.data;
  return {
    ok: true,
    data: {
      body: fields[storiesIds.body],
      customer: fields[storiesIds.customer] || null,
      stageId: fields[storiesIds.stage] ?? null,
      categoryId: fields[storiesIds.category] ?? null,
      kind: fields[storiesIds.kind],
      shareable: fields[storiesIds.shareable].includes('shareable'),
    },
  };
}

/** The reject modal: a note for the teller is required. */
export function readRejectForm(state: unknown): FormResult<{ note: string }> {
  const form = validateFields(
    z.object({
      [storiesIds.note]: text('The note', REVIEW_NOTE_MAX, 'Tell the teller why, kindly: they will read it.'),
    }),
    readViewState(state),
  );
  return form.ok ? { ok: true, data: { note: form.data[storiesIds.note] } } : form;
}

/** The story a review button is about (its value). */
export function storyIdOf(value: string | undefined): number | undefined {
  const parsed = z.coerce.number().int().positive().safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
