import { replyEphemeral } from '../../slack/reply.js';
import type { HomeSection, TouchpointSubcommand } from '../feature.js';
import { parseMonthArgument } from './review.forms.js';
import { currentMonth, healthThisMonth, lastFullMonth, requestStageReview } from './review.service.js';
import {
  renderReviewBadMonth,
  renderReviewHomeSection,
  renderReviewQueued,
  renderReviewRefusal,
} from './review.views.js';

/**
 * `/touchpoint stages [YYYY-MM]`: the CX office gets the whole review, a stage owner their stages', anyone
 * else a friendly refusal. The answer says it is on its way; the outbox sends the DM, the picture and the
 * CSV (the review is built then), so the command answers at once.
 */
export const onStagesCommand: TouchpointSubcommand['run'] = async ({
  rest,
  command,
  client,
  respond,
  deps,
}) => {
  const target = { channel: command.channel_id, user: command.user_id, respond };
  const now = deps.now();
  const zone = deps.config.timeZone;
  const example = lastFullMonth(now, zone);
  const typed = parseMonthArgument(rest);
  if (!typed.ok) {
    await replyEphemeral(client, target, renderReviewBadMonth(typed.typed, example, 'unreadable'));
    return;
  }
  const month = typed.month ?? example;
  const isCxOffice = await deps.roles.isCxOffice(command.user_id);
  const result = await requestStageReview(
    deps.db,
    // Slack's trigger ID names the request: a retried delivery of the same command queues nothing twice.
    { userId: command.user_id, isCxOffice, month, zone, requestId: command.trigger_id },
    now,
  );
  if (!result.ok) {
    await replyEphemeral(
      client,
      target,
      result.reason === 'future_month'
        ? renderReviewBadMonth(month, currentMonth(now, zone), 'future')
        : renderReviewRefusal(),
    );
    return;
  }
  await replyEphemeral(client, target, renderReviewQueued(month, result.scope));
};

/** The CX office's Home: the loop's health this month so far, against last month (nothing for others). */
export const onHomeRendered: HomeSection['render'] = async ({ deps, now, isCxOffice }) => {
  if (!isCxOffice) return [];
  return renderReviewHomeSection(await healthThisMonth(deps.db, deps.config.timeZone, now));
};
