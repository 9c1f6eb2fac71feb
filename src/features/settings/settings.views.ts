import type { InputBlock, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { context, option, plain, savedModal, section } from '../../slack/blocks.js';
import { slackDateTime, zoneInWords } from '../../slack/dates.js';
import { escapeAndTruncate, escapeMrkdwn, userMention } from '../../slack/mrkdwn.js';
import { countOf } from '../../slack/plural.js';
import { SETTING_NUMBER_MAX_LENGTH, STAGE_LIST_MAX_LENGTH } from './settings.forms.js';
import { settingsIds } from './settings.ids.js';
import { parseWeeklySchedule, type SettingOrigin, type WeeklySlot } from './settings.keys.js';
import type {
  CompanySetting,
  SettingState,
  SettingsOverview,
  SettingsSaved,
  StagesChanged,
  ValueChange,
} from './settings.service.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

const twoDigits = (n: number) => String(n).padStart(2, '0');
const clock = (slot: { hour: number; minute: number }) => `${twoDigits(slot.hour)}:${twoDigits(slot.minute)}`;
const slotText = (slot: WeeklySlot) => `${DAYS[slot.weekday - 1] ?? '?'} ${clock(slot)}`;
const scheduleText = (cron: string) => {
  const weekly = parseWeeklySchedule(cron);
  return weekly ? slotText(weekly) : 'a custom schedule';
};

/** Each value in words, as the settings modal and its confirmation say it. */
const VALUE_TEXT: { [K in CompanySetting]: (value: SettingsOverview[K]['value']) => string } = {
  responseTarget: (days) => countOf(days, 'working day'),
  quickKillTarget: (days) => countOf(days, 'working day'),
  killByDays: (days) => countOf(days, 'day'),
  callTarget: (calls) => `${countOf(calls, 'call')} a month`,
  nudgeSlot: slotText,
  digestSchedule: scheduleText,
};

// Where a value comes from, said without naming any variable: people in Slack never see the server's setup.
const ORIGIN_TEXT: Record<SettingOrigin, string> = {
  slack: 'set here in Slack',
  environment: 'from the server’s configuration',
  default: 'the default',
};

/** The hint under a value: where it comes from, and what applies without the value set here. */
function originHint<K extends CompanySetting>(field: K, state: SettingState<SettingsOverview[K]['value']>) {
  const text = VALUE_TEXT[field] as (value: SettingsOverview[K]['value']) => string;
  if (state.origin !== 'slack') return `This is ${ORIGIN_TEXT[state.origin]}.`;
  return `Set here in Slack. Without it: ${text(state.fallback)}, ${ORIGIN_TEXT[state.fallbackOrigin]}.`;
}

/** A text input whose action ID is its block ID (the form reads it by block). */
function textInput(
  blockId: string,
  label: string,
  initial: string,
  options: { hint?: string; multiline?: boolean; maxLength: number; optional?: boolean },
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    ...(options.optional && { optional: true }),
    label: plain(label),
    ...(options.hint ? { hint: plain(options.hint) } : {}),
    element: {
      type: 'plain_text_input',
      action_id: blockId,
      initial_value: initial.slice(0, options.maxLength),
      multiline: options.multiline ?? false,
      max_length: options.maxLength,
    },
  };
}

function dayInput(
  blockId: string,
  label: string,
  days: number,
  initial: number | undefined,
  optional = false,
): InputBlock {
  const options: PlainTextOption[] = DAYS.slice(0, days).map((day, i) => option(day, String(i + 1)));
  const selected = initial === undefined ? undefined : options[initial - 1];
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label),
    element: {
      type: 'static_select',
      action_id: blockId,
      placeholder: plain('Pick a day'),
      options,
      ...(selected && { initial_option: selected }),
    },
  };
}

function timeInput(
  blockId: string,
  label: string,
  initial: { hour: number; minute: number } | undefined,
  hint: string,
  optional = false,
): InputBlock {
  return {
    type: 'input',
    block_id: blockId,
    optional,
    label: plain(label),
    hint: plain(hint),
    element: {
      type: 'timepicker',
      action_id: blockId,
      ...(initial && { initial_time: clock(initial) }),
    },
  };
}

/** The accountable executive for one stage (optional); a label holds 2,000 characters, names 60. */
function stageOwnerInput(stage: { id: number; name: string; ownerId: string | null }): InputBlock {
  const blockId = `${settingsIds.stageOwnerPrefix}${stage.id}`;
  return {
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(`Stage owner: ${stage.name}`),
    element: {
      type: 'users_select',
      action_id: blockId,
      placeholder: plain('Pick the accountable executive'),
      ...(stage.ownerId && { initial_user: stage.ownerId }),
    },
  };
}

/** The weekly update's next time: Slack shows it in the reader's zone (the fallback says the company's). */
function nextRunText(nextRun: Date | undefined, timeZone: string): string {
  if (!nextRun) return '';
  return ` The next one is due ${slackDateTime(nextRun, timeZone)}.`;
}

