import { Cron } from 'croner';
import type { Config } from '../../config.js';
import type { Db, DbOrTx, Tx } from '../../db/client.js';
import {
  clearSetting,
  parseWeeklySchedule,
  readSettingState,
  type SettingKey,
  type SettingOrigin,
  type SettingState,
  type SettingValue,
  sameSettingValue,
  settingDefinitions,
  type WeeklySlot,
} from './settings.keys.js';
import { putSetting } from './settings.queries.js';
import {
  deleteUnusedJourneyStage,
  deleteUnusedTouchpointCategory,
  insertJourneyStage,
  insertTouchpointCategory,
  type JourneyStage,
  listActiveJourneyStages,
  listJourneyStages,
  listTouchpointCategories,
  type TouchpointCategory,
  updateJourneyStage,
  updateTouchpointCategory,
} from './stages.queries.js';

/** The CX office's settings: journey stages and company-wide values, and their rules. No Slack here. */

export type { JourneyStage, SettingOrigin, SettingState, TouchpointCategory, WeeklySlot };
/** The journey stages (all, or those people may pick), for every feature's forms and views. */
export { listActiveJourneyStages, listJourneyStages, listTouchpointCategories };

/** The touch-point categories people may pick for new items. */
export async function listActiveTouchpointCategories(db: DbOrTx): Promise<TouchpointCategory[]> {
  return (await listTouchpointCategories(db)).filter((category) => category.retiredAt === null);
}

/** Whether a category may be picked for a new or edited item (null: none picked, always fine). */
export async function isActiveCategory(db: DbOrTx, categoryId: number | null): Promise<boolean> {
  if (categoryId === null) return true;
  return (await listActiveTouchpointCategories(db)).some((category) => category.id === categoryId);
}

/** Every category's name by ID (retired ones too: old items keep their tag), for cards and exports. */
export async function touchpointCategoryNames(db: DbOrTx): Promise<Map<number, string>> {
  return new Map((await listTouchpointCategories(db)).map((category) => [category.id, category.name]));
}

/** Every stage's owner by stage ID (only stages that have one), for cards and listings. */
export async function journeyStageOwners(db: DbOrTx): Promise<Map<number, string>> {
  const owners = new Map<number, string>();
  for (const stage of await listJourneyStages(db)) if (stage.ownerId) owners.set(stage.id, stage.ownerId);
  return owners;
}

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
  /** Working days before a quick kill (easy, high impact) without a decision is late: shorter. */
  quickKillTarget: number;
  /** Days from today the kill-by date of an accepted rule defaults to. */
  killByDays: number;
  /** Customer calls a month expected of an executive without a personal target. */
  callTarget: number;
  nudgeSlot: SettingValue<'calls.nudgeSlot'>;
  /** Cron, in the company time zone. */
  digestSchedule: string;
}
export type CompanySetting = keyof CompanySettings;

/** What `/touchpoint settings` shows: each value with where it comes from. */
export interface SettingsOverview {
  stages: { id: number; name: string; retired: boolean; ownerId: string | null }[];
  categories: { name: string; retired: boolean }[];
  timeZone: string;
  responseTarget: SettingState<number>;
  quickKillTarget: SettingState<number>;
  killByDays: SettingState<number>;
  callTarget: SettingState<number>;
  nudgeSlot: SettingState<SettingValue<'calls.nudgeSlot'>>;
  digestSchedule: SettingState<string> & {
    /** The schedule as a day and a time, when it is one; else it is a custom schedule. */
    weekly?: WeeklySlot;
    /** When the next weekly update is due (company zone), if the schedule can be read. */
    nextRun?: Date;
  };
}

/**
 * What the CX office saves: the whole stage list and every value shown. A value equal to the one in
 * effect changes nothing (and is not stored); `reset` puts values back to the server's configuration or
 * the default.
 */
export interface SettingsChange
  extends Omit<CompanySettings, 'digestSchedule' | 'quickKillTarget' | 'killByDays'> {
  /** Undefined keeps it as it is (a form without the field). */
  quickKillTarget?: number;
  killByDays?: number;
  stages: StageLine[];
  /** The touch-point categories, one line each, renamed like the stages (undefined: kept as they are). */
  categories?: StageLine[];
  /** Each active stage's accountable executive (null: none), by stage ID (a rename keeps the ID). */
  stageOwners?: { stageId: number; ownerId: string | null }[];
  /** Undefined keeps the schedule as it is (a custom schedule, shown in words, with no day picked). */
  digestSchedule?: string;
  reset?: CompanySetting[];
}

