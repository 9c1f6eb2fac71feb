import type { Config } from '../../config.js';
import type { Db, Tx } from '../../db/client.js';
import { readSetting, type SettingKey, type SettingValue, settingDefinitions } from './settings.keys.js';
import { putSetting } from './settings.queries.js';
import {
  deleteUnusedJourneyStage,
  insertJourneyStage,
  type JourneyStage,
  listActiveJourneyStages,
  listJourneyStages,
  updateJourneyStage,
} from './stages.queries.js';

/** The CX office's settings: journey stages and company-wide values, and their rules. No Slack here. */

export type { JourneyStage };
/** The journey stages (all, or those people may pick), for every feature's forms and views. */
export { listActiveJourneyStages, listJourneyStages };

/** One line of the stage list, in order. */
export interface StageLine {
  name: string;
  /** "Old -> New" renames a stage, keeping everything tagged with it. */
  renameFrom?: string;
}

/** The company-wide values the CX office sets (each also a stored setting, see settings.keys.ts). */
export interface CompanySettings {
  /** Working days before a suggestion without a decision is late. */
  responseTarget: number;
  /** Customer calls a month expected of an executive without a personal target. */
  callTarget: number;
  nudgeSlot: SettingValue<'calls.nudgeSlot'>;
  /** Cron, in the company time zone. */
  digestSchedule: string;
}

/** What `/touchpoint settings` shows. */
export interface SettingsOverview extends CompanySettings {
  stages: { name: string; retired: boolean }[];
  timeZone: string;
}

/** What the CX office saves: the whole stage list and every value. */
export interface SettingsChange extends CompanySettings {
  stages: StageLine[];
}

/** What is wrong with a change, per field, in words for the person who typed it. */
export type SettingsErrors = Partial<Record<keyof SettingsChange, string>>;

/** Which stored setting holds each company-wide value. */
const SETTING_KEYS = {
  responseTarget: 'rules.responseTargetWorkingDays',
  callTarget: 'calls.defaultMonthlyTarget',
  nudgeSlot: 'calls.nudgeSlot',
  digestSchedule: 'digest.schedule',
} as const satisfies Record<keyof CompanySettings, SettingKey>;
const COMPANY_SETTINGS = Object.keys(SETTING_KEYS) as (keyof CompanySettings)[];

const MAX_STAGES = 30;
const MAX_STAGE_NAME = 60;

export async function readSettings(db: Db, config: Config): Promise<SettingsOverview> {
  const [stages, responseTarget, callTarget, nudgeSlot, digestSchedule] = await Promise.all([
    listJourneyStages(db),
    readSetting(db, config, SETTING_KEYS.responseTarget),
    readSetting(db, config, SETTING_KEYS.callTarget),
    readSetting(db, config, SETTING_KEYS.nudgeSlot),
    readSetting(db, config, SETTING_KEYS.digestSchedule),
  ]);
  return {
    stages: stages.map((stage) => ({ name: stage.name, retired: stage.retiredAt !== null })),
    responseTarget,
    callTarget,
    nudgeSlot,
    digestSchedule,
    timeZone: config.timeZone,
  };
}

/** The stage list: at least one, at most 30, each name at most 60 characters and listed once. */
function checkStageList(lines: StageLine[]): string | undefined {
  const tooLong = lines.find((line) => line.name.length > MAX_STAGE_NAME);
  if (tooLong) return `“${tooLong.name.slice(0, 20)}…” is longer than ${MAX_STAGE_NAME} characters.`;
  if (lines.length === 0) return 'Keep at least one journey stage.';
  if (lines.length > MAX_STAGES) return `At most ${MAX_STAGES} journey stages.`;
  const names = lines.map((line) => line.name.toLowerCase());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  return duplicate ? `“${duplicate}” is listed twice.` : undefined;
}

/** The values as stored, or every rule the change breaks, per field (each value's range: settings.keys.ts). */
function checkSettings(
  change: SettingsChange,
): { ok: true; values: Record<keyof CompanySettings, unknown> } | { ok: false; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const stages = checkStageList(change.stages);
  if (stages) errors.stages = stages;
  const values: Partial<Record<keyof CompanySettings, unknown>> = {};
  for (const field of COMPANY_SETTINGS) {
    const checked = settingDefinitions[SETTING_KEYS[field]].schema.safeParse(change[field]);
    if (checked.success) values[field] = checked.data;
    else errors[field] = checked.error.issues[0]?.message ?? 'Not a valid value.';
  }
  return Object.keys(errors).length > 0
    ? { ok: false, errors }
    : { ok: true, values: values as Record<keyof CompanySettings, unknown> };
}

/**
 * Saves the stage list and every value in one transaction, or nothing when a rule is broken. The stage
 * list renames and reorders in place, adds new stages, brings back retired ones named again, and removes
 * the others: a stage nothing uses is deleted, one in use is retired (never deleted).
 */
export async function saveSettings(
  db: Db,
  change: SettingsChange,
  actorId: string,
  now: Date,
): Promise<{ ok: true } | { ok: false; errors: SettingsErrors }> {
  const checked = checkSettings(change);
  if (!checked.ok) return checked;
  return db.transaction(async (tx) => {
    const stageError = await applyStageList(tx, change.stages, now);
    if (stageError) return { ok: false, errors: { stages: stageError } };
    for (const field of COMPANY_SETTINGS)
      await putSetting(tx, SETTING_KEYS[field], checked.values[field], actorId, now);
    return { ok: true };
  });
}

/** Writes the stage list; a rename of a stage that does not exist is refused before anything is written. */
async function applyStageList(tx: Tx, lines: StageLine[], now: Date): Promise<string | undefined> {
  const existing = await listJourneyStages(tx);
  const byName = (name: string) => existing.find((stage) => stage.name.toLowerCase() === name.toLowerCase());
  const unknown = lines.find((line) => line.renameFrom !== undefined && !byName(line.renameFrom));
  if (unknown) return `There is no stage called “${unknown.renameFrom}” to rename.`;
  const kept = new Set<number>();
  for (const [position, line] of lines.entries()) {
    const stage = byName(line.renameFrom ?? line.name);
    if (stage) {
      kept.add(stage.id);
      await updateJourneyStage(tx, stage.id, { name: line.name, position, retiredAt: null });
    } else {
      await insertJourneyStage(tx, { name: line.name, position });
    }
  }
  for (const stage of existing) {
    if (kept.has(stage.id) || stage.retiredAt !== null) continue;
    if (!(await deleteUnusedJourneyStage(tx, stage.id)))
      await updateJourneyStage(tx, stage.id, { retiredAt: now, position: 1000 + stage.position });
  }
  return undefined;
}
