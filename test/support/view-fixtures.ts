import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import * as callsViews from '../../src/features/calls/calls.views.js';
import * as checksViews from '../../src/features/checks/checks.views.js';
import * as deliveryViews from '../../src/features/delivery/delivery.views.js';
import * as digestViews from '../../src/features/digest/digest.views.js';
import * as homeViews from '../../src/features/home/home.views.js';
import * as linksViews from '../../src/features/links/links.views.js';
import { REVIEW_MEASURES } from '../../src/features/review/review.service.js';
import * as reviewViews from '../../src/features/review/review.views.js';
import * as roadmapViews from '../../src/features/roadmap/roadmap.views.js';
import * as aftercareViews from '../../src/features/rule-aftercare/rule-aftercare.views.js';
import * as rulesViews from '../../src/features/rules/rules.views.js';
import * as settingsViews from '../../src/features/settings/settings.views.js';
import * as storiesViews from '../../src/features/stories/stories.views.js';
import { commandCatalogue } from '../../src/features/touchpoint/touchpoint.catalogue.js';
import * as touchpointViews from '../../src/features/touchpoint/touchpoint.views.js';
import { PROJECT_ROOT } from './test-app.js';

// Every view a feature exports, rendered with fixtures: counts of none, one and several, the edge cases
// that matter. The texts-people-read test (plurals.test.ts) scans them all; the text-inputs test checks every
// modal among them. A view without a case here fails both.

const FEATURES_DIR = join(PROJECT_ROOT, 'src/features');

// ---- Fixtures ---------------------------------------------------------------------------------------------

const now = new Date('2026-11-25T10:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const stages = [
  { id: 1, name: 'Onboard', position: 1, retiredAt: null, ownerId: null, createdAt: new Date(0) },
  { id: 2, name: 'Get help', position: 2, retiredAt: null, ownerId: 'U0EXEC0001', createdAt: new Date(0) },
];
const categories = [
  { id: 1, name: 'Managing customers at risk', position: 0, retiredAt: null, createdAt: new Date(0) },
  {
    id: 2,
    name: 'Earning the right to revenue growth',
    position: 1,
    retiredAt: null,
    createdAt: new Date(0),
  },
];

const rule = (id: number, over: Record<string, unknown> = {}) =>
  ({
    id,
    number: id,
    title: `Refund form number ${id} needs a signature`,
    hurts: 'customers',
    why: 'Customers wait a week for a refund.',
    stageId: 1,
    replacementIdea: 'Refund at once under €50',
    anonymous: false,
    creditOptOut: false,
    livesIn: null,
    ruleOwnerId: null,
    ease: null,
    impact: null,
    killBy: null,
    reopenedFromId: null,
    submitterId: 'U0EMPL0001',
    status: 'new',
    ownerId: 'U0EXEC0001',
    duplicateOfId: null,
    decisionNote: null,
    decidedAt: null,
    source: 'command',
    sourcePermalink: null,
    cardChannel: null,
    cardTs: null,
    idempotencyKey: `rule-${id}`,
    createdAt: daysAgo(id === 1 ? 1 : 3),
    updatedAt: now,
    ...over,
  }) as never as rulesViews.CardModel['rule'];
/** `n` nominations, each with `votes` votes, the first one day old, the others three. */
const ruleItems = (n: number, votes: number) =>
  Array.from({ length: n }, (_, i) => ({ rule: rule(i + 1), votes, stageName: 'Onboard' }));
const ruleEvent = (over: Record<string, unknown>) =>
  ({
    id: 9,
    ruleId: 1,
    actorId: 'U0CXOFFIC1',
    action: 'status',
    fromStatus: 'new',
    toStatus: 'accepted',
    ownerId: null,
    note: 'We agree.',
    idempotencyKey: 'e9',
    createdAt: now,
    ...over,
  }) as never as Parameters<typeof rulesViews.renderThreadLine>[0];
const page = (total: number) => ({ number: 1, size: 5, total, offset: 0 });
const rulesHome = (n: number, votes: number, workingDays: number) => ({
  mine: ruleItems(n, votes),
  mineTotal: n + 2,
  backable: ruleItems(n, votes).map((item) => ({ ...item, voted: votes > 1 })),
  backablePage: page(n + 7),
  backlog: {
    items: ruleItems(n, votes).map((item) => ({ ...item, late: true })),
    page: page(n + 9),
    byStatus: { new: n, under_review: n, accepted: n },
    byStage: [{ name: 'Onboard', count: n }],
    lateCount: n,
    targetWorkingDays: workingDays,
  },
});

const pace = (calls: number, target: number) => ({ calls, target, expected: target, behind: calls < target });
const executive = (id: string, over: Record<string, unknown> = {}) =>
  ({
    userId: id,
    active: true,
    timeZone: 'America/New_York',
    name: 'Alex',
    monthlyTarget: null,
    pausedUntil: '2026-12-10',
    snoozedUntil: null,
    syncedAt: now,
    ...over,
  }) as never as Parameters<typeof callsViews.renderNudge>[0];
const call = (id: number) =>
  ({
    id,
    loggedBy: 'U0EXEC0001',
    customer: `Customer ${id}`,
    contact: null,
    callDate: '2026-11-23',
    kind: 'call',
    result: 'reached',
    durationMinutes: 1,
    stageId: 1,
    learned: 'Invoices confuse them.',
    sentiment: 'positive',
    shareAsStory: false,
    idempotencyKey: `call-${id}`,
    createdAt: now,
  }) as never as Parameters<typeof callsViews.renderThanks>[0];
const followUp = (id: number, over: Record<string, unknown> = {}) =>
  ({
    id,
    callId: 1,
    ownerId: 'U0OWNER001',
    ownerTimeZone: 'Europe/Berlin',
    action: `Send the simpler invoice template ${id}`,
    dueDate: '2026-11-27',
    remindedOn: null,
    doneAt: null,
    createdAt: now,
    ...over,
  }) as never as Parameters<typeof callsViews.renderCallsHome>[0]['followUps'][number];
const summary = (n: number, overdue: number) => ({
  month: 'November 2026',
  rows: Array.from({ length: n }, (_, i) => ({
    userId: `U0EXEC000${i + 1}`,
    pace: pace(i === 0 ? 1 : 0, 2),
  })),
  overdue,
  byStage: [{ stage: 'Onboard', calls: n, positive: n, negative: 0, quotes: ['Setting up took a day.'] }],
});

