import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KnownBlock, ModalView, PlainTextInput } from '@slack/types';
import { describe, expect, it } from 'vitest';
import {
  callFormMetadata,
  readCallForm,
  readTargetForm,
  targetRangeErrors,
} from '../../src/features/calls/calls.forms.js';
import { callsIds } from '../../src/features/calls/calls.ids.js';
import type { Executive } from '../../src/features/calls/calls.queries.js';
import { DURATION_MAX_MINUTES } from '../../src/features/calls/calls.schema.js';
import { monthlyTargetSchema } from '../../src/features/calls/calls.service.js';
import * as callsViews from '../../src/features/calls/calls.views.js';
import { readWhyForm, whyFormMetadata } from '../../src/features/checks/checks.forms.js';
import * as checksViews from '../../src/features/checks/checks.views.js';
import {
  encodeItemMetadata,
  readItemSubmission,
  readNoteSubmission,
  readWhySubmission,
} from '../../src/features/roadmap/roadmap.forms.js';
import type { RoadmapItem } from '../../src/features/roadmap/roadmap.queries.js';
import * as roadmapViews from '../../src/features/roadmap/roadmap.views.js';
import {
  answerFormMetadata,
  askFormMetadata,
  backFormMetadata,
  readAnswerForm,
  readAskForm,
  readBackForm,
} from '../../src/features/rule-aftercare/rule-aftercare.forms.js';
import * as aftercareViews from '../../src/features/rule-aftercare/rule-aftercare.views.js';
import {
  readDecisionForm,
  readDuplicateForm,
  readNominationForm,
  readNoteForm,
} from '../../src/features/rules/rules.forms.js';
import { rulesIds } from '../../src/features/rules/rules.ids.js';
import type { Rule } from '../../src/features/rules/rules.service.js';
import * as rulesViews from '../../src/features/rules/rules.views.js';
import { parseSettingsForm } from '../../src/features/settings/settings.forms.js';
import { settingsIds } from '../../src/features/settings/settings.ids.js';
import type { SettingsOverview } from '../../src/features/settings/settings.service.js';
import * as settingsViews from '../../src/features/settings/settings.views.js';
import type { JourneyStage } from '../../src/features/settings/stages.queries.js';
import { readRejectForm, readStoryForm } from '../../src/features/stories/stories.forms.js';
import { storiesIds } from '../../src/features/stories/stories.ids.js';
import type { Story } from '../../src/features/stories/stories.service.js';
import { renderRejectModal, renderStoryModal } from '../../src/features/stories/stories.views.js';
import { encodeMetadata } from '../../src/slack/metadata.js';
import type { FieldErrors } from '../../src/slack/view-state.js';
import { checkView } from '../support/block-kit.js';
import { PROJECT_ROOT } from '../support/test-app.js';
import { exportedViews, viewCases } from '../support/view-fixtures.js';

// Every text input of every modal Touchpoint opens takes at most what its form accepts: Slack stops the
// typing at `max_length` (and counts down near it), the hint says the same number, and the form's zod check
// refuses one character more. One constant per field serves all three.

const FEATURES_DIR = join(PROJECT_ROOT, 'src/features');
/** Features whose modals are not covered here yet, with the reason. */

const stages: JourneyStage[] = [
  { id: 1, name: 'Discover', position: 1, retiredAt: null, ownerId: null, createdAt: new Date(0) },
  { id: 2, name: 'Onboard', position: 2, retiredAt: null, ownerId: null, createdAt: new Date(0) },
];
const long = 'x'.repeat(5000);
const rule = { id: 7, number: 7, title: 'Refunds need a signature' } as Rule;
const story = { id: 3, body: 'A customer called back to say thanks.' } as Story;
const executive = { userId: 'U0EXEC' } as Executive;
const roadmapItem = {
  id: 12,
  title: long,
  customerChange: long,
  employeeAsk: long,
  stageId: 1,
  ownerId: null,
  status: 'planned',
  targetDate: null,
} as unknown as RoadmapItem;