/** What is wrong with a change, per field, in words for the person who typed it. */
export type SettingsErrors = Partial<Record<keyof SettingsChange, string>>;

/** One value that changed: from what to what, and whether it now follows the configuration or default. */
export type ValueChange = {
  [K in CompanySetting]: {
    field: K;
    from: CompanySettings[K];
    to: CompanySettings[K];
    origin: SettingOrigin;
  };
}[CompanySetting];

/** What a save did to the stage list. */
export interface StagesChanged {
  renamed: { from: string; to: string }[];
  added: string[];
  /** Retired stages listed again. */
  restored: string[];
  /** Removed but in use: kept for what is tagged with them. */
  retired: string[];
  /** Removed and unused. */
  deleted: string[];
  reordered: boolean;
}

/** What a save changed (nothing, when both are empty), for the confirmation. */
export interface SettingsSaved {
  values: ValueChange[];
  stages?: StagesChanged;
  categories?: StagesChanged;
  /** Stages whose owner changed: the stage's name and its new owner (null: nobody now). */
  owners?: { stage: string; ownerId: string | null }[];
}

/** Which stored setting holds each company-wide value. */
const SETTING_KEYS = {
  responseTarget: 'rules.responseTargetWorkingDays',
  quickKillTarget: 'rules.quickKillTargetWorkingDays',
  killByDays: 'rules.killByDays',
  callTarget: 'calls.defaultMonthlyTarget',
  nudgeSlot: 'calls.nudgeSlot',
  digestSchedule: 'digest.schedule',
} as const satisfies Record<CompanySetting, SettingKey>;
const COMPANY_SETTINGS = Object.keys(SETTING_KEYS) as CompanySetting[];

const MAX_STAGES = 30;
const MAX_STAGE_NAME = 60;
const MAX_CATEGORIES = 10;

/** The next run of a cron in the company zone after `now`; undefined when croner cannot read it. */
function nextRunOf(cron: string, timeZone: string, now: Date): Date | undefined {
  try {
    return new Cron(cron, { timezone: timeZone, paused: true }).nextRun(now) ?? undefined;
  } catch {
    return undefined;
  }
}

export async function readSettings(db: Db, config: Config, now: Date): Promise<SettingsOverview> {
  const [
    stages,
    categories,
    responseTarget,
    callTarget,
    nudgeSlot,
    digestSchedule,
    quickKillTarget,
    killByDays,
  ] = await Promise.all([
    listJourneyStages(db),
    listTouchpointCategories(db),
    readSettingState(db, config, SETTING_KEYS.responseTarget),
    readSettingState(db, config, SETTING_KEYS.callTarget),
    readSettingState(db, config, SETTING_KEYS.nudgeSlot),
    readSettingState(db, config, SETTING_KEYS.digestSchedule),
    readSettingState(db, config, SETTING_KEYS.quickKillTarget),
    readSettingState(db, config, SETTING_KEYS.killByDays),
  ]);
  const weekly = parseWeeklySchedule(digestSchedule.value);
  const nextRun = nextRunOf(digestSchedule.value, config.timeZone, now);
  return {
    stages: stages.map((stage) => ({
      id: stage.id,
      name: stage.name,
      retired: stage.retiredAt !== null,
      ownerId: stage.ownerId,
    })),
    categories: categories.map((category) => ({
      name: category.name,
      retired: category.retiredAt !== null,
    })),
    responseTarget,
    quickKillTarget,
    killByDays,
    callTarget,
    nudgeSlot,
    digestSchedule: { ...digestSchedule, ...(weekly && { weekly }), ...(nextRun && { nextRun }) },
    timeZone: config.timeZone,
  };
}

/** The stage list: at least one, at most 30, each name at most 60 characters and listed once. */
function checkStageList(lines: StageLine[]): string | undefined {
  const tooLong = lines.find((line) => line.name.length > MAX_STAGE_NAME);
  if (tooLong) return `“${tooLong.name.slice(0, 20)}…” is longer than ${MAX_STAGE_NAME} characters.`;
  if (lines.length === 0) return 'Keep at least one journey stage.';
  if (lines.length > MAX_STAGES) return `At most ${MAX_STAGES} journey stages.`;
  return listedTwice(lines);
}

