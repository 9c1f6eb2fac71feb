import { z } from 'zod';
import { formSourceMetadata } from '../../slack/form-request.js';
import { type FieldErrors, type FieldValue, readViewState, validateFields } from '../../slack/view-state.js';
import { turnOriginSchema } from '../links/links.types.js';
import { rulesIds } from './rules.ids.js';
import { EASE_LEVELS, HURTS, IMPACT_LEVELS, LIVES_IN_MAX } from './rules.schema.js';
import {
  type ChangeFailure,
  NOTE_MAX,
  NOTE_REQUIRED,
  type Nomination,
  type NominationResult,
  parseRuleRef,
  REPLACEMENT_MAX,
  RULE_MAX,
  SEARCH_MAX,
  SETTABLE_STATUSES,
  type SettableStatus,
  WHY_MAX,
} from './rules.service.js';
import type { NominationValues } from './rules.views.js';

/**
 * The rules' Slack forms: modal state and clicks in, the service's domain input out. Problems come back
 * keyed by the modal's block IDs (`response_action: 'errors'`), in the words people see.
 */

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

// ---- What a modal carries between open and submit (private_metadata) ---------------------------------

/** The CX office's note and duplicate modals: the nomination, and whether it was opened from App Home. */
export const ruleMetadata = z.object({
  ruleId: z.number().int().positive(),
  /** Opened from App Home: re-render it after the change so the actor sees the result there. */
  fromHome: z.boolean().optional(),
});
export type RuleMetadata = z.infer<typeof ruleMetadata>;

/** The decision modal: also the status it decides. */
export const decisionMetadata = ruleMetadata.extend({ toStatus: z.enum(SETTABLE_STATUSES) });
export type DecisionMetadata = z.infer<typeof decisionMetadata>;

// ---- The nomination -----------------------------------------------------------------------------------

/**
 * The nomination form's metadata: where it was asked from and, for a one-click turn from a call's
 * learning or follow-up, that call or follow-up (the new suggestion is linked to it).
 */
export const nominationMetadata = formSourceMetadata.extend({ origin: turnOriginSchema.optional() });
export type NominationMetadata = z.infer<typeof nominationMetadata>;

const tooLong = (what: string, max: number, value: string) =>
  `${what} can be at most ${max.toLocaleString('en-US')} characters (this one has ${value.length.toLocaleString('en-US')}). Please shorten it.`;

/** Trimmed text (absent is empty), at most `max` characters, and required when `requiredMessage` is set. */
function limitedText(what: string, max: number, requiredMessage?: string) {
  const base = z.string().trim();
  return z.preprocess(
    (value) => value ?? '',
    (requiredMessage ? base.min(1, requiredMessage) : base).superRefine((value, ctx) => {
      if (value.length > max) ctx.addIssue({ code: 'custom', message: tooLong(what, max, value) });
    }),
  );
}

/** The nomination form, keyed by the modal's block IDs. */
const nominationForm = z.object({
  [rulesIds.rule]: limitedText('The rule', RULE_MAX, 'Tell us which rule, policy or process you would kill.'),
  [rulesIds.hurts]: z.enum(HURTS, { error: 'Pick who it hurts: customers, employees or both.' }),
  [rulesIds.why]: limitedText('Why it hurts', WHY_MAX, 'Tell us why it hurts, in a sentence or two.'),
  [rulesIds.stage]: z
    .string()
    .regex(/^\d+$/, 'Pick a journey stage from the list.')
    .transform(Number)
    .optional(),
  [rulesIds.category]: z
    .string()
    .regex(/^\d+$/, 'Pick a touch-point category from the list.')
    .transform(Number)
    .optional(),
  [rulesIds.replacement]: limitedText('The idea', REPLACEMENT_MAX),
  [rulesIds.anonymous]: z.array(z.string()).default([]),
  [rulesIds.livesIn]: limitedText('Where the rule lives', LIVES_IN_MAX),
  [rulesIds.ruleOwner]: z
    .string()
    .regex(/^[UW][A-Z0-9]{2,}$/, 'Pick the person who owns the rule from the list.')
    .optional(),
  [rulesIds.creditOptOut]: z.array(z.string()).default([]),
});

export type NominationDraft = Pick<
  Nomination,
  | 'title'
  | 'hurts'
  | 'why'
  | 'stageId'
  | 'categoryId'
  | 'replacementIdea'
  | 'anonymous'
  | 'livesIn'
  | 'ruleOwnerId'
  | 'creditOptOut'