const state = <T>(value: T) => ({
  value,
  origin: 'slack' as const,
  fallback: value,
  fallbackOrigin: 'default' as const,
});
const settingsOverview: SettingsOverview = {
  stages: [
    { id: 1, name: long.slice(0, 60), retired: false, ownerId: 'U0EXEC0001' },
    { id: 2, name: 'Onboard', retired: true, ownerId: null },
  ],
  categories: [
    { name: 'Managing customers at risk', retired: false },
    { name: 'Old category', retired: true },
  ],
  responseTarget: state(10),
  quickKillTarget: state(3),
  killByDays: state(30),
  callTarget: state(2),
  nudgeSlot: state({ weekday: 2, hour: 10, minute: 0 }),
  digestSchedule: { ...state('0 9 * * 1'), weekly: { weekday: 1, hour: 9, minute: 0 } },
  timeZone: 'Europe/Berlin',
};

/** A modal as Slack sends it back on submission: the blocks it was opened with, and what was typed. */
type Submitted = ModalView & { state: { values: Record<string, Record<string, unknown>> } };

interface ModalCase {
  /** Every way the modal is rendered that matters here: empty, prefilled, prefilled with too much. */
  renders: () => ModalView[];
  /** The form's verdict on a submission, as the listener reaches it: problems keyed by block ID. */
  read: (view: Submitted) => FieldErrors;
  /** Per block: a value of exactly `max_length` the form accepts, and one a character longer (default: letters). */
  samples?: Record<string, { fits: string; over: string }>;
  /** Text typed in other fields, when the form reads no further without it. */
  typed?: Record<string, string>;
}

const errorsOf = (result: { ok: true } | { ok: false; errors: FieldErrors }): FieldErrors =>
  result.ok ? {} : result.errors;

const ruleMetadata = JSON.stringify({ ruleId: 7 });
const checkQuestion = {
  id: 7,
  quarter: '2026-Q4',
  quarterLabel: 'October to December 2026',
  stageName: 'Get help',
  answer: 'it_depends' as const,
  why: null,
  answeredAt: null,
};

const aftercareRule = { number: 7, title: 'Badges', anonymous: true, status: 'killed', decidedAt: null };
const aftercareQuestion = {
  rule: aftercareRule,
  question: { id: 3, ruleId: 7, question: 'Which door?', answer: null, askedAt: new Date(0) },
};
const stillDeadView = { rule: aftercareRule, check: { id: 8, answer: null, note: null } };

