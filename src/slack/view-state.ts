import { z } from 'zod';
import { decodeMetadata, FORM_OUT_OF_DATE, isMetadataError } from './metadata.js';

/**
 * Reading a submitted modal. Slack sends `view.state.values[block_id][action_id]` with a shape per
 * element type; these helpers flatten it to plain values that a zod schema of the feature then validates.
 * Errors go back to the modal keyed by block_id (`response_action: 'errors'`).
 */

const stateValueSchema = z
  .object({
    type: z.string(),
    value: z.string().nullish(),
    selected_date: z.string().nullish(),
    selected_time: z.string().nullish(),
    selected_user: z.string().nullish(),
    selected_users: z.array(z.string()).nullish(),
    selected_conversation: z.string().nullish(),
    selected_channel: z.string().nullish(),
    selected_option: z.object({ value: z.string() }).nullish(),
    selected_options: z.array(z.object({ value: z.string() })).nullish(),
  })
  .loose();

export const viewStateSchema = z.object({
  values: z.record(z.string(), z.record(z.string(), stateValueSchema)),
});

export type ViewState = z.infer<typeof viewStateSchema>;

/** One input's value: text, a date, a user, an option value, or a list for multi-selects and checkboxes. */
export type FieldValue = string | string[] | undefined;

function fieldValue(entry: z.infer<typeof stateValueSchema>): FieldValue {
  switch (entry.type) {
    case 'checkboxes':
    case 'multi_static_select':
    case 'multi_external_select':
      return (entry.selected_options ?? []).map((option) => option.value);
    case 'multi_users_select':
      return entry.selected_users ?? [];
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return entry.selected_option?.value ?? undefined;
    case 'datepicker':
      return entry.selected_date ?? undefined;
    case 'timepicker':
      return entry.selected_time ?? undefined;
    case 'users_select':
      return entry.selected_user ?? undefined;
    case 'conversations_select':
      return entry.selected_conversation ?? undefined;
    case 'channels_select':
      return entry.selected_channel ?? undefined;
    default:
      return entry.value ?? undefined;
  }
}

/** `{ [block_id]: value }` for every input of the view (each block holds one input element). */
export function readViewState(state: unknown): Record<string, FieldValue> {
  const parsed = viewStateSchema.parse(state);
  const fields: Record<string, FieldValue> = {};
  for (const [blockId, actions] of Object.entries(parsed.values)) {
    const first = Object.values(actions)[0];
    if (first) fields[blockId] = fieldValue(first);
  }
  return fields;
}

export type FieldErrors = Record<string, string>;

/**
 * Validates flattened modal fields with a zod schema whose keys are the block IDs. On failure, returns
 * one friendly message per block (the first issue of each), ready for `ack({ response_action: 'errors' })`.
 */
export function validateFields<T>(
  schema: z.ZodType<T>,
  fields: Record<string, FieldValue>,
): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(fields);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const blockId = String(issue.path[0] ?? '');
    if (blockId !== '' && errors[blockId] === undefined) errors[blockId] = issue.message;
  }
  return { ok: false, errors };
}

/**
 * The `private_metadata` a submitted modal was opened with, or its one problem under `blockId` (same
 * shape as `validateFields`): a form that came back without it (forged, or opened by an older version)
 * is told to open the form again and saves nothing, never read as something else.
 */
export function readModalMetadata<T>(
  schema: z.ZodType<T>,
  raw: string | undefined,
  blockId: string,
): { ok: true; data: T } | { ok: false; errors: FieldErrors } {
  try {
    return { ok: true, data: decodeMetadata(schema, raw) };
  } catch (error) {
    if (!isMetadataError(error)) throw error;
    return { ok: false, errors: { [blockId]: FORM_OUT_OF_DATE } };
  }
}