>;

/** The submitted nomination form as the service's input (the submitter and source are added by the caller). */
export function readNominationForm(state: unknown): FormResult<NominationDraft> {
  const form = validateFields(nominationForm, readViewState(state));
  if (!form.ok) return form;
  const fields = form.data;
  return {
    ok: true,
    data: {
      title: fields[rulesIds.rule],
      hurts: fields[rulesIds.hurts],
      why: fields[rulesIds.why],
      stageId: fields[rulesIds.stage] ?? null,
      categoryId: fields[rulesIds.category] ?? null,
      replacementIdea: fields[rulesIds.replacement] || null,
      anonymous: fields[rulesIds.anonymous].includes('anonymous'),
      livesIn: fields[rulesIds.livesIn] || null,
      ruleOwnerId: fields[rulesIds.ruleOwner] ?? null,
      creditOptOut: fields[rulesIds.creditOptOut].includes('credit_opt_out'),
    },
  };
}

/** What was typed, as typed, to show the form again when saving failed. */
export function typedNomination(state: unknown): NominationValues {
  const fields = readViewState(state);
  const text = (value: FieldValue) => (typeof value === 'string' ? value : undefined);
  const anonymous = fields[rulesIds.anonymous];
  return {
    rule: text(fields[rulesIds.rule]),
    hurts: text(fields[rulesIds.hurts]),
    why: text(fields[rulesIds.why]),
    stage: text(fields[rulesIds.stage]),
    category: text(fields[rulesIds.category]),
    replacement: text(fields[rulesIds.replacement]),
    anonymous: Array.isArray(anonymous) && anonymous.includes('anonymous'),
    livesIn: text(fields[rulesIds.livesIn]),
    ruleOwner: text(fields[rulesIds.ruleOwner]),
    creditOptOut: (() => {
      const optOut = fields[rulesIds.creditOptOut];
      return Array.isArray(optOut) && optOut.includes('credit_opt_out');
    })(),
  };
}

/** A nomination the service refused, said next to the field. */
export function nominationProblem(result: Extract<NominationResult, { ok: false }>): FieldErrors {
  switch (result.reason) {
    case 'stage_not_in_use':
      return { [rulesIds.stage]: 'That stage is no longer in use: pick another.' };
    case 'category_not_in_use':
      return { [rulesIds.category]: 'That category is no longer in use: pick another.' };
  }
}

// ---- The CX office's modals ---------------------------------------------------------------------------

/** The submitter and voters are told every decision's reason. */
const NOTE_NEEDED = 'Please write the reason: the submitter and voters will read it.';

function noteField(required: boolean) {
  return z.preprocess(
    (value) => value ?? '',
    z
      .string()
      .trim()
      .min(required ? 1 : 0, NOTE_NEEDED)
      .max(NOTE_MAX, `Keep the note to ${NOTE_MAX.toLocaleString('en-US')} characters or fewer.`),
  );
}

/** The decision modal's note (required for the decisions the submitter must get a reason for). */
export function readDecisionForm(state: unknown, toStatus: SettableStatus): FormResult<{ note: string }> {
  const form = validateFields(
    z.object({ [rulesIds.note]: noteField(NOTE_REQUIRED.includes(toStatus)) }),
    readViewState(state),
  );
  return form.ok ? { ok: true, data: { note: form.data[rulesIds.note] } } : form;
}

/** The note modal: a note is required. */
export function readNoteForm(state: unknown): FormResult<{ note: string }> {
  const form = validateFields(z.object({ [rulesIds.note]: noteField(true) }), readViewState(state));
  return form.ok ? { ok: true, data: { note: form.data[rulesIds.note] } } : form;
}

/** The duplicate modal: the original's reference (RULE-7, rule 7 or 7) and an optional note. */
export function readDuplicateForm(
  state: unknown,
): FormResult<{ duplicateOfNumber: number; note: string | null }> {
  const fields = readViewState(state);
  const original = fields[rulesIds.duplicateOf];
  const duplicateOfNumber = parseRuleRef(typeof original === 'string' ? original : '');
  if (duplicateOfNumber === undefined) {
    return {
      ok: false,
      errors: { [rulesIds.duplicateOf]: 'Type the reference of the original, e.g. RULE-7.' },
    };
  }
  const form = validateFields(z.object({ [rulesIds.note]: noteField(false) }), fields);
  return form.ok ? { ok: true, data: { duplicateOfNumber, note: form.data[rulesIds.note] || null } } : form;
}

