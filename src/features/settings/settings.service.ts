import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { putSetting } from './settings.queries.js';
import { forgetJourneyStages, listActiveJourneyStages, listJourneyStages } from './stages.queries.js';

/** The journey stages (all, or those people may pick), for every feature's forms and views. */
export { listActiveJourneyStages, listJourneyStages };

import { isCronExpression } from '../../time.js';
import { journeyStages } from './stages.schema.js';

/** The CX office's settings: journey stages and company-wide values. No Slack here. */

export interface StageLine {
  name: string;
  /** "Old → New" renames a stage, keeping everything tagged with it. */
  renameFrom?: string;
}

/** One stage per line, in order; `Old name -> New name` (or →) renames. */
export function parseStageLines(
  text: string,
): { ok: true; lines: StageLine[] } | { ok: false; error: string } {
  const lines: StageLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const [from, to] = line.split(/\s*(?:->|→)\s*/);
    const name = (to ?? from ?? '').trim();
    if (name === '' || (to !== undefined && (from ?? '').trim() === ''))
      return { ok: false, error: `“${line}” is not a stage name.` };
    if (name.length > 60)
      return { ok: false, error: `“${name.slice(0, 20)}…” is longer than 60 characters.` };
    lines.push(to === undefined ? { name } : { name, renameFrom: (from ?? '').trim() });
  }
  if (lines.length === 0) return { ok: false, error: 'Keep at least one journey stage.' };
  if (lines.length > 30) return { ok: false, error: 'At most 30 journey stages.' };
  const names = lines.map((line) => line.name.toLowerCase());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate) return { ok: false, error: `“${duplicate}” is listed twice.` };
  return { ok: true, lines };
}

/** The settings form, keyed by the modal's block IDs. */
export const settingsFieldsSchema = z.object({
  stages: z.string({ error: 'Keep at least one journey stage.' }),
  response_target: z.coerce
    .number({ error: 'A number of working days.' })
    .int('A whole number of days.')
    .min(1, 'At least 1 day.')
    .max(60, 'At most 60 days.'),
  call_target: z.coerce
    .number({ error: 'A number of calls.' })
    .int('A whole number.')
    .min(0, 'At least 0.')
    .max(31, 'At most 31 a month.'),
  nudge_day: z.coerce.number().int().min(1).max(7),
  nudge_time: z.string().regex(/^\d{2}:\d{2}$/, 'Pick a time.'),
  digest_schedule: z
    .string({ error: 'A cron expression such as 0 9 * * 1.' })
    .trim()
    .refine(isCronExpression, 'Not a cron expression: for Mondays at 09:00 write 0 9 * * 1.'),
});
export type SettingsFields = z.infer<typeof settingsFieldsSchema>;

/**
 * Applies the stage list: renames and reorders in place, adds new ones, brings back retired ones named
 * again, and removes the others — deleting a stage nothing uses, retiring one in use (never deleted).
 */
async function applyStages(
  tx: Parameters<Parameters<Db['transaction']>[0]>[0],
  lines: StageLine[],
  now: Date,
): Promise<string | undefined> {
  const existing = await tx.select().from(journeyStages);
  const byName = (name: string) => existing.find((stage) => stage.name.toLowerCase() === name.toLowerCase());
  const kept = new Set<number>();
  for (const [position, line] of lines.entries()) {
    const stage = byName(line.renameFrom ?? line.name);
    if (line.renameFrom && !stage) return `There is no stage called “${line.renameFrom}” to rename.`;
    if (stage) {
      kept.add(stage.id);
      await tx
        .update(journeyStages)
        .set({ name: line.name, position, retiredAt: null })
        .where(eq(journeyStages.id, stage.id));
    } else {
      await tx.insert(journeyStages).values({ name: line.name, position });
    }
  }
  for (const stage of existing) {
    if (kept.has(stage.id) || stage.retiredAt !== null) continue;
    try {
      // A savepoint: deleting a stage in use fails on its foreign keys, and then it is retired instead.
      await tx.transaction(async (savepoint) => {
        await savepoint.delete(journeyStages).where(eq(journeyStages.id, stage.id));
      });
    } catch {
      await tx
        .update(journeyStages)
        .set({ retiredAt: now, position: 1000 + stage.position })
        .where(eq(journeyStages.id, stage.id));
    }
  }
  return undefined;
}

export async function saveSettings(
  db: Db,
  input: { fields: SettingsFields; stageLines: StageLine[]; actorId: string },
  now: Date,
): Promise<{ ok: true } | { ok: false; field: 'stages'; error: string }> {
  let stageError: string | undefined;
  return db
    .transaction(async (tx) => {
      stageError = await applyStages(tx, input.stageLines, now);
      if (stageError) tx.rollback();
      const [hour, minute] = input.fields.nudge_time.split(':').map(Number);
      const txDb = tx as unknown as Db;
      await putSetting(
        txDb,
        'rules.responseTargetWorkingDays',
        input.fields.response_target,
        input.actorId,
        now,
      );
      await putSetting(txDb, 'calls.defaultMonthlyTarget', input.fields.call_target, input.actorId, now);
      await putSetting(
        txDb,
        'calls.nudgeSlot',
        { weekday: input.fields.nudge_day, hour, minute },
        input.actorId,
        now,
      );
      await putSetting(txDb, 'digest.schedule', input.fields.digest_schedule, input.actorId, now);
      return { ok: true } as const;
    })
    .catch((error: unknown) => {
      if (stageError) return { ok: false as const, field: 'stages' as const, error: stageError };
      throw error;
    })
    .finally(() => forgetJourneyStages(db));
}