/** `/touchpoint settings`: the journey stages and the company-wide values, each with where it comes from. */
export function renderSettingsModal(model: SettingsOverview): ModalView {
  const retired = model.stages.filter((stage) => stage.retired).map((stage) => stage.name);
  const blocks: KnownBlock[] = [
    textInput(
      settingsIds.stages,
      'Journey stages, one per line, in order',
      model.stages
        .filter((stage) => !stage.retired)
        .map((stage) => stage.name)
        .join('\n'),
      {
        hint: 'Rename with “Old name -> New name”. A stage you remove is retired if anything uses it, deleted otherwise.',
        multiline: true,
        maxLength: STAGE_LIST_MAX_LENGTH,
      },
    ),
  ];
  // Stage names are typed by people: escaped, or a stage once named `<!channel>` would ping. Cut after
  // escaping (a context element holds 2,000 characters), never inside an entity.
  if (retired.length > 0)
    blocks.push(
      context(
        `Retired: ${escapeAndTruncate(retired.join(', '), 1_900)} (list one again to bring it back)`,
        settingsIds.retired,
      ),
    );
  const retiredCategories = model.categories.filter((c) => c.retired).map((c) => c.name);
  blocks.push(
    textInput(
      settingsIds.categories,
      'Touch-point categories, one per line',
      model.categories
        .filter((category) => !category.retired)
        .map((category) => category.name)
        .join('\n'),
      {
        hint: 'The optional second tag next to the stage. Rename with “Old name -> New name”.',
        multiline: true,
        maxLength: STAGE_LIST_MAX_LENGTH,
        optional: true,
      },
    ),
  );
  if (retiredCategories.length > 0)
    blocks.push(
      context(
        `Retired: ${escapeAndTruncate(retiredCategories.join(', '), 1_900)} (list one again to bring it back)`,
        settingsIds.retiredCategories,
      ),
    );
  // One owner picker per active stage: at most 30 stages (the service's limit), so the modal stays well
  // under Slack's 100 blocks. Keyed by the stage's ID, so a rename in the same save keeps its owner.
  for (const stage of model.stages.filter((s) => !s.retired)) blocks.push(stageOwnerInput(stage));
  const { digestSchedule: digest } = model;
  blocks.push(
    textInput(
      settingsIds.responseTarget,
      'Response target for suggestions (working days)',
      String(model.responseTarget.value),
      { hint: originHint('responseTarget', model.responseTarget), maxLength: SETTING_NUMBER_MAX_LENGTH },
    ),
    textInput(
      settingsIds.quickKillTarget,
      'Response target for quick kills (working days)',
      String(model.quickKillTarget.value),
      {
        hint: `Easy to kill, high impact: shorter than the response target. ${originHint('quickKillTarget', model.quickKillTarget)}`,
        maxLength: SETTING_NUMBER_MAX_LENGTH,
      },
    ),
    textInput(
      settingsIds.killByDays,
      'Days to kill an accepted rule (default kill-by date)',
      String(model.killByDays.value),
      { hint: originHint('killByDays', model.killByDays), maxLength: SETTING_NUMBER_MAX_LENGTH },
    ),
    textInput(
      settingsIds.callTarget,
      'Customer calls a month per executive (default)',
      String(model.callTarget.value),
      { hint: originHint('callTarget', model.callTarget), maxLength: SETTING_NUMBER_MAX_LENGTH },
    ),
    // Working days only: a nudge is read on a working-day morning.
    dayInput(
      settingsIds.nudgeDay,
      'Nudge day (in each executive’s time zone)',
      5,
      model.nudgeSlot.value.weekday,
    ),
    timeInput(
      settingsIds.nudgeTime,
      'Nudge time (07:00 to 12:00)',
      model.nudgeSlot.value,
      originHint('nudgeSlot', model.nudgeSlot),
    ),
  );
  if (digest.weekly) {
    blocks.push(
      dayInput(settingsIds.digestDay, 'Weekly update day', 7, digest.weekly.weekday),
      timeInput(
        settingsIds.digestTime,
        `Weekly update time (${zoneInWords(model.timeZone)})`,
        digest.weekly,
        originHint('digestSchedule', digest),
      ),
    );
  } else {
    // A schedule that is not one day and time a week (several days, a day of the month): said in words and
    // kept, unless the CX office picks a day and a time.
    blocks.push(
      section(
        `*Weekly update:* a custom schedule ${ORIGIN_TEXT[digest.origin === 'default' ? 'environment' : digest.origin]}.${nextRunText(digest.nextRun, model.timeZone)} To post it once a week instead, pick a day and a time.`,
        settingsIds.digestSchedule,
      ),
      dayInput(settingsIds.digestDay, 'Weekly update day', 7, undefined, true),
      timeInput(
        settingsIds.digestTime,
        `Weekly update time (${zoneInWords(model.timeZone)})`,
        undefined,
        'Leave both empty to keep the custom schedule.',
        true,
      ),
    );
  }
  const resettable = (
    ['responseTarget', 'quickKillTarget', 'killByDays', 'callTarget', 'nudgeSlot', 'digestSchedule'] as const
  ).filter((field) => model[field].origin === 'slack');
  if (resettable.length > 0) {
    blocks.push({
      type: 'input',
      block_id: settingsIds.reset,
      optional: true,
      label: plain('Back to the default'),
      hint: plain(
        'A value ticked here stops being set in Slack: the server’s configuration or the default applies again.',
      ),
      element: {
        type: 'checkboxes',
        action_id: settingsIds.reset,
        options: resettable.map((field) => resetOption(field, model)),
      },
    });
  }
  return {
    type: 'modal',
    callback_id: settingsIds.modal,
    title: plain('Touchpoint settings'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks,
  };
}

const FIELD_NAME: Record<CompanySetting, string> = {
  responseTarget: 'Response target',
  quickKillTarget: 'Quick-kill target',
  killByDays: 'Days to kill',
  callTarget: 'Calls a month',
  nudgeSlot: 'Nudges',
  digestSchedule: 'Weekly update',
};

/** "Response target: 10 working days (the default)"; Slack cuts an option's text at 75 characters. */
function resetOption(field: CompanySetting, model: SettingsOverview): PlainTextOption {
  const state = model[field];
  const text = VALUE_TEXT[field] as (value: unknown) => string;
  return option(
    `${FIELD_NAME[field]}: ${text(state.fallback)} (${ORIGIN_TEXT[state.fallbackOrigin]})`,
    field,
  );
}

// ---- The confirmation after a save --------------------------------------------------------------------

const CHANGE_TEXT: { [K in CompanySetting]: (from: string, to: string) => string } = {
  responseTarget: (from, to) => `response target ${from} → ${to}`,
  quickKillTarget: (from, to) => `quick-kill target ${from} → ${to}`,
  killByDays: (from, to) => `days to kill an accepted rule ${from} → ${to}`,
  callTarget: (from, to) => `customer calls per executive ${from} → ${to}`,
  nudgeSlot: (_from, to) => `nudges moved to ${to}`,
  digestSchedule: (_from, to) => `weekly update moved to ${to}`,
};

function valueLine(change: ValueChange): string {
  const text = VALUE_TEXT[change.field] as (value: unknown) => string;
  let [from, to] = [text(change.from), text(change.to)];
  // "10 → 7 working days", not "10 working days → 7 working days".
  if (
    change.field === 'responseTarget' ||
    change.field === 'quickKillTarget' ||
    change.field === 'killByDays' ||
    change.field === 'callTarget'
  ) {
    const unit = to.replace(/^\d+ /, '');
    if (from.replace(/^\d+ /, '') === unit) from = from.replace(/ .*/, '');
    to = `${to.replace(/ .*/, '')} ${unit}`;
  }
  const line = CHANGE_TEXT[change.field](from, to);
  return change.origin === 'slack' ? line : `${line} (back to ${ORIGIN_TEXT[change.origin]})`;
}

/** The stage list's changes in words; stage names are escaped (people typed them). */
function stagesLine(stages: StagesChanged, what = 'journey stages'): string {
  const names = (list: string[]) => list.map((name) => `“${escapeMrkdwn(name)}”`).join(', ');
  const parts = [
    ...stages.renamed.map((r) => `renamed “${escapeMrkdwn(r.from)}” → “${escapeMrkdwn(r.to)}”`),
    ...(stages.added.length > 0 ? [`added ${names(stages.added)}`] : []),
    ...(stages.restored.length > 0 ? [`brought back ${names(stages.restored)}`] : []),
    ...(stages.retired.length > 0 ? [`retired ${names(stages.retired)} (in use)`] : []),
    ...(stages.deleted.length > 0 ? [`removed ${names(stages.deleted)}`] : []),
    ...(stages.reordered ? ['reordered'] : []),
  ];
  return `${what}: ${parts.join(', ')}`;
}

/** "Get help is now owned by <@U…>", or "Get help has no owner now". */
function ownerLine(owner: { stage: string; ownerId: string | null }): string {
  const stage = escapeMrkdwn(owner.stage);
  return owner.ownerId
    ? `${stage} is now owned by ${userMention(owner.ownerId)}`
    : `${stage} has no owner now`;
}

/**
 * What a save changed, as one mrkdwn sentence (names typed by people escaped, owners mentioned): "Saved:
 * response target 10 → 7 working days; …", or "Nothing changed.".
 */
export function describeSettingsSaved(saved: SettingsSaved): string {
  const lines = [
    ...(saved.stages ? [stagesLine(saved.stages)] : []),
    ...(saved.categories ? [stagesLine(saved.categories, 'touch-point categories')] : []),
    ...(saved.owners ?? []).map(ownerLine),
    ...saved.values.map(valueLine),
  ];
  return lines.length === 0 ? 'Nothing changed.' : `Saved: ${lines.join('; ')}.`;
}

/** The settings modal after Save: what changed, in words (the modal's `response_action: 'update'`). */
export function renderSettingsSaved(saved: SettingsSaved): ModalView {
  return savedModal(
    'Touchpoint settings',
    // Already escaped; a section holds 3,000 characters (30 stage names of 60 fit, with room).
    describeSettingsSaved(saved).slice(0, 2_900),
    settingsIds.saved,
  );
}