/** What a CX office modal's form yields (the duplicate modal also names the original). */
export interface ChangeInput {
  note: string | null;
  duplicateOfNumber?: number;
}

/**
 * A change the service refused that the person can fix in the modal, said next to the field; undefined
 * for the rest (already done, unchanged, gone), where closing the modal is the answer.
 */
export function changeProblem(reason: ChangeFailure, input: ChangeInput): FieldErrors | undefined {
  switch (reason) {
    case 'note_required':
      return { [rulesIds.note]: NOTE_NEEDED };
    case 'no_such_original':
      return { [rulesIds.duplicateOf]: `There is no RULE-${input.duplicateOfNumber}.` };
    case 'duplicate_of_itself':
      return { [rulesIds.duplicateOf]: 'A nomination cannot be a duplicate of itself.' };
    case 'kill_by_past':
      return { [rulesIds.killBy]: 'That day has passed: pick today or a later date to kill it by.' };
    default:
      return undefined;
  }
}

// ---- Clicks -------------------------------------------------------------------------------------------

/** A rule's ID as carried in a button's value. */
export function ruleIdOf(value: string | undefined): number | undefined {
  const parsed = z.coerce.number().int().positive().safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** The "Set status" select's choice: `<ruleId>:<status>`. */
export function statusChoiceOf(
  value: string | undefined,
): { ruleId: number; toStatus: SettableStatus } | undefined {
  const [id, status] = (value ?? '').split(':');
  const ruleId = ruleIdOf(id);
  const toStatus = z.enum(SETTABLE_STATUSES).safeParse(status);
  return ruleId !== undefined && toStatus.success ? { ruleId, toStatus: toStatus.data } : undefined;
}

// ---- `/killrule search words` ------------------------------------------------------------------------

/** `/killrule search refunds signature` → "refunds signature"; undefined when it is not a search. */
export function searchWordsOf(commandText: string): string | undefined {
  const match = /^\s*search(?:\s+([\s\S]*))?$/i.exec(commandText);
  return match ? (match[1] ?? '').trim().slice(0, SEARCH_MAX) : undefined;
}

/** The search modal carries its words and the page it shows (a "Me too" there re-renders that page). */
export const searchMetadata = z.object({
  words: z.string().max(SEARCH_MAX),
  page: z.number().int().min(1),
});
export type SearchMetadata = z.infer<typeof searchMetadata>;

// ---- Ease × impact and the kill-by date ----------------------------------------------------------------

const KILL_BY_NEEDED = 'Pick the date by which the rule should be gone.';

/** The decision modal when accepting: the kill-by date (required) and an optional note. */
export function readAcceptForm(
  state: unknown,
): FormResult<{ note: string; killBy: string; ownerId: string | null }> {
  const form = validateFields(
    z.object({
      [rulesIds.killBy]: z.string({ error: KILL_BY_NEEDED }).regex(/^\d{4}-\d{2}-\d{2}$/, KILL_BY_NEEDED),
      [rulesIds.decisionOwner]: z
        .string()
        .regex(/^[UW][A-Z0-9]{2,}$/, 'Pick the owner from the list.')
        .optional(),
      [rulesIds.note]: noteField(false),
    }),
    readViewState(state),
  );
  return form.ok
    ? {
        ok: true,
        data: {
          note: form.data[rulesIds.note],
          killBy: form.data[rulesIds.killBy],
          ownerId: form.data[rulesIds.decisionOwner] ?? null,
        },
      }
    : form;
}

/** The card's ease or impact select: `<ruleId>:<level>`, a level of the select clicked. */
export function ratingChoiceOf(
  actionId: string | undefined,
  value: string | undefined,
):
  | { ruleId: number; ease?: (typeof EASE_LEVELS)[number]; impact?: (typeof IMPACT_LEVELS)[number] }
  | undefined {
  const [id, level] = (value ?? '').split(':');
  const ruleId = ruleIdOf(id);
  if (ruleId === undefined) return undefined;
  if (actionId === rulesIds.rateEase) {
    const ease = z.enum(EASE_LEVELS).safeParse(level);
    return ease.success ? { ruleId, ease: ease.data } : undefined;
  }
  if (actionId === rulesIds.rateImpact) {
    const impact = z.enum(IMPACT_LEVELS).safeParse(level);
    return impact.success ? { ruleId, impact: impact.data } : undefined;
  }
  return undefined;
}