const roadmapItem = (id: number, over: Record<string, unknown> = {}) =>
  ({
    id,
    title: `Refunds in one click ${id}`,
    customerChange: 'No waiting',
    employeeAsk: 'Nothing',
    stageId: 1,
    ownerId: 'U0EXEC0001',
    status: 'in_progress',
    targetDate: '2027-01-31',
    createdBy: 'U0CXOFFIC1',
    idempotencyKey: `item-${id}`,
    createdAt: now,
    updatedAt: now,
    ...over,
  }) as never as Parameters<typeof roadmapViews.itemLine>[0];
const roadmapGroups = (n: number) => [
  {
    stage: 'Onboard',
    stageOwnerId: 'U0EXEC0001',
    items: Array.from({ length: n }, (_, i) => ({
      item: roadmapItem(i + 1),
      lastNote: 'Live in Germany',
      categoryName: 'Managing customers at risk',
    })),
  },
];

/** No executive, one, and 48 (one page of them, of more). */
const rosters = () => [
  { rows: [], page: page(0) },
  { rows: [{ executive: executive('U0EXEC0001'), pace: pace(1, 1) }], page: page(1) },
  {
    rows: Array.from({ length: 5 }, (_, i) => ({
      executive: executive(`U0EXEC${1000 + i}`),
      pace: pace(3, 2),
    })),
    page: page(48),
  },
];

const story = (over: Record<string, unknown> = {}) =>
  ({
    id: 7,
    body: 'A customer called back to say thanks for the quick refund.',
    customer: 'Acme',
    stageId: 1,
    kind: 'delighted',
    shareable: true,
    tellerId: 'U0EMPL0001',
    source: 'command',
    sourceCallId: null,
    sourcePermalink: null,
    status: 'approved',
    reviewedBy: null,
    reviewedAt: null,
    reviewNote: 'Lovely.',
    pickedForWeek: null,
    featuredInWeek: '2026-W46',
    cardChannel: null,
    cardTs: null,
    idempotencyKey: 'story-7',
    createdAt: now,
    ...over,
  }) as never as Parameters<typeof storiesViews.renderTellerDm>[0] & { id: number };

const digestModel = (n: number) =>
  ({
    week: '2026-W48',
    window: { start: daysAgo(7), end: now },
    roadmap: Array.from({ length: n }, (_, i) => ({
      item: roadmapItem(i + 1, { status: i === 0 ? 'shipped' : 'in_progress' }),
      changes: n,
      lastNote: 'Moving',
      created: false,
      statusChanged: true,
    })),
    story: { story: story(), stageName: 'Onboard' },
    rulesKilled: Array.from({ length: n }, (_, i) => ({
      ref: `RULE-${i + 1}`,
      title: `Rule ${i + 1}`,
      decisionNote: 'Gone',
      killedAt: now,
      thankedId: i === 0 ? 'U0EMPL0001' : undefined,
    })),
    mythsBusted: Array.from({ length: n }, (_, i) => ({
      ref: `RULE-${i + 10}`,
      title: `Myth ${i + 1} <!channel>`,
      clarification: 'You can refund up to €200 without a signature.',
    })),
    leaders: Array.from({ length: n }, (_, i) => ({ userId: `U0LEAD000${i + 1}`, calls: n })),
    // Where the changes came from (item_links): a call → a killed rule; a story → a rule → a roadmap item.
    chains: Array.from({ length: n }, (_, i) =>
      i % 2 === 0
        ? {
            steps: [
              {
                kind: 'call',
                userId: 'U0EXEC0001',
                callKind: 'call',
                reached: true,
                learned: 'The fax form <!here>',
              },
            ],
            end: { kind: 'rule', ref: `RULE-${i + 1}` },
            roots: 1,
          }
        : {
            steps: [
              { kind: 'story', tellerId: undefined },
              { kind: 'rule', ref: `RULE-${i + 100}`, submitterId: undefined, killed: true },
            ],
            end: { kind: 'roadmap_item', id: i + 1 },
            roots: 2,
          },
    ),
  }) as never as Parameters<typeof digestViews.renderDigestHeadline>[0];

const settingState = <T>(value: T, fallback: T) => ({
  value,
  origin: 'slack' as const,
  fallback,
  fallbackOrigin: 'default' as const,
});
const settingsOverview = (days: number, calls: number, weekly: boolean) =>
  ({
    stages: [
      { id: 1, name: 'Onboard', retired: false, ownerId: days === 1 ? null : 'U0EXEC0001' },
      { id: 2, name: 'Renew', retired: true, ownerId: null },
    ],
    categories: [
      { name: 'Managing customers at risk', retired: false },
      { name: 'Old category', retired: true },
    ],
    timeZone: 'America/New_York',
    responseTarget: settingState(days, days === 1 ? 10 : 1),
    quickKillTarget: settingState(days === 1 ? 1 : 3, 3),
    killByDays: settingState(days === 1 ? 1 : 30, 30),
    callTarget: settingState(calls, calls === 1 ? 2 : 1),
    nudgeSlot: settingState({ weekday: 2, hour: 10, minute: 0 }, { weekday: 2, hour: 10, minute: 0 }),
    digestSchedule: weekly
      ? { ...settingState('0 9 * * 1', '0 9 * * 1'), weekly: { weekday: 1, hour: 9, minute: 0 } }
      : { ...settingState('0 9 * * 1-5', '0 9 * * 1'), origin: 'environment', nextRun: now },
  }) as never as Parameters<typeof settingsViews.renderSettingsModal>[0];
const settingsSaved = (days: number, calls: number) =>
  ({
    values: [
      { field: 'responseTarget', from: 10, to: days, origin: 'slack' },
      { field: 'callTarget', from: 2, to: calls, origin: 'slack' },
      { field: 'digestSchedule', from: '0 9 * * 1', to: '0 9 * * 1-5', origin: 'environment' },
      {
        field: 'nudgeSlot',
        from: { weekday: 2, hour: 10, minute: 0 },
        to: { weekday: 3, hour: 9, minute: 0 },
        origin: 'slack',
      },
    ],
    stages: { renamed: [], added: ['Renew'], restored: [], retired: [], deleted: [], reordered: false },
    categories: {
      renamed: [{ from: 'Managing customers at risk', to: 'Customers at risk' }],
      added: [],
      restored: [],
      retired: [],
      deleted: [],
      reordered: false,
    },
    owners: [
      { stage: 'Get help', ownerId: 'U0EXEC0001' },
      { stage: 'Renew', ownerId: null },
    ],
  }) as never as Parameters<typeof settingsViews.renderSettingsSaved>[0];

