import { z } from 'zod';
import { type FieldErrors, readViewState, validateFields } from '../../slack/view-state.js';
import { settingsIds } from './settings.ids.js';
import type { SettingsChange, SettingsErrors, StageLine } from './settings.service.js';

/**
 * The settings modal's fields, turned into a `SettingsChange`: the shape of each field here (a number, a
 * time, the stage list's lines); the product's rules (ranges, the stage list's limits, a valid cron) are
 * the service's.
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

const settingsFormSchema = z.object({
  [settingsIds.stages]: z.string({ error: 'Keep at least one journey stage.' }).transform(stageLines),
  [settingsIds.responseTarget]: z.coerce.number({ error: 'A number of working days.' }),
  [settingsIds.callTarget]: z.coerce.number({ error: 'A number of calls.' }),
  [settingsIds.nudgeDay]: z.coerce.number().int(),
  [settingsIds.nudgeTime]: z.string({ error: 'Pick a time.' }).regex(/^\d{2}:\d{2}$/, 'Pick a time.'),
  [settingsIds.digestSchedule]: z.string({ error: 'A cron expression such as 0 9 * * 1.' }).trim(),
});

export function parseSettingsForm(
  state: unknown,
): { ok: true; change: SettingsChange } | { ok: false; errors: FieldErrors } {
  const validated = validateFields(settingsFormSchema, readViewState(state));
  if (!validated.ok) return validated;
  const fields = validated.data;
  const [hour = 0, minute = 0] = fields[settingsIds.nudgeTime].split(':').map(Number);
  return {
    ok: true,
    change: {
      stages: fields[settingsIds.stages],
      responseTarget: fields[settingsIds.responseTarget],
      callTarget: fields[settingsIds.callTarget],
      nudgeSlot: { weekday: fields[settingsIds.nudgeDay], hour, minute },
      digestSchedule: fields[settingsIds.digestSchedule],
    },
  };
}

/** Where each field's error shows in the modal. */
const BLOCK_OF: Record<keyof SettingsChange, string> = {
  stages: settingsIds.stages,
  responseTarget: settingsIds.responseTarget,
  callTarget: settingsIds.callTarget,
  nudgeSlot: settingsIds.nudgeTime,
  digestSchedule: settingsIds.digestSchedule,
};

/** The service's errors, keyed by the modal's block IDs. */
export function settingsErrorsByBlock(errors: SettingsErrors): FieldErrors {
  return Object.fromEntries(
    Object.entries(errors).map(([field, error]) => [BLOCK_OF[field as keyof SettingsChange], error]),
  );
}
