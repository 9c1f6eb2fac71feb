import type { DbOrTx } from '../../db/client.js';
import type { OutboxRenderer } from '../../outbox/outbox.js';
import {
  countVotes,
  findRuleById,
  findRuleEventById,
  listStageNames,
  type Rule,
  updateRule,
} from './rules.queries.js';
import { RULES_RENDER, ruleRef } from './rules.service.js';
import {
  type CardModel,
  renderBacklogCard,
  renderOutcomeDm,
  renderSubmittedDm,
  renderThreadLine,
} from './rules.views.js';

/**
 * What rules say in Slack, rendered when the outbox sends it (the service only says what is to be sent):
 * a card shows its latest votes and status, a thread line finds its card's ts. No Slack client here.
 */

export async function loadCardModel(db: DbOrTx, rule: Rule): Promise<CardModel> {
  const [votes, stages, duplicateOf] = await Promise.all([
    countVotes(db, [rule.id]),
    listStageNames(db),
    rule.duplicateOfId ? findRuleById(db, rule.duplicateOfId) : Promise.resolve(undefined),
  ]);
  return {
    rule,
    votes: votes.get(rule.id) ?? 0,
    stageName: rule.stageId ? stages.get(rule.stageId) : undefined,
    duplicateOfRef: duplicateOf ? ruleRef(duplicateOf) : undefined,
  };
}

const ruleIdOf = (input: Record<string, unknown>) => Number(input.ruleId);
const eventIdOf = (input: Record<string, unknown>) => Number(input.eventId);

async function duplicateOfRef(db: DbOrTx, rule: Rule): Promise<string | undefined> {
  const target = rule.duplicateOfId ? await findRuleById(db, rule.duplicateOfId) : undefined;
  return target ? ruleRef(target) : undefined;
}

/** The nomination's card in the backlog channel; its channel and ts are kept on the nomination. */
const card: OutboxRenderer = {
  name: RULES_RENDER.card,
  async render(db, input, now) {
    const rule = await findRuleById(db, ruleIdOf(input));
    if (!rule) return null;
    return { ...renderBacklogCard(await loadCardModel(db, rule), { now }) };
  },
  async sent(db, input, posted) {
    await updateRule(db, ruleIdOf(input), { cardChannel: posted.channel, cardTs: posted.ts });
  },
};

/** The card again, in place, as it is now (votes, status, owner). Nothing while the card is not posted. */
const cardUpdate: OutboxRenderer = {
  name: RULES_RENDER.cardUpdate,
  async render(db, input, now) {
    const rule = await findRuleById(db, ruleIdOf(input));
    if (!rule?.cardChannel || !rule.cardTs) return null;
    return {
      channel: rule.cardChannel,
      ts: rule.cardTs,
      ...renderBacklogCard(await loadCardModel(db, rule), { now }),
    };
  },
};

/** One line in the card's thread per change. */
const threadLine: OutboxRenderer = {
  name: RULES_RENDER.threadLine,
  async render(db, input) {
    const event = await findRuleEventById(db, eventIdOf(input));
    const rule = event ? await findRuleById(db, event.ruleId) : undefined;
    if (!event || !rule?.cardChannel || !rule.cardTs) return null;
    return {
      channel: rule.cardChannel,
      thread_ts: rule.cardTs,
      ...renderThreadLine(event, { duplicateOfRef: await duplicateOfRef(db, rule) }),
    };
  },
};

/** The outcome of a change, to the submitter or a voter. */
const outcomeDm: OutboxRenderer = {
  name: RULES_RENDER.outcomeDm,
  async render(db, input) {
    const event = await findRuleEventById(db, eventIdOf(input));
    const rule = event ? await findRuleById(db, event.ruleId) : undefined;
    if (!event || !rule) return null;
    return {
      ...renderOutcomeDm(rule, event, {
        forSubmitter: input.recipient === rule.submitterId,
        duplicateOfRef: await duplicateOfRef(db, rule),
      }),
    };
  },
};

/** "We got it: RULE-42", to the submitter. */
const submittedDm: OutboxRenderer = {
  name: RULES_RENDER.submittedDm,
  async render(db, input) {
    const rule = await findRuleById(db, ruleIdOf(input));
    return rule ? { ...renderSubmittedDm(rule) } : null;
  },
};

export const rulesRenderers: OutboxRenderer[] = [card, cardUpdate, threadLine, outcomeDm, submittedDm];