const deadLetter = (attempts: number) => ({
  id: attempts,
  kind: 'nudge for the week of 23 November',
  at: now,
  attempts,
  error: 'user_not_found',
});

/** The monthly journey-stage review with every number `n` (gaps of each kind, a stage owner, a category). */
const reviewCounts = (n: number) => ({
  ...Object.fromEntries(REVIEW_MEASURES.map((measure) => [measure.key, n])),
  activeRoadmap: 0,
  followUpsDue: n,
  followUpsDone: n,
});
const reviewChecks = (n: number) => ({ quarter: '2026-Q4', asked: 3 * n, yes: n, itDepends: n, notYet: n });
const reviewHealth = (n: number) => ({
  daysToDecision: n === 0 ? null : n + 0.5,
  daysAcceptedToKilled: n === 0 ? null : n,
  followUpCompletion: n === 0 ? null : 1 / n,
  followUpsDue: n,
  executivesReached: n === 0 ? null : 1 / n,
  executives: n,
});
const stageReview = (n: number, scope: 'all' | 'stages' = 'all') => ({
  month: '2026-10',
  monthLabel: 'October 2026',
  previousMonth: '2026-09',
  quarter: '2026-Q4',
  scope,
  stages: stages.map((stage) => ({
    id: stage.id,
    name: stage.name,
    ownerId: stage.ownerId,
    counts: reviewCounts(n),
    previous: reviewCounts(n === 1 ? 3 : 1),
    categories: [{ id: 1, name: categories[0]?.name, counts: reviewCounts(n) }],
    checks: reviewChecks(n),
    previousChecks: reviewChecks(n === 1 ? 0 : 1),
    trend: [0, 1, 2, 3, n, n],
  })),
  totals: reviewCounts(n),
  previousTotals: reviewCounts(1),
  months: ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'],
  health: reviewHealth(n),
  previousHealth: reviewHealth(n === 1 ? 3 : 0),
  gaps: [
    { kind: 'unanswered_pain', stage: 'Get help', pain: n, negative: n },
    { kind: 'it_depends', stage: 'Onboard', unsure: n, answered: n },
    { kind: 'overdue', stage: 'Onboard', overdue: n },
    { kind: 'silent', stages: n === 1 ? ['Discover'] : ['Discover', 'Buy', 'Renew'] },
  ],
});

// ---- Every view, with one and with several --------------------------------------------------------------

/** A quarterly check question as its DM shows it. */
const checkQuestion = (over: Record<string, unknown> = {}) => ({
  id: 7,
  quarter: '2026-Q4',
  quarterLabel: 'October to December 2026',
  stageName: 'Get help <!channel>',
  answer: null,
  why: null,
  answeredAt: null,
  ...over,
});

/** A question to an anonymous submitter, on an anonymous rule. */
const aftercareQuestion = (over: Record<string, unknown> = {}) => ({
  rule: rule(4, { anonymous: true, submitterId: 'anonymous', title: 'Badges <!channel> at the door' }),
  question: {
    id: 3,
    ruleId: 4,
    askedBy: 'U0CXOFFIC1',
    question: 'Which door <@U0EMPL0001>?',
    askedAt: now,
    answer: null,
    answeredAt: null,
    idempotencyKey: 'q3',
    ...over,
  },
});
/** "Still dead?" about a rule killed 30 days ago. */
const stillDead = (over: Record<string, unknown> = {}) => ({
  rule: rule(5, { status: 'killed', decidedAt: daysAgo(30), anonymous: true }),
  check: {
    id: 8,
    ruleId: 5,
    voterId: null,
    askedAt: now,
    answer: null,
    note: null,
    answeredAt: null,
    ...over,
  },
});

type Views = Record<string, unknown>;
/** Calls a view by name, whatever its arguments' types: fixtures are built loosely, the output is checked. */
const render = (views: Views, name: string, ...args: unknown[]): unknown => {
  const view = views[name];
  if (typeof view !== 'function') throw new Error(`${name} is not a function`);
  return (view as (...a: unknown[]) => unknown)(...args);
};

const CHANNEL = 'C0DIGEST01';
const WEEK = '2026-W48';