const modals: Record<string, ModalCase> = {
  'rules/renderNominationModal': {
    renders: () => [
      rulesViews.renderNominationModal({ stages, values: {}, privateMetadata: '{}' }),
      rulesViews.renderNominationModal({
        stages,
        values: { rule: long, why: long, replacement: long, livesIn: long },
        privateMetadata: '{}',
        sourcePermalink: 'https://example.slack.com/archives/C1/p1',
      }),
    ],
    read: (view) => errorsOf(readNominationForm(view.state)),
  },
  'rules/renderNominationThanks': {
    renders: () => [rulesViews.renderNominationThanks(rule)],
    read: () => ({}),
  },
  'rules/renderDecisionModal': {
    renders: () => [
      rulesViews.renderDecisionModal({ rule, toStatus: 'kept', privateMetadata: ruleMetadata, note: long }),
    ],
    read: (view) => errorsOf(readDecisionForm(view.state, 'kept')),
  },
  'rules/renderNoteModal': {
    renders: () => [rulesViews.renderNoteModal({ rule, privateMetadata: ruleMetadata })],
    read: (view) => errorsOf(readNoteForm(view.state)),
  },
  'rules/renderDuplicateModal': {
    renders: () => [rulesViews.renderDuplicateModal({ rule, privateMetadata: ruleMetadata })],
    read: (view) => errorsOf(readDuplicateForm(view.state)),
    typed: { [rulesIds.duplicateOf]: 'RULE-1' },
    samples: { [rulesIds.duplicateOf]: { fits: 'RULE-123456789', over: 'RULE-1234567890' } },
  },
  'settings/renderSettingsModal': {
    renders: () => [settingsViews.renderSettingsModal(settingsOverview)],
    read: (view) => errorsOf(parseSettingsForm(view.state)),
    samples: {
      [settingsIds.responseTarget]: { fits: '12', over: '123' },
      [settingsIds.quickKillTarget]: { fits: '12', over: '123' },
      [settingsIds.killByDays]: { fits: '12', over: '123' },
      [settingsIds.callTarget]: { fits: '12', over: '123' },
    },
  },
  'settings/renderSettingsSaved': {
    renders: () => [settingsViews.renderSettingsSaved({ values: [] })],
    read: () => ({}),
  },
  'stories/renderStoryModal': {
    renders: () => [
      renderStoryModal({ stages, values: {}, privateMetadata: '{}' }),
      renderStoryModal({
        stages,
        values: { body: long, customer: long },
        privateMetadata: JSON.stringify({ storyId: 3 }),
        callbackId: storiesIds.editModal,
      }),
    ],
    read: (view) => errorsOf(readStoryForm(view.state)),
  },
  'stories/renderRejectModal': {
    renders: () => [renderRejectModal(story, JSON.stringify({ storyId: 3 }))],
    read: (view) => errorsOf(readRejectForm(view.state)),
  },
  'roadmap/renderItemModal': {
    renders: () => [
      roadmapViews.renderItemModal({ stages, privateMetadata: encodeItemMetadata() }),
      roadmapViews.renderItemModal({ stages, item: roadmapItem, privateMetadata: encodeItemMetadata(12) }),
    ],
    read: (view) => errorsOf(readItemSubmission(view)),
  },
  'roadmap/renderNoteModal': {
    renders: () => [
      roadmapViews.renderNoteModal({ item: roadmapItem, privateMetadata: encodeItemMetadata(12) }),
    ],
    read: (view) => errorsOf(readNoteSubmission(view)),
  },
  'roadmap/renderWhyModal': {
    renders: () => [
      roadmapViews.renderWhyModal({ item: roadmapItem, privateMetadata: encodeItemMetadata(12) }),
      roadmapViews.renderWhyModal({
        item: { ...roadmapItem, whyItMatters: long },
        privateMetadata: encodeItemMetadata(12),
      }),
    ],
    read: (view) => errorsOf(readWhySubmission(view)),
  },
  'roadmap/renderWhySaved': {
    renders: () => [
      roadmapViews.renderWhySaved({ item: { ...roadmapItem, whyItMatters: long }, before: roadmapItem }),
    ],
    read: () => ({}),
  },
  'rule-aftercare/renderAskModal': {
    renders: () => [
      aftercareViews.renderAskModal({
        rule: { number: 7, title: 'Badges' },
        privateMetadata: encodeMetadata(askFormMetadata, { ruleId: 7 }),
      }),
    ],
    read: (view) => errorsOf(readAskForm(view)),
  },
  'rule-aftercare/renderAnswerModal': {
    renders: () => [
      aftercareViews.renderAnswerModal({
        view: aftercareQuestion as never,
        privateMetadata: encodeMetadata(answerFormMetadata, { questionId: 3 }),
      }),
    ],
    read: (view) => errorsOf(readAnswerForm(view)),
  },
  'rule-aftercare/renderBackModal': {
    renders: () => [
      aftercareViews.renderBackModal({
        view: stillDeadView as never,
        privateMetadata: encodeMetadata(backFormMetadata, { checkId: 8 }),
      }),
    ],
    read: (view) => errorsOf(readBackForm(view)),
  },
  'checks/renderWhyModal': {
    renders: () => [
      checksViews.renderWhyModal({
        question: checkQuestion,
        privateMetadata: encodeMetadata(whyFormMetadata, { checkId: 7 }),
      }),
      checksViews.renderWhyModal({
        question: { ...checkQuestion, why: long },
        privateMetadata: encodeMetadata(whyFormMetadata, { checkId: 7 }),
      }),
    ],
    read: (view) => errorsOf(readWhyForm(view)),
  },
  'calls/renderCallModal': {
    renders: () => [
      callsViews.renderCallModal({
        stages,
        today: '2026-11-29',
        privateMetadata: encodeMetadata(callFormMetadata, { zone: 'UTC' }),
      }),
    ],
    read: (view) => errorsOf(readCallForm(view as never, new Date('2026-11-29T12:00:00Z'))),
    samples: {
      [callsIds.duration]: { fits: String(DURATION_MAX_MINUTES), over: String(DURATION_MAX_MINUTES * 10) },
    },
  },
  'calls/renderTargetSaved': {
    renders: () => [callsViews.renderTargetSaved({ userId: 'U0EXEC', from: 2, to: 3 })],
    read: () => ({}),
  },
  'roadmap/renderItemSaved': {
    renders: () => [roadmapViews.renderItemSaved({ item: roadmapItem })],
    read: () => ({}),
  },
  'calls/renderTargetModal': {
    renders: () => [callsViews.renderTargetModal(executive, 2, JSON.stringify({ userId: 'U0EXEC' }))],
    // The form reads a whole number; the range is the service's check (the listener says it under the field).
    read: (view) => {
      const form = readTargetForm(view as never);
      if (!form.ok) return form.errors;
      return monthlyTargetSchema.safeParse(form.value.target).success ? {} : targetRangeErrors();
    },
    samples: {
      [callsIds.target]: {
        fits: String(monthlyTargetSchema.maxValue),
        over: String((monthlyTargetSchema.maxValue ?? 0) * 10),
      },
    },
  },
};

