import { z } from 'zod';
import { cardRenderers } from '../../outbox/card.js';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import {
  findRule,
  findSubmitterId,
  loadLateRules,
  loadRuleCard,
  loadRuleChange,
  loadVoterSummary,
  RULE_CARD,
  RULES_RENDER,
  rememberRuleCard,
} from './rules.service.js';
import {
  renderAgingMessage,
  renderBacklogCard,
  renderOutcomeDm,
  renderOverdueMessage,
  renderOwnerDm,
  renderOwnerOverdueDm,
  renderSubmittedDm,
  renderThreadLine,
  renderVoterSummaryDm,
} from './rules.views.js';

/**
 * What rules say in Slack, rendered when the outbox sends it (the service only says what is to be sent):
 * the card shows its latest votes and status, a thread line finds its card's ts. No Slack client here.
 */

const eventInput = z.object({ eventId: z.number().int().positive(), recipient: z.string().optional() });
const ruleInput = z.object({ ruleId: z.number().int().positive() });
const lateRulesInput = z.object({
  ruleIds: z.array(z.number().int().positive()),
  targetWorkingDays: z.number().int().positive(),
  quickTargetWorkingDays: z.number().int().positive().optional(),
});
const ownerDmInput = z.object({ eventId: z.number().int().positive(), ownerId: z.string() });
const overdueInput = z.object({ ruleIds: z.array(z.number().int().positive()) });

/** The nomination's card in the backlog channel, through the shared card path. */
const card = cardRenderers(RULE_CARD, {
  load: loadRuleCard,
  placeOf: ({ rule }) =>
    rule.cardChannel && rule.cardTs ? { channel: rule.cardChannel, ts: rule.cardTs } : undefined,
  render: (model, now) => ({ ...renderBacklogCard(model, { now }) }),
  remember: rememberRuleCard,
});

/** One line in the card's thread per change. */
const threadLine: OutboxRenderer = {
  name: RULES_RENDER.threadLine,
  async render(db, input) {
    const loaded = await loadRuleChange(db, eventInput.parse(input).eventId);
    const { cardChannel, cardTs } = loaded?.rule ?? {};
    if (!loaded || !cardChannel || !cardTs) return null;
    return {
      channel: cardChannel,
      thread_ts: cardTs,
      ...renderThreadLine(loaded.event, { duplicateOfRef: loaded.duplicateOfRef }),
    };
  },
};

/** The outcome of a change, to the submitter or a voter. */
const outcomeDm: OutboxRenderer = {
  name: RULES_RENDER.outcomeDm,
  async render(db, input) {
    const { eventId, recipient } = eventInput.parse(input);
    const loaded = await loadRuleChange(db, eventId);
    if (!loaded) return null;
    return {
      ...renderOutcomeDm(loaded.rule, loaded.event, {
        forSubmitter: recipient !== undefined && recipient === (await findSubmitterId(db, loaded.rule.id)),
        duplicateOfRef: loaded.duplicateOfRef,
      }),
    };
  },
};

/** "We got it: RULE-42", to the submitter. */
const submittedDm: OutboxRenderer = {
  name: RULES_RENDER.submittedDm,
  async render(db, input) {
    const rule = await findRule(db, ruleInput.parse(input).ruleId);
    return rule ? { ...renderSubmittedDm(rule) } : null;
  },
};

/** The working-day morning call-out of the late nominations, with their votes as they are when sent. */
const lateRules: OutboxRenderer = {
  name: RULES_RENDER.lateRules,
  async render(db, input, now) {
    const { ruleIds, targetWorkingDays, quickTargetWorkingDays } = lateRulesInput.parse(input);
    const items = await loadLateRules(db, ruleIds);
    return items.length > 0
      ? { ...renderAgingMessage(items, { now, targetWorkingDays, quickTargetWorkingDays }) }
      : null;
  },
};

const voterSummaryInput = z.object({ eventIds: z.array(z.number().int().positive()) });

/** A voter's daily summary of the status changes on what they backed, as things stand when it is sent. */
const voterSummary: OutboxRenderer = {
  name: RULES_RENDER.voterSummary,
  async render(db, input) {
    const items = await loadVoterSummary(db, voterSummaryInput.parse(input).eventIds);
    return items.length > 0 ? { ...renderVoterSummaryDm(items) } : null;
  },
};

/** The owner a change named: what they own and by when (sent only while they still own it). */
const ownerDm: OutboxRenderer = {
  name: RULES_RENDER.ownerDm,
  async render(db, input) {
    const { eventId, ownerId } = ownerDmInput.parse(input);
    const loaded = await loadRuleChange(db, eventId);
    if (!loaded || loaded.rule.ownerId !== ownerId) return null;
    return { ...renderOwnerDm(loaded.rule, loaded.event) };
  },
};

/** The accepted rules still past their kill-by date when sent (killed since: left out). */
async function stillOverdue(db: Parameters<OutboxRenderer['render']>[0], input: unknown) {
  const items = await loadLateRules(db, overdueInput.parse(input).ruleIds);
  return items.filter((item) => item.rule.status === 'accepted');
}

/** The working-day morning call-out of overdue accepted rules, to the CX office in the backlog channel. */
const overdueRules: OutboxRenderer = {
  name: RULES_RENDER.overdueRules,
  async render(db, input) {
    const items = await stillOverdue(db, input);
    return items.length > 0 ? { ...renderOverdueMessage(items) } : null;
  },
};

/** The same morning, each owner's reminder of theirs. */
const ownerOverdueDm: OutboxRenderer = {
  name: RULES_RENDER.ownerOverdueDm,
  async render(db, input) {
    const items = await stillOverdue(db, input);
    return items.length > 0 ? { ...renderOwnerOverdueDm(items) } : null;
  },
};

export const rulesRenderers: OutboxRenderer[] = [
  ...card,
  threadLine,
  outcomeDm,
  submittedDm,
  lateRules,
  voterSummary,
  ownerDm,
  overdueRules,
  ownerOverdueDm,
];
