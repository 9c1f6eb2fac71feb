import { z } from 'zod';
import { cardRenderers } from '../../outbox/card.js';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import {
  findRule,
  loadLateRules,
  loadRuleCard,
  loadRuleChange,
  RULE_CARD,
  RULES_RENDER,
  rememberRuleCard,
} from './rules.service.js';
import {
  renderAgingMessage,
  renderBacklogCard,
  renderOutcomeDm,
  renderSubmittedDm,
  renderThreadLine,
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
});

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
        forSubmitter: recipient === loaded.rule.submitterId,
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
    const { ruleIds, targetWorkingDays } = lateRulesInput.parse(input);
    const items = await loadLateRules(db, ruleIds);
    return items.length > 0 ? { ...renderAgingMessage(items, { now, targetWorkingDays }) } : null;
  },
};

export const rulesRenderers: OutboxRenderer[] = [...card, threadLine, outcomeDm, submittedDm, lateRules];