/** The category list: may be empty (the tag is optional), at most 10, names as for stages. */
function checkCategoryList(lines: StageLine[]): string | undefined {
  const tooLong = lines.find((line) => line.name.length > MAX_STAGE_NAME);
  if (tooLong) return `“${tooLong.name.slice(0, 20)}…” is longer than ${MAX_STAGE_NAME} characters.`;
  if (lines.length > MAX_CATEGORIES) return `At most ${MAX_CATEGORIES} touch-point categories.`;
  return listedTwice(lines);
}

function listedTwice(lines: StageLine[]): string | undefined {
  const names = lines.map((line) => line.name.toLowerCase());
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  return duplicate ? `“${duplicate}” is listed twice.` : undefined;
}

/**
 * The values as they would be stored (undefined: keep as is), or every rule the change breaks, per field
 * (each value's range: settings.keys.ts). A value being reset is not checked: it is not kept.
 */
function checkSettings(
  change: SettingsChange,
): { ok: true; values: Partial<Record<CompanySetting, unknown>> } | { ok: false; errors: SettingsErrors } {
  const errors: SettingsErrors = {};
  const stages = checkStageList(change.stages);
  if (stages) errors.stages = stages;
  const categories = change.categories && checkCategoryList(change.categories);
  if (categories) errors.categories = categories;
  const values: Partial<Record<CompanySetting, unknown>> = {};
  for (const field of COMPANY_SETTINGS) {
    if (change.reset?.includes(field) || change[field] === undefined) continue;
    const checked = settingDefinitions[SETTING_KEYS[field]].schema.safeParse(change[field]);
    if (checked.success) values[field] = checked.data;
    else errors[field] = checked.error.issues[0]?.message ?? 'Not a valid value.';
  }
  // The quick-kill lane is faster than the others: its target is shorter than the response target.
  const quick = values.quickKillTarget;
  const normal = change.reset?.includes('responseTarget') ? undefined : values.responseTarget;
  if (typeof quick === 'number' && typeof normal === 'number' && quick >= normal)
    errors.quickKillTarget = `Shorter than the response target (${normal} working days).`;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, values };
}

/**
 * Saves the stage list and the values that changed in one transaction, or nothing when a rule is broken.
 * Only a value different from the one in effect is stored; one equal to the configuration's or the
 * default is not stored (the stored one is removed), so a later change of the environment still applies.
 * The stage list renames and reorders in place, adds new stages, brings back retired ones named again,
 * and removes the others: a stage nothing uses is deleted, one in use is retired (never deleted).
 */
export async function saveSettings(
  db: Db,
  config: Config,
  change: SettingsChange,
  actorId: string,
  now: Date,
): Promise<{ ok: true; saved: SettingsSaved } | { ok: false; errors: SettingsErrors }> {
  const checked = checkSettings(change);
  if (!checked.ok) return checked;
  return db.transaction(async (tx) => {
    const stages = await applyTagList(tx, change.stages, now, STAGE_LIST);
    if (typeof stages === 'string') return { ok: false, errors: { stages } };
    const categories = change.categories && (await applyTagList(tx, change.categories, now, CATEGORY_LIST));
    if (typeof categories === 'string') return { ok: false, errors: { categories } };
    const owners = await applyStageOwners(tx, change.stageOwners ?? []);
    const values: ValueChange[] = [];
    for (const field of COMPANY_SETTINGS) {
      const reset = change.reset?.includes(field) ?? false;
      const value = checked.values[field];
      if (!reset && value === undefined) continue;
      const changed = await applyValue(tx, config, field, reset ? undefined : value, actorId, now);
      if (changed) values.push(changed);
    }
    return {
      ok: true,
      saved: {
        values,
        ...(stages && { stages }),
        ...(categories && { categories }),
        ...(owners.length > 0 && { owners }),
      },
    };
  });
}

/** Stores, or forgets (`undefined`: back to the configuration or default), one value; what changed. */
async function applyValue(
  tx: Tx,
  config: Config,
  field: CompanySetting,
  value: unknown,
  actorId: string,
  now: Date,
): Promise<ValueChange | undefined> {
  const key = SETTING_KEYS[field];
  const state = await readSettingState(tx, config, key);
  const same = (a: unknown, b: unknown) => sameSettingValue(key, a as never, b as never);
  const change = (to: unknown, origin: SettingOrigin) =>
    ({ field, from: state.value, to, origin }) as ValueChange;
  if (value === undefined || same(value, state.fallback)) {
    // Back to the configuration or the default: said even when the value stays, since it follows it now.
    const cleared = await clearSetting(tx, key);
    return cleared ? change(state.fallback, state.fallbackOrigin) : undefined;
  }
  if (same(value, state.value)) return undefined;
  await putSetting(tx, key, value, actorId, now);
  return change(value, 'slack');
}

