import { z } from 'zod';
import { type FieldErrors, type FieldValue, readViewState, validateFields } from '../../slack/view-state.js';
import { settingsIds } from './settings.ids.js';
import {
  isNudgeDay,
  isNudgeTime,
  NUDGE_DAY_PROBLEM,
  NUDGE_TIME_PROBLEM,
  weeklyCron,
} from './settings.keys.js';
import type { CompanySetting, SettingsChange, SettingsErrors, StageLine } from './settings.service.js';

/**
 * The settings modal's fields, turned into a `SettingsChange`: the shape of each field here (a number, a
 * time, the stage list's lines, a nudge on a working-day morning, a day and a time for the weekly update);
 * the product's other rules (ranges, the stage list's limits) are the service's.
 */

/** One stage per line, in order; `Old name -> New name` (or →) renames. Blank lines do not count. */
function stageLines(text: string, ctx: z.RefinementCtx): StageLine[] {
  const lines: StageLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const [from = '', to] = line.split(/\s*(?:->|→)\s*/).map((part) => part.trim());
    const name = to ?? from;
    if (name === '' || from === '') {
      ctx.issues.push({ code: 'custom', message: `“${line}” is not a stage name.`, input: text });
      return z.NEVER;
    }
    lines.push(to === undefined ? { name } : { name, renameFrom: from });
  }
  return lines;
}

const time = (error: string) =>
  z
    .string({ error })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, error)
    .transform((hhmm) => {
      const [hour = 0, minute = 0] = hhmm.split(':').map(Number);
      return { hour, minute };
    });
const weekday = (error: string) => z.coerce.number({ error }).int(error).min(1, error).max(7, error);

const COMPANY_SETTINGS = [
  'responseTarget',
  'quickKillTarget',
  'killByDays',
  'callTarget',
  'nudgeSlot',
  'digestSchedule',
] as const;

/** The longest the stage list may be typed (Slack's own limit for a text input; 30 stages fit well). */
export const STAGE_LIST_MAX_LENGTH = 3_000;
/** The number fields take two digits (the ranges in settings.keys.ts stop at 60 and 31). */
export const SETTING_NUMBER_MAX_LENGTH = 2;

const settingsFormSchema = z.object({
  [settingsIds.stages]: z
    .string({ error: 'Keep at least one journey stage.' })
    .max(
      STAGE_LIST_MAX_LENGTH,
      `Keep the list to ${STAGE_LIST_MAX_LENGTH.toLocaleString('en-US')} characters.`,
    )
    .transform(stageLines),
  [settingsIds.categories]: z
    .string()
    .max(
      STAGE_LIST_MAX_LENGTH,
      `Keep the list to ${STAGE_LIST_MAX_LENGTH.toLocaleString('en-US')} characters.`,
    )
    .optional()
    .transform((text, ctx) => stageLines(text ?? '', ctx)),
  [settingsIds.responseTarget]: z.coerce
    .number({ error: 'A number of working days.' })
    .max(99, 'A number of working days.'),
  // Absent from a form that did not show them: kept as they are.
  [settingsIds.quickKillTarget]: z.coerce
    .number({ error: 'A number of working days.' })
    .max(99, 'A number of working days.')
    .optional(),
  [settingsIds.killByDays]: z.coerce
    .number({ error: 'A number of days.' })
    .max(99, 'A number of days.')
    .optional(),
  [settingsIds.callTarget]: z.coerce.number({ error: 'A number of calls.' }).max(99, 'A number of calls.'),
  [settingsIds.nudgeDay]: weekday('Pick a day.').refine(isNudgeDay, NUDGE_DAY_PROBLEM),
  [settingsIds.nudgeTime]: time('Pick a time.').refine(
    ({ hour, minute }) => isNudgeTime(hour, minute),
    NUDGE_TIME_PROBLEM,
  ),
  // Both or neither (checked below): neither keeps a custom schedule the form cannot show as a day and time.
  [settingsIds.digestDay]: weekday('Pick a day.').optional(),
  [settingsIds.digestTime]: time('Pick a time.').optional(),
  [settingsIds.reset]: z.array(z.enum(COMPANY_SETTINGS)).optional(),
});