/** `feature/function` → its outputs with counts of one and of several (and of none, where it says so). */
export const viewCases: Record<string, () => unknown[]> = {
  'rules/renderNominationModal': () => [
    render(rulesViews, 'renderNominationModal', { stages, values: {}, privateMetadata: '{}' }),
    render(rulesViews, 'renderNominationModal', {
      stages,
      categories,
      values: { category: '2' },
      privateMetadata: '{}',
    }),
    render(rulesViews, 'renderNominationModal', {
      stages,
      values: { rule: 'Refund form', livesIn: 'Finance', ruleOwner: 'U0EXEC0001', creditOptOut: true },
      privateMetadata: '{}',
      similar: ruleItems(1, 1).map((item) => ({ ...item, voted: false })),
    }),
    render(rulesViews, 'renderNominationModal', {
      stages,
      values: { rule: 'Refund form' },
      privateMetadata: '{}',
      similar: ruleItems(3, 3).map((item, i) => ({ ...item, voted: i === 0 })),
      said: ':white_check_mark: You said “me too” to *RULE-1*.',
    }),
  ],
  'rules/renderNominationThanks': () => [render(rulesViews, 'renderNominationThanks', rule(1))],
  'rules/renderSubmittedDm': () => [
    render(rulesViews, 'renderSubmittedDm', rule(1)),
    render(rulesViews, 'renderSubmittedDm', rule(2, { anonymous: true })),
  ],
  'rules/renderRuleControls': () =>
    [0, 1, 3].map((votes) =>
      render(
        rulesViews,
        'renderRuleControls',
        { rule: rule(1), votes, stageName: 'Onboard' },
        { showVote: true },
      ),
    ),
  'rules/renderBacklogCard': () =>
    [...ruleItems(1, 1), ...ruleItems(3, 3), ...ruleItems(1, 0)]
      .map((item) => render(rulesViews, 'renderBacklogCard', { ...item, duplicateOfRef: 'RULE-1' }, { now }))
      .concat([
        render(
          rulesViews,
          'renderBacklogCard',
          {
            ...ruleItems(1, 2)[0],
            categoryName: 'Increasing the bond with relevant value-add',
            stageOwnerId: 'U0EXEC0001',
          },
          { now },
        ),
        render(
          rulesViews,
          'renderBacklogCard',
          {
            ...ruleItems(1, 2)[0],
            rule: rule(1, { livesIn: 'Finance: the refunds policy', ruleOwnerId: 'U0EXEC0002' }),
          },
          { now },
        ),
        render(
          rulesViews,
          'renderBacklogCard',
          {
            ...ruleItems(1, 2)[0],
            links: {
              origins: [
                { kind: 'call', id: 4, customer: 'Acme <Rockets>', ruleNumber: null, title: null },
                { kind: 'story', id: 5, customer: null, ruleNumber: null, title: null },
              ],
              outcomes: [{ kind: 'roadmap_item', id: 2, customer: null, ruleNumber: null, title: 'No fax' }],
            },
          },
          { now },
        ),
      ]),
  'rules/renderThreadLine': () =>
    ['status', 'owner', 'duplicate', 'note'].map((action) =>
      render(rulesViews, 'renderThreadLine', ruleEvent({ action, ownerId: 'U0EXEC0001' }), {
        duplicateOfRef: 'RULE-1',
      }),
    ),
  'rules/renderOutcomeDm': () =>
    ['accepted', 'killed', 'kept', 'not_a_rule', 'required_by_law'].flatMap((toStatus) =>
      [true, false].map((forSubmitter) =>
        render(rulesViews, 'renderOutcomeDm', rule(1), ruleEvent({ toStatus }), { forSubmitter }),
      ),
    ),
  'rules/renderDecisionModal': () => [
    render(rulesViews, 'renderDecisionModal', {
      rule: rule(1),
      toStatus: 'accepted',
      privateMetadata: '{}',
      killBy: '2026-12-25',
    }),
    render(rulesViews, 'renderDecisionModal', { rule: rule(1), toStatus: 'kept', privateMetadata: '{}' }),
    ...['not_a_rule', 'required_by_law'].map((toStatus) =>
      render(rulesViews, 'renderDecisionModal', { rule: rule(1), toStatus, privateMetadata: '{}' }),
    ),
  ],
  'rules/renderNoteModal': () => [
    render(rulesViews, 'renderNoteModal', { rule: rule(1), privateMetadata: '{}' }),
  ],
  'rules/renderDuplicateModal': () => [
    render(rulesViews, 'renderDuplicateModal', { rule: rule(1), privateMetadata: '{}' }),
  ],
  'rules/renderRuleChangeSaved': () => [
    ...[1, 2, 4].map((recipients) =>
      render(rulesViews, 'renderRuleChangeSaved', {
        ok: true,
        rule: rule(1, { status: 'accepted' }),
        event: ruleEvent({}),
        recipients: Array.from({ length: recipients }, (_, i) => `U0PERS000${i}`),
        voterCount: recipients - 1,
      }),
    ),
    render(rulesViews, 'renderRuleChangeSaved', { ok: false, reason: 'unchanged' }),
  ],
  'rules/renderMyRules': () => [
    render(rulesViews, 'renderMyRules', [], { now, total: 0 }),
    render(rulesViews, 'renderMyRules', ruleItems(1, 1), { now, total: 1 }),
    render(rulesViews, 'renderMyRules', ruleItems(3, 3), { now, total: 4 }),
  ],
  'rules/renderRuleSearchModal': () => [
    render(rulesViews, 'renderRuleSearchModal', {
      words: 'refund',
      items: [],
      page: page(0),
      privateMetadata: '{}',
    }),
    render(rulesViews, 'renderRuleSearchModal', {
      words: 'refund',
      items: ruleItems(1, 1).map((item) => ({ ...item, voted: false })),
      page: page(1),
      privateMetadata: '{}',
      said: ':white_check_mark: You said “me too” to *RULE-1*.',
    }),
    render(rulesViews, 'renderRuleSearchModal', {
      words: 'refund signature',
      items: ruleItems(3, 3).map((item, i) => ({ ...item, voted: i === 0 })),
      page: page(8),
      privateMetadata: '{}',
    }),
  ],
  'rules/renderMyRulesModal': () => [
    render(rulesViews, 'renderMyRulesModal', ruleItems(1, 1), { now, page: page(1) }),
    render(rulesViews, 'renderMyRulesModal', ruleItems(3, 3), { now, page: page(8) }),
  ],
  'rules/renderAgingMessage': () => [
    render(rulesViews, 'renderAgingMessage', ruleItems(1, 1), { now, targetWorkingDays: 1 }),
    render(rulesViews, 'renderAgingMessage', ruleItems(41, 3), { now, targetWorkingDays: 10 }),
    render(rulesViews, 'renderAgingMessage', ruleItems(43, 3), { now, targetWorkingDays: 10 }),
  ],
  'rules/renderOwnerDm': () => [
    render(rulesViews, 'renderOwnerDm', rule(1, { status: 'accepted', killBy: '2026-12-25' }), ruleEvent({})),
    render(rulesViews, 'renderOwnerDm', rule(2, { status: 'under_review' }), ruleEvent({ action: 'owner' })),
  ],
  'rules/renderOverdueMessage': () =>
    [1, 3, 41].map((n) =>
      render(
        rulesViews,
        'renderOverdueMessage',
        ruleItems(n, 1).map((item, i) => ({
          ...item,
          rule: {
            ...item.rule,
            status: 'accepted',
            killBy: '2026-11-20',
            ownerId: i === 1 ? null : 'U0EXEC0001',
          },
        })),
      ),
    ),
  'rules/renderOwnerOverdueDm': () =>
    [1, 3].map((n) =>
      render(
        rulesViews,
        'renderOwnerOverdueDm',
        ruleItems(n, 1).map((item) => ({
          ...item,
          rule: { ...item.rule, status: 'accepted', killBy: '2026-11-20' },
        })),
      ),
    ),
  'rules/renderRulesHomeSection': () => [
    render(rulesViews, 'renderRulesHomeSection', rulesHome(1, 1, 1), { now }),
    render(rulesViews, 'renderRulesHomeSection', rulesHome(3, 3, 10), { now }),
    render(
      rulesViews,
      'renderRulesHomeSection',
      {
        ...rulesHome(1, 1, 1),
        owned: [
          {
            ...ruleItems(1, 1)[0],
            rule: rule(1, { status: 'accepted', killBy: '2026-11-20' }),
            overdue: true,
          },
          { ...ruleItems(2, 2)[1], rule: rule(2, { ease: 'easy', impact: 'high' }), overdue: false },
        ],
      },
      { now },
    ),
  ],
  'rules/renderRulesExport': () => [
    render(rulesViews, 'renderRulesExport', ruleItems(1, 1)),
    render(rulesViews, 'renderRulesExport', ruleItems(3, 3)),
  ],
  'rules/renderRulesAuditExport': () => [
    render(rulesViews, 'renderRulesAuditExport', ruleItems(1, 1), [ruleEvent({ ruleNumber: 1 })]),
    render(
      rulesViews,
      'renderRulesAuditExport',
      ruleItems(3, 3).map((item, i) => (i === 0 ? { ...item, rule: rule(1, { anonymous: true }) } : item)),
      ['status', 'owner', 'note'].map((action, i) => ruleEvent({ id: i + 1, action, ruleNumber: 2 })),
    ),
  ],
  'rules/renderHistoryModal': () => [
    render(
      rulesViews,
      'renderHistoryModal',
      { rule: rule(1, { anonymous: true }), events: [], page: page(0), duplicateOfRef: undefined },
      { privateMetadata: '{}' },
    ),
    render(
      rulesViews,
      'renderHistoryModal',
      {
        rule: rule(1, { status: 'duplicate' }),
        events: ['status', 'owner', 'duplicate', 'note', 'rating'].map((action, i) =>
          ruleEvent({ id: i + 1, action, ownerId: 'U0EXEC0001', note: i === 3 ? 'Ask <!here>' : null }),
        ),
        page: page(12),
        duplicateOfRef: 'RULE-2',
      },
      { privateMetadata: '{}' },
    ),
  ],
  'rules/renderVoterSummaryDm': () =>
    [1, 3, 45].map((n) =>
      render(
        rulesViews,
        'renderVoterSummaryDm',
        Array.from({ length: n }, (_, i) => ({
          rule: rule(i + 1),
          fromStatus: 'under_review',
          toStatus: ['killed', 'not_a_rule', 'duplicate'][i % 3],
          note: 'You can refund up to €200 without a signature.',
          duplicateOfRef: 'RULE-1',
        })),
      ),
    ),

  'calls/renderCallModal': () => [
    render(callsViews, 'renderCallModal', { stages, today: '2026-11-25', privateMetadata: '{}' }),
    render(callsViews, 'renderCallModal', { stages, categories, today: '2026-11-25', privateMetadata: '{}' }),
  ],
  'calls/renderThanks': () => [
    render(callsViews, 'renderThanks', call(1), pace(1, 1)),
    render(callsViews, 'renderThanks', call(1), pace(3, 2)),
    render(callsViews, 'renderThanks', call(1), undefined),
    render(callsViews, 'renderThanks', call(1), pace(1, 2), [], { roadmap: true }),
  ],
  'calls/renderNudge': () => [
    render(callsViews, 'renderNudge', executive('U0EXEC0001'), pace(0, 1)),
    render(callsViews, 'renderNudge', executive('U0EXEC0001', { timeZone: 'Europe/Berlin' }), pace(1, 3)),
  ],
  'calls/renderFollowUpsDm': () =>
    ['assigned', 'due'].flatMap((kind) =>
      [1, 3].flatMap((n) => [
        render(callsViews, 'renderFollowUpsDm', {
          kind,
          items: Array.from({ length: n }, (_, i) => ({ followUp: followUp(i + 1), call: call(1) })),
        }),
        render(callsViews, 'renderFollowUpsDm', {
          kind,
          items: Array.from({ length: n }, (_, i) => ({
            followUp: followUp(i + 1, { doneAt: now }),
            call: call(1),
          })),
        }),
      ]),
    ),
  'calls/renderRoster': () =>
    rosters().map(({ rows, page }) => render(callsViews, 'renderRoster', rows, page)),
  'calls/renderRosterModal': () =>
    rosters().map(({ rows, page }) => render(callsViews, 'renderRosterModal', rows, page)),
  'calls/renderTargetModal': () => [
    render(callsViews, 'renderTargetModal', executive('U0EXEC0001'), 1, '{}'),
  ],
  'calls/renderSummary': () => [
    render(callsViews, 'renderSummary', summary(1, 1)),
    render(callsViews, 'renderSummary', summary(3, 3)),
    render(callsViews, 'renderSummary', summary(2, 0)),
  ],
  'calls/renderCallsHome': () => [
    render(callsViews, 'renderCallsHome', {
      pace: pace(1, 1),
      calls: [call(1)],
      followUps: [followUp(1)],
      followUpsPage: page(1),
    }),
    render(callsViews, 'renderCallsHome', {
      pace: pace(3, 2),
      calls: [call(1), call(2), call(3)],
      followUps: [followUp(1), followUp(2), followUp(3, { dueDate: null })],
      followUpsPage: page(8),
    }),
  ],
  'calls/renderNudgeSnoozed': () => [render(callsViews, 'renderNudgeSnoozed', '2026-12-02')],
  'calls/renderNudgePaused': () => [render(callsViews, 'renderNudgePaused', '2026-12-10')],
  'calls/renderPauseRefused': () => [render(callsViews, 'renderPauseRefused')],
  'calls/renderFollowUpNotYours': () => [render(callsViews, 'renderFollowUpNotYours')],
  'calls/renderNudgesQueued': () => [0, 1, 3].map((n) => render(callsViews, 'renderNudgesQueued', n)),
  'calls/renderCallsExport': () =>
    [1, 3].map((n) =>
      render(
        callsViews,
        'renderCallsExport',
        {
          calls: Array.from({ length: n }, (_, i) => call(i + 1)),
          followUps: Array.from({ length: n }, (_, i) => followUp(i + 1)),
        },
        '2026-11-25',
      ),
    ),
  'calls/renderTargetSaved': () => [
    render(callsViews, 'renderTargetSaved', { userId: 'U0EXEC0001', from: 1, to: 1 }),
    render(callsViews, 'renderTargetSaved', { userId: 'U0EXEC0001', from: null, to: 1 }),
    render(callsViews, 'renderTargetSaved', { userId: 'U0EXEC0001', from: 1, to: 3 }),
  ],

  'delivery/renderDeliveryHealth': () => [
    render(deliveryViews, 'renderDeliveryHealth', { waiting: 0, sending: 0, dead: 0, latest: [] }),
    render(deliveryViews, 'renderDeliveryHealth', {
      waiting: 1,
      sending: 1,
      dead: 1,
      latest: [deadLetter(1)],
    }),
    render(
      deliveryViews,
      'renderDeliveryHealth',
      { waiting: 3, sending: 3, dead: 3, latest: [deadLetter(3), deadLetter(2)] },
      'Retried.',
    ),
  ],
  'delivery/renderDeadLettersModal': () => [
    render(deliveryViews, 'renderDeadLettersModal', [], page(0)),
    render(deliveryViews, 'renderDeadLettersModal', [deadLetter(1)], page(1)),
    render(deliveryViews, 'renderDeadLettersModal', [deadLetter(3), deadLetter(2)], page(12), 'Retried.'),
  ],
  'delivery/renderRetriedNotice': () => [
    render(deliveryViews, 'renderRetriedNotice', 0, 'all'),
    render(deliveryViews, 'renderRetriedNotice', 0, 'one'),
    render(deliveryViews, 'renderRetriedNotice', 1, 'one'),
    render(deliveryViews, 'renderRetriedNotice', 3, 'all'),
  ],
  'delivery/renderRefusal': () => [render(deliveryViews, 'renderRefusal')],
  'delivery/renderDeadLettersHomeLine': () =>
    [0, 1, 3].map((n) => render(deliveryViews, 'renderDeadLettersHomeLine', n)),

  'digest/renderDigestHeadline': () =>
    [1, 3, 5].map((n) => render(digestViews, 'renderDigestHeadline', digestModel(n))),
  'digest/renderDigestThread': () =>
    [1, 3, 42].map((n) => render(digestViews, 'renderDigestThread', digestModel(n))),
  'digest/renderNothingToSay': () => [render(digestViews, 'renderNothingToSay', WEEK)],
  'digest/renderAlreadyPosted': () =>
    [
      { kind: 'posted', permalink: 'https://example.slack.com/archives/C0DIGEST01/p1' },
      { kind: 'posted', permalink: undefined },
      { kind: 'on_its_way' },
      { kind: 'refused' },
      { kind: 'skipped' },
    ].map((state) => render(digestViews, 'renderAlreadyPosted', WEEK, state, CHANNEL)),
  'digest/renderOnItsWay': () => [
    render(digestViews, 'renderOnItsWay', WEEK, CHANNEL),
    render(digestViews, 'renderOnItsWay', WEEK, CHANNEL, true),
  ],
  'digest/renderDigestProblem': () =>
    ['missed', 'refused', 'unprepared'].map((problem) =>
      render(digestViews, 'renderDigestProblem', WEEK, problem, CHANNEL),
    ),
  'digest/renderPreviewIntro': () => [render(digestViews, 'renderPreviewIntro', CHANNEL)],
  'digest/renderSkipAnswer': () => [
    render(digestViews, 'renderSkipAnswer', WEEK, undefined),
    render(digestViews, 'renderSkipAnswer', WEEK, { kind: 'skipped' }),
    render(digestViews, 'renderSkipAnswer', WEEK, { kind: 'posted', permalink: undefined }),
  ],
  'digest/renderDigestUsage': () => [render(digestViews, 'renderDigestUsage')],

  'home/renderHome': () => [
    render(homeViews, 'renderHome', [[{ type: 'section', text: { type: 'mrkdwn', text: 'A section' } }], []]),
  ],
  'home/renderControlRoom': () =>
    [0, 1, 3].map((n) =>
      render(homeViews, 'renderControlRoom', {
        suggestions: { count: n, oldest: n > 0 ? daysAgo(3) : null },
        stories: { count: n, oldest: n > 0 ? daysAgo(1) : null },
        overdueFollowUps: n,
        roadmap: { planned: n, in_progress: n, shipped: n, paused: n },
        deadLetters: n,
      }),
    ),

  'review/renderReviewSummary': () => [
    render(reviewViews, 'renderReviewSummary', stageReview(1)),
    render(reviewViews, 'renderReviewSummary', stageReview(3, 'stages')),
    render(reviewViews, 'renderReviewSummary', { ...stageReview(0), gaps: [] }),
  ],
  'review/renderReviewCsv': () => [
    render(reviewViews, 'renderReviewCsv', stageReview(1)),
    render(reviewViews, 'renderReviewCsv', stageReview(3)),
  ],
  'review/renderReviewFiles': () => [render(reviewViews, 'renderReviewFiles', stageReview(1))],
  'review/renderReviewHomeSection': () =>
    [0, 1, 3].map((n) =>
      render(reviewViews, 'renderReviewHomeSection', {
        month: '2026-11',
        monthLabel: 'November 2026',
        previousMonth: '2026-10',
        health: reviewHealth(n),
        previous: reviewHealth(1),
      }),
    ),
  'review/renderReviewQueued': () => [
    render(reviewViews, 'renderReviewQueued', '2026-10', 'all'),
    render(reviewViews, 'renderReviewQueued', '2026-10', { stages: ['Onboard'] }),
    render(reviewViews, 'renderReviewQueued', '2026-10', { stages: ['Onboard', 'Get help'] }),
  ],
  'review/renderReviewRefusal': () => [render(reviewViews, 'renderReviewRefusal')],
  'review/renderReviewBadMonth': () => [
    render(reviewViews, 'renderReviewBadMonth', 'October', '2026-10', 'unreadable'),
    render(reviewViews, 'renderReviewBadMonth', '2027-01', '2026-11', 'future'),
  ],

  'roadmap/renderRoadmap': () => [
    render(roadmapViews, 'renderRoadmap', [], { canEdit: true }),
    render(roadmapViews, 'renderRoadmap', [], { canEdit: false }),
    render(roadmapViews, 'renderRoadmap', roadmapGroups(1), { canEdit: true }),
    render(roadmapViews, 'renderRoadmap', roadmapGroups(3), { canEdit: false }),
    // 44 sections of five fit under the block limit: one item more is "1 more item", three "3 more items".
    render(roadmapViews, 'renderRoadmap', roadmapGroups(221), { canEdit: true }),
    render(roadmapViews, 'renderRoadmap', roadmapGroups(223), { canEdit: true }),
    // The owner's own items: "Why it matters" on the first two, a hint for the rest.
    render(roadmapViews, 'renderRoadmap', roadmapGroups(1), { canEdit: false, viewerId: 'U0EXEC0001' }),
    render(roadmapViews, 'renderRoadmap', roadmapGroups(3), { canEdit: false, viewerId: 'U0EXEC0001' }),
    render(roadmapViews, 'renderRoadmap', roadmapGroups(221), { canEdit: true, viewerId: 'U0EXEC0001' }),
  ],
  'roadmap/renderWhyModal': () => [
    render(roadmapViews, 'renderWhyModal', { item: roadmapItem(1), privateMetadata: '{}' }),
    render(roadmapViews, 'renderWhyModal', {
      item: roadmapItem(1, { whyItMatters: 'Customers wait a week today.' }),
      privateMetadata: '{}',
    }),
  ],
  'roadmap/renderWhySaved': () => [
    render(roadmapViews, 'renderWhySaved', {
      item: roadmapItem(1, { whyItMatters: 'Customers wait a week today.' }),
      before: roadmapItem(1),
    }),
    render(roadmapViews, 'renderWhySaved', { item: roadmapItem(1), before: roadmapItem(1) }),
    render(roadmapViews, 'renderWhySaved', {
      item: roadmapItem(1),
      before: roadmapItem(1, { whyItMatters: 'Customers wait a week today.' }),
    }),
  ],
  'roadmap/renderRoadmapModal': () => [
    render(roadmapViews, 'renderRoadmapModal', [], page(0)),
    render(roadmapViews, 'renderRoadmapModal', roadmapGroups(1), page(1)),
    render(roadmapViews, 'renderRoadmapModal', roadmapGroups(3), page(23)),
  ],
  'roadmap/renderNoteSaved': () => [render(roadmapViews, 'renderNoteSaved', 1)],
  'roadmap/renderItemModal': () => [
    render(roadmapViews, 'renderItemModal', { stages, privateMetadata: '{}' }),
    render(roadmapViews, 'renderItemModal', { stages, item: roadmapItem(1), privateMetadata: '{}' }),
    render(roadmapViews, 'renderItemModal', { stages, categories, privateMetadata: '{}' }),
  ],
  'roadmap/renderNoteModal': () => [
    render(roadmapViews, 'renderNoteModal', { item: roadmapItem(1), privateMetadata: '{}' }),
  ],
  'roadmap/renderWhichItem': () => [render(roadmapViews, 'renderWhichItem', 'edit')],
  'roadmap/renderNoted': () => [render(roadmapViews, 'renderNoted', 1)],
  'roadmap/renderItemSaved': () => [
    render(roadmapViews, 'renderItemSaved', { item: roadmapItem(1) }),
    render(roadmapViews, 'renderItemSaved', {
      item: roadmapItem(1),
      before: roadmapItem(1, { targetDate: '2026-12-31', status: 'planned' }),
    }),
    render(roadmapViews, 'renderItemSaved', { item: roadmapItem(1), before: roadmapItem(1) }),
  ],

  'settings/renderSettingsModal': () => [
    render(settingsViews, 'renderSettingsModal', settingsOverview(1, 1, true)),
    render(settingsViews, 'renderSettingsModal', settingsOverview(10, 3, false)),
  ],
  'settings/describeSettingsSaved': () => [
    render(settingsViews, 'describeSettingsSaved', settingsSaved(1, 1)),
    render(settingsViews, 'describeSettingsSaved', settingsSaved(3, 3)),
  ],
  'settings/renderSettingsSaved': () => [
    render(settingsViews, 'renderSettingsSaved', settingsSaved(1, 1)),
    render(settingsViews, 'renderSettingsSaved', { values: [] }),
  ],

  'stories/renderStoryModal': () => [
    render(storiesViews, 'renderStoryModal', { stages, values: {}, privateMetadata: '{}' }),
    render(storiesViews, 'renderStoryModal', { stages, categories, values: {}, privateMetadata: '{}' }),
  ],
  'stories/renderStoryCard': () => [
    render(storiesViews, 'renderStoryCard', { story: story(), stageName: 'Onboard', picked: false }),
    render(storiesViews, 'renderStoryCard', {
      story: story(),
      stageName: 'Get help',
      categoryName: 'Responding to customer needs',
      stageOwnerId: 'U0EXEC0001',
      picked: false,
    }),
    render(storiesViews, 'renderStoryCard', {
      story: story({ featuredInWeek: null, status: 'pending' }),
      stageName: undefined,
      picked: true,
    }),
  ],
  'stories/renderRejectModal': () => [render(storiesViews, 'renderRejectModal', story(), '{}')],
  'stories/renderStoryRejectSaved': () => [
    render(storiesViews, 'renderStoryRejectSaved', story()),
    render(storiesViews, 'renderStoryRejectSaved', undefined),
  ],
  'stories/renderStoryEditSaved': () => [
    render(storiesViews, 'renderStoryEditSaved', story()),
    render(storiesViews, 'renderStoryEditSaved', undefined),
  ],
  'stories/renderTellerDm': () =>
    ['received', 'approved', 'rejected', 'picked'].map((event) =>
      render(storiesViews, 'renderTellerDm', story(), event),
    ),
  'stories/renderStoriesExport': () =>
    [1, 3].map((n) =>
      render(
        storiesViews,
        'renderStoriesExport',
        Array.from({ length: n }, () => ({ story: story(), stageName: 'Onboard' })),
      ),
    ),

  'checks/renderCheckQuestion': () => [
    render(checksViews, 'renderCheckQuestion', checkQuestion()),
    render(
      checksViews,
      'renderCheckQuestion',
      checkQuestion({ answer: 'it_depends', answeredAt: daysAgo(1) }),
    ),
    render(
      checksViews,
      'renderCheckQuestion',
      checkQuestion({
        answer: 'not_yet',
        answeredAt: now,
        why: 'Refunds take a week.\nSome <!channel> & more',
      }),
    ),
  ],
  'checks/renderCheckNotYours': () => [render(checksViews, 'renderCheckNotYours')],
  // The rules' aftercare: questions to an anonymous submitter, "still dead?" (typed text with markup).
  'rule-aftercare/renderAskModal': () => [
    render(aftercareViews, 'renderAskModal', { rule: rule(4, { anonymous: true }), privateMetadata: '{}' }),
  ],
  'rule-aftercare/renderAskSaved': () => [render(aftercareViews, 'renderAskSaved', rule(4))],
  'rule-aftercare/renderQuestionDm': () => [
    render(aftercareViews, 'renderQuestionDm', aftercareQuestion()),
    render(aftercareViews, 'renderQuestionDm', aftercareQuestion({ answer: 'The back door <!here>' })),
    render(aftercareViews, 'renderQuestionDm', { ...aftercareQuestion(), rule: rule(4) }),
  ],
  'rule-aftercare/renderAnswerModal': () => [
    render(aftercareViews, 'renderAnswerModal', { view: aftercareQuestion(), privateMetadata: '{}' }),
  ],
  'rule-aftercare/renderAnswerSaved': () => [render(aftercareViews, 'renderAnswerSaved', rule(4))],
  'rule-aftercare/renderQuestionLine': () => [
    render(aftercareViews, 'renderQuestionLine', aftercareQuestion()),
  ],
  'rule-aftercare/renderAnswerLine': () => [
    render(aftercareViews, 'renderAnswerLine', aftercareQuestion({ answer: 'The back door <!here>' })),
  ],
  'rule-aftercare/renderQuestionNotYours': () => [render(aftercareViews, 'renderQuestionNotYours')],
  'rule-aftercare/renderQuestionAnswered': () => [render(aftercareViews, 'renderQuestionAnswered')],
  'rule-aftercare/renderStillDeadDm': () => [
    render(aftercareViews, 'renderStillDeadDm', stillDead()),
    render(aftercareViews, 'renderStillDeadDm', stillDead({ answer: 'gone' })),
    render(aftercareViews, 'renderStillDeadDm', {
      ...stillDead({ answer: 'back', note: 'At the <!channel> desk' }),
      reopenedRef: 'RULE-12',
    }),
  ],
  'rule-aftercare/renderBackModal': () => [
    render(aftercareViews, 'renderBackModal', { view: stillDead(), privateMetadata: '{}' }),
  ],
  'rule-aftercare/renderBackSaved': () => [
    render(aftercareViews, 'renderBackSaved', { ...stillDead({ answer: 'back' }), reopenedRef: 'RULE-12' }),
  ],
  'rule-aftercare/renderBackAgainLine': () => [
    render(aftercareViews, 'renderBackAgainLine', stillDead({ answer: 'back', note: 'Still <@U0EMPL0001>' })),
  ],
  'rule-aftercare/renderStillDeadNotYours': () => [render(aftercareViews, 'renderStillDeadNotYours')],
  'checks/renderChecksHomeSection': () => [
    render(checksViews, 'renderChecksHomeSection', { quarterLabel: 'October to December 2026', stages: [] }),
    render(checksViews, 'renderChecksHomeSection', {
      quarterLabel: 'October to December 2026',
      stages: [
        { stageName: 'Get help <!channel>', yes: 1, itDepends: 3, notYet: 0, open: 2 },
        { stageName: 'Onboard', yes: 0, itDepends: 0, notYet: 1, open: 0 },
      ],
    }),
    render(checksViews, 'renderChecksHomeSection', {
      quarterLabel: 'October to December 2026',
      stages: Array.from({ length: 15 }, (_, i) => ({
        stageName: `Stage ${i + 1}`,
        yes: i,
        itDepends: 1,
        notYet: 1,
        open: 0,
      })),
    }),
  ],
  'checks/renderWhyModal': () => [
    render(checksViews, 'renderWhyModal', {
      question: checkQuestion({ answer: 'yes' }),
      privateMetadata: '{}',
    }),
    render(checksViews, 'renderWhyModal', {
      question: checkQuestion({ answer: 'it_depends', why: 'x'.repeat(1000) }),
      privateMetadata: '{}',
    }),
  ],
  'checks/renderWhySaved': () => [
    render(checksViews, 'renderWhySaved', checkQuestion({ answer: 'yes', why: 'Fast everywhere.' })),
    render(checksViews, 'renderWhySaved', checkQuestion({ answer: 'yes' })),
  ],

  'links/renderLinkModal': () => {
    const targets = (n: number, status: string) =>
      Array.from({ length: n }, (_, i) => ({
        id: i + 1,
        number: i + 1,
        title: `Refund form ${i + 1}`,
        status,
      }));
    return [
      render(linksViews, 'renderLinkModal', {
        kind: 'story',
        name: 'customer story #3',
        rules: [],
        roadmapItems: [],
        privateMetadata: '{}',
      }),
      render(linksViews, 'renderLinkModal', {
        kind: 'story',
        name: 'customer story #3',
        rules: targets(1, 'accepted'),
        roadmapItems: targets(3, 'shipped'),
        privateMetadata: '{}',
      }),
      render(linksViews, 'renderLinkModal', {
        kind: 'rule',
        name: 'RULE-7',
        rules: [],
        roadmapItems: targets(2, 'in_progress'),
        privateMetadata: '{}',
      }),
    ];
  },
  'links/renderLinkSaved': () => [
    render(linksViews, 'renderLinkSaved', {
      from: 'customer story #3',
      to: 'RULE-7 “Fax <form>”',
      created: true,
    }),
    render(linksViews, 'renderLinkSaved', { from: 'RULE-7', to: 'roadmap item #2 “No fax”', created: false }),
  ],
  'links/renderTurnRefused': () =>
    (['turn', 'roadmap', 'link'] as const).map((what) => render(linksViews, 'renderTurnRefused', what)),
  'links/renderLoopClosedDm': () => {
    const behind = {
      callId: 1,
      loggedBy: 'U0EXEC0001',
      customer: 'Acme <Rockets> & Co',
      callDate: '2026-11-16',
    };
    return [
      render(
        linksViews,
        'renderLoopClosedDm',
        { kind: 'rule', id: 7, number: 7, title: 'Fax form for refunds', note: 'Gone from today.' },
        behind,
      ),
      render(
        linksViews,
        'renderLoopClosedDm',
        {
          kind: 'roadmap_item',
          id: 2,
          title: 'Refunds in one click',
          customerChange: 'Money back the same day',
        },
        behind,
      ),
      render(
        linksViews,
        'renderLoopClosedDm',
        { kind: 'roadmap_item', id: 2, title: 'Refunds in one click', customerChange: null },
        behind,
      ),
    ];
  },

  'touchpoint/renderHelp': () => [
    render(touchpointViews, 'renderHelp', { catalogue: commandCatalogue }),
    render(touchpointViews, 'renderHelp', { catalogue: commandCatalogue, unknownSubcommand: 'frobnicate' }),
  ],
  'touchpoint/renderSubcommandRefusal': () => [render(touchpointViews, 'renderSubcommandRefusal', 'roster')],
};

/**
 * Every exported `render…` and `describe…` function of the features' views files, as `feature/function`;
 * with `returning`, only those declared to return that type (e.g. `ModalView`).
 */
export function exportedViews(returning?: string): string[] {
  const found: string[] = [];
  for (const feature of readdirSync(FEATURES_DIR, { withFileTypes: true })) {
    if (!feature.isDirectory()) continue;
    const dir = join(FEATURES_DIR, feature.name);
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.views.ts'))) {
      const source = ts.createSourceFile(file, readFileSync(join(dir, file), 'utf8'), ts.ScriptTarget.Latest);
      for (const statement of source.statements) {
        if (
          ts.isFunctionDeclaration(statement) &&
          statement.name &&
          /^(render|describe)/.test(statement.name.text) &&
          (returning === undefined || statement.type?.getText(source) === returning) &&
          statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
        )
          found.push(`${feature.name}/${statement.name.text}`);
      }
    }
  }
  return found.sort();
}