/** Sets each stage's owner that changed; the stages whose owner changed, by their (new) names. */
async function applyStageOwners(
  tx: Tx,
  owners: { stageId: number; ownerId: string | null }[],
): Promise<{ stage: string; ownerId: string | null }[]> {
  const stages = await listJourneyStages(tx);
  const changed: { stage: string; ownerId: string | null }[] = [];
  for (const { stageId, ownerId } of owners) {
    const stage = stages.find((s) => s.id === stageId);
    if (!stage || stage.ownerId === ownerId) continue;
    await updateJourneyStage(tx, stage.id, { ownerId });
    changed.push({ stage: stage.name, ownerId });
  }
  return changed;
}

/** A list of named tags (the journey stages, the touch-point categories) and how to change it. */
interface TagList {
  noun: string;
  list(tx: Tx): Promise<{ id: number; name: string; position: number; retiredAt: Date | null }[]>;
  insert(tx: Tx, tag: { name: string; position: number }): Promise<void>;
  update(
    tx: Tx,
    id: number,
    change: { name?: string; position?: number; retiredAt?: Date | null },
  ): Promise<void>;
  deleteUnused(tx: Tx, id: number): Promise<boolean>;
}

const STAGE_LIST: TagList = {
  noun: 'stage',
  list: listJourneyStages,
  insert: insertJourneyStage,
  update: updateJourneyStage,
  deleteUnused: deleteUnusedJourneyStage,
};

const CATEGORY_LIST: TagList = {
  noun: 'category',
  list: listTouchpointCategories,
  insert: insertTouchpointCategory,
  update: updateTouchpointCategory,
  deleteUnused: deleteUnusedTouchpointCategory,
};

/**
 * Writes a tag list (stages or categories) and says what changed (undefined: nothing); a rename of one
 * that does not exist is refused (its words returned) before anything is written.
 */
async function applyTagList(
  tx: Tx,
  lines: StageLine[],
  now: Date,
  tags: TagList,
): Promise<StagesChanged | string | undefined> {
  const existing = await tags.list(tx);
  const byName = (name: string) => existing.find((stage) => stage.name.toLowerCase() === name.toLowerCase());
  const unknown = lines.find((line) => line.renameFrom !== undefined && !byName(line.renameFrom));
  if (unknown) return `There is no ${tags.noun} called “${unknown.renameFrom}” to rename.`;
  const changed: StagesChanged = {
    renamed: [],
    added: [],
    restored: [],
    retired: [],
    deleted: [],
    reordered: false,
  };
  const kept: number[] = [];
  for (const [position, line] of lines.entries()) {
    const stage = byName(line.renameFrom ?? line.name);
    if (!stage) {
      await tags.insert(tx, { name: line.name, position });
      changed.added.push(line.name);
      continue;
    }
    kept.push(stage.id);
    if (stage.name !== line.name) changed.renamed.push({ from: stage.name, to: line.name });
    if (stage.retiredAt !== null) changed.restored.push(line.name);
    if (stage.name !== line.name || stage.position !== position || stage.retiredAt !== null)
      await tags.update(tx, stage.id, { name: line.name, position, retiredAt: null });
  }
  for (const stage of existing) {
    if (kept.includes(stage.id) || stage.retiredAt !== null) continue;
    if (await tags.deleteUnused(tx, stage.id)) changed.deleted.push(stage.name);
    else {
      await tags.update(tx, stage.id, { retiredAt: now, position: 1000 + stage.position });
      changed.retired.push(stage.name);
    }
  }
  // Reordered: the stages that were and stay active are not in the order they were.
  const before = existing.filter((stage) => stage.retiredAt === null && kept.includes(stage.id));
  const after = kept.filter((id) => before.some((stage) => stage.id === id));
  changed.reordered = before.some((stage, i) => stage.id !== after[i]);
  const { reordered, ...lists } = changed;
  return reordered || Object.values(lists).some((list) => list.length > 0) ? changed : undefined;
}