function textInputs(view: ModalView): { blockId: string; input: PlainTextInput; hint?: string }[] {
  return (view.blocks as KnownBlock[]).flatMap((block) =>
    block.type === 'input' && block.element.type === 'plain_text_input'
      ? [{ blockId: block.block_id ?? '', input: block.element, hint: block.hint?.text }]
      : [],
  );
}

/** The modal submitted with these text fields typed in, by block ID (everything else left empty). */
function submitted(view: ModalView, typed: Record<string, string>): Submitted {
  const values: Submitted['state']['values'] = {};
  for (const { blockId, input } of textInputs(view)) {
    const value = typed[blockId];
    if (value !== undefined)
      values[blockId] = { [input.action_id ?? blockId]: { type: 'plain_text_input', value } };
  }
  return { ...view, state: { values } };
}

describe('text inputs in modals', () => {
  it('covers every modal a feature renders that has a text input', () => {
    // Every modal, rendered with the shared view fixtures: one with a text input must have a case here.
    const renderers = exportedViews('ModalView');
    const hasTextInput = (name: string) =>
      (viewCases[name]?.() ?? []).some((view) => textInputs(view as ModalView).length > 0);
    for (const name of renderers) {
      expect(viewCases[name], `${name} has no case in test/support/view-fixtures.ts`).toBeDefined();
      if (hasTextInput(name)) expect(Object.keys(modals), name).toContain(name);
    }
    for (const name of Object.keys(modals)) expect(renderers, name).toContain(name);
    // No text input is built outside a views file.
    for (const feature of readdirSync(FEATURES_DIR, { withFileTypes: true })) {
      if (!feature.isDirectory()) continue;
      for (const file of readdirSync(join(FEATURES_DIR, feature.name))) {
        if (file.endsWith('.views.ts')) continue;
        const text = readFileSync(join(FEATURES_DIR, feature.name, file), 'utf8');
        expect(text.includes("'plain_text_input'"), `${feature.name}/${file}`).toBe(false);
      }
    }
  });

  for (const [name, modal] of Object.entries(modals)) {
    it(`${name}: every text input has max_length, its hint agrees, Slack accepts it`, () => {
      for (const view of modal.renders()) {
        expect(checkView(view), name).toEqual([]);
        for (const { blockId, input, hint } of textInputs(view)) {
          const where = `${name} ${blockId}`;
          expect(input.max_length, where).toBeTypeOf('number');
          const max = input.max_length ?? 0;
          expect(max, where).toBeGreaterThan(0);
          expect(max, where).toBeLessThanOrEqual(3000);
          expect(input.initial_value?.length ?? 0, where).toBeLessThanOrEqual(max);
          const stated = /([\d,]+)\s+characters/.exec(hint ?? '');
          if (stated) expect(Number(stated[1]?.replace(/,/g, '')), where).toBe(max);
        }
      }
    });

    it(`${name}: the form takes max_length characters and refuses one more`, () => {
      const [view] = modal.renders();
      if (!view) throw new Error(`${name} renders nothing`);
      for (const { blockId, input } of textInputs(view)) {
        const max = input.max_length ?? 0;
        const sample = modal.samples?.[blockId] ?? { fits: 'a'.repeat(max), over: 'a'.repeat(max + 1) };
        expect(sample.fits.length, blockId).toBe(max);
        expect(sample.over.length, blockId).toBe(max + 1);
        const read = (value: string) => modal.read(submitted(view, { ...modal.typed, [blockId]: value }));
        expect(read(sample.fits)[blockId], `${name} ${blockId}`).toBe(undefined);
        expect(read(sample.over)[blockId], `${name} ${blockId}`).toEqual(expect.any(String));
      }
    });
  }
});
