import type { WebClient } from '@slack/web-api';
import type { Db } from '../../db/client.js';
import { sendDm } from '../../slack/dm.js';
import type { AppDeps } from '../../slack/feature.js';
import {
  claimCardPosting,
  countVotes,
  findRuleById,
  listStageNames,
  type Rule,
  updateRule,
} from './rules.queries.js';
import { type ChangeResult, ruleRef } from './rules.service.js';
import { type CardModel, renderBacklogCard, renderOutcomeDm, renderThreadLine } from './rules.views.js';

/**
 * The Slack side effects of rules: posting and updating cards, thread lines and DMs. Shared by the
 * listeners and the jobs; no product rules here.
 */

// A card claim older than this belongs to a process that died: another may post the card.
const CARD_CLAIM_TIMEOUT_MS = 2 * 60_000;

export async function loadCardModel(db: Db, rule: Rule): Promise<CardModel> {
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

/** Posts the nomination's card to the backlog channel, once, whoever else tries at the same time. */
export async function postRuleCard(
  client: WebClient,
  deps: AppDeps,
  ruleId: number,
  now: Date,
): Promise<void> {
  const claimed = await claimCardPosting(
    deps.db,
    ruleId,
    now,
    new Date(now.getTime() - CARD_CLAIM_TIMEOUT_MS),
  );
  if (!claimed) return;
  const card = renderBacklogCard(await loadCardModel(deps.db, claimed), { now });
  try {
    const posted = await client.chat.postMessage({
      channel: deps.config.backlogChannel,
      ...card,
      unfurl_links: false,
    });
    await updateRule(deps.db, ruleId, { cardChannel: String(posted.channel), cardTs: String(posted.ts) });
  } catch (error) {
    // Release the claim so the next tick of `rules.cards` tries again.
    await updateRule(deps.db, ruleId, { cardClaimedAt: null });
    throw error;
  }
}

/** Re-renders a card in place (chat.update) after a vote or a decision. */
export async function refreshRuleCard(
  client: WebClient,
  deps: AppDeps,
  rule: Rule,
  now: Date,
): Promise<void> {
  if (!rule.cardChannel || !rule.cardTs) return;
  const card = renderBacklogCard(await loadCardModel(deps.db, rule), { now });
  await client.chat.update({ channel: rule.cardChannel, ts: rule.cardTs, ...card });
}

/** After a change: the card in place, a line in its thread, and a DM to the submitter and every voter. */
export async function announceChange(
  client: WebClient,
  deps: AppDeps,
  result: Extract<ChangeResult, { ok: true }>,
  now: Date,
): Promise<void> {
  const { rule, event, target } = result;
  const duplicateOfRef = target ? ruleRef(target) : undefined;
  await refreshRuleCard(client, deps, rule, now);
  if (target) await refreshRuleCard(client, deps, target, now);
  if (rule.cardChannel && rule.cardTs) {
    await client.chat.postMessage({
      channel: rule.cardChannel,
      thread_ts: rule.cardTs,
      ...renderThreadLine(event, { duplicateOfRef }),
      unfurl_links: false,
    });
  }
  const sends = result.recipients.map((userId) =>
    sendDm(
      client,
      userId,
      renderOutcomeDm(rule, event, { forSubmitter: userId === rule.submitterId, duplicateOfRef }),
    ),
  );
  const failures = (await Promise.allSettled(sends)).filter((outcome) => outcome.status === 'rejected');
  // Never name the recipients: one of them may be an anonymous submitter.
  if (failures.length > 0)
    deps.logger.warn(`${ruleRef(rule)}: ${failures.length} outcome DM(s) could not be sent`);
}