/** A weekly update's day without a time, or a time without a day (said with every other problem). */
function halfSchedule(fields: Record<string, FieldValue>): FieldErrors {
  const day = fields[settingsIds.digestDay];
  const at = fields[settingsIds.digestTime];
  if (day !== undefined && at === undefined) return { [settingsIds.digestTime]: 'Pick a time too.' };
  if (day === undefined && at !== undefined) return { [settingsIds.digestDay]: 'Pick a day too.' };
  return {};
}

export function parseSettingsForm(
  state: unknown,
): { ok: true; change: SettingsChange } | { ok: false; errors: FieldErrors } {
  const raw = readViewState(state);
  const validated = validateFields(settingsFormSchema, raw);
  const half = halfSchedule(raw);
  if (!validated.ok || Object.keys(half).length > 0)
    return { ok: false, errors: { ...half, ...(validated.ok ? {} : validated.errors) } };
  const fields = validated.data;
  const digestDay = fields[settingsIds.digestDay];
  const digestTime = fields[settingsIds.digestTime];
  const reset: CompanySetting[] = fields[settingsIds.reset] ?? [];
  const stageOwners = stageOwnersOf(raw);
  return {
    ok: true,
    change: {
      stages: fields[settingsIds.stages],
      // A form without the categories field (never shown) keeps them; an emptied field removes them all.
      ...(settingsIds.categories in raw && { categories: fields[settingsIds.categories] }),
      ...(stageOwners.length > 0 && { stageOwners }),
      responseTarget: fields[settingsIds.responseTarget],
      ...(fields[settingsIds.quickKillTarget] !== undefined && {
        quickKillTarget: fields[settingsIds.quickKillTarget],
      }),
      ...(fields[settingsIds.killByDays] !== undefined && { killByDays: fields[settingsIds.killByDays] }),
      callTarget: fields[settingsIds.callTarget],
      nudgeSlot: { weekday: fields[settingsIds.nudgeDay], ...fields[settingsIds.nudgeTime] },
      ...(digestDay !== undefined &&
        digestTime !== undefined && { digestSchedule: weeklyCron({ weekday: digestDay, ...digestTime }) }),
      ...(reset.length > 0 && { reset }),
    },
  };
}

const userId = z.string().regex(/^[UW][A-Z0-9]+$/);

/** Each stage owner picker in the form (`stage_owner_<stage id>`): its stage and the person (or nobody). */
function stageOwnersOf(raw: Record<string, FieldValue>): { stageId: number; ownerId: string | null }[] {
  return Object.entries(raw).flatMap(([blockId, value]) => {
    if (!blockId.startsWith(settingsIds.stageOwnerPrefix)) return [];
    const stageId = Number(blockId.slice(settingsIds.stageOwnerPrefix.length));
    if (!Number.isInteger(stageId)) return [];
    const owner = userId.safeParse(value);
    return [{ stageId, ownerId: owner.success ? owner.data : null }];
  });
}

/** Where each field's error shows in the modal. */
const BLOCK_OF: Record<keyof SettingsChange, string> = {
  stages: settingsIds.stages,
  categories: settingsIds.categories,
  stageOwners: settingsIds.stages,
  responseTarget: settingsIds.responseTarget,
  quickKillTarget: settingsIds.quickKillTarget,
  killByDays: settingsIds.killByDays,
  callTarget: settingsIds.callTarget,
  nudgeSlot: settingsIds.nudgeTime,
  digestSchedule: settingsIds.digestTime,
  reset: settingsIds.reset,
};

/** The service's errors, keyed by the modal's block IDs (a nudge on a weekend under the day). */
export function settingsErrorsByBlock(errors: SettingsErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([field, error]) => [
      field === 'nudgeSlot' && error === NUDGE_DAY_PROBLEM
        ? settingsIds.nudgeDay
        : BLOCK_OF[field as keyof SettingsChange],
      error,
    ]),
  );
}
