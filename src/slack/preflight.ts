import { createHash } from 'node:crypto';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Config } from '../config.js';
import type { DbOrTx } from '../db/client.js';
import { enqueue, outboxKey } from '../outbox/outbox.js';
import { StartupError } from '../startup-errors.js';
import { escapeMrkdwn } from './mrkdwn.js';
import { safeErrorText } from './safe-errors.js';

/**
 * The start's look at the workspace, after `app.init()` proved the token: do the channels and user groups
 * the configuration names exist, and can the bot use them? Slack would otherwise accept a nomination, tell
 * the submitter it is with the CX office, and fail only when the card is sent.
 *
 * - Fatal (the start stops with one line naming each variable and the fix): a channel that is not found, is
 *   archived, or the bot is not a member of (it could not post there); a user group ID that is not found.
 * - A warning (logged, and DMed to the CX office once a day through the outbox): what people can set right
 *   in Slack while Touchpoint runs — a user group that is empty or disabled — and a check Slack did not
 *   answer (a missing scope on an install older than the manifest, an outage).
 *
 * Every call is made at once: the start pays one round trip.
 */
export interface SlackCheck {
  team: { id: string; name: string };
  /** The bot user's name, as people type it after `@`. */
  botName: string;
  /** Channel names (without `#`); undefined when Slack did not say (see `warnings`). */
  channels: { backlog: string | undefined; digest: string | undefined };
  warnings: string[];
  /** The CX office's user IDs, user groups resolved: who is told of the warnings. */
  cxOfficeMembers: string[];
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: string; needed?: string };

async function settle<T>(call: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    const e = error as { code?: string; data?: { error?: string; needed?: string } };
    if (e.code === ErrorCode.PlatformError)
      return { ok: false, error: e.data?.error ?? 'unknown_error', needed: e.data?.needed };
    return { ok: false, error: safeErrorText(error, 200) };
  }
}

function couldNotCheck(what: string, failure: { error: string; needed?: string }): string {
  return failure.error === 'missing_scope'
    ? `could not check ${what}: the app was installed without a scope this needs${failure.needed ? ` (${failure.needed})` : ''}; reinstall it from manifest.yml`
    : `could not check ${what} (Slack answered: ${failure.error})`;
}

export async function checkSlack(
  client: WebClient,
  config: Pick<Config, 'backlogChannel' | 'digestChannel' | 'cxOffice' | 'executives'>,
): Promise<SlackCheck> {
  const groupIds = [...config.cxOffice, ...config.executives].filter((id) => id.startsWith('S'));
  const channelInfo = (id: string) => settle(client.conversations.info({ channel: id }));
  const backlogCall = channelInfo(config.backlogChannel);
  const [auth, backlog, digest, groups] = await Promise.all([
    // app.init() made this call already but Bolt keeps only the bot's IDs; the workspace's name is here.
    client.auth.test(),
    backlogCall,
    config.digestChannel === config.backlogChannel ? backlogCall : channelInfo(config.digestChannel),
    groupIds.length > 0
      ? settle(client.usergroups.list({ include_users: true, include_disabled: true }))
      : undefined,
  ]);
  const team = { id: auth.team_id ?? '', name: auth.team ?? 'Slack' };
  const botName = auth.user ?? 'Touchpoint';
  const fatal: string[] = [];
  const warnings: string[] = [];

  const channelName = (variable: string, id: string, answer: typeof backlog): string | undefined => {
    if (!answer.ok) {
      if (answer.error === 'channel_not_found')
        fatal.push(
          `${variable} ${id} was not found in the ${team.name} workspace: copy the channel ID from the channel's details (a private channel: /invite @${botName} there first)`,
        );
      else warnings.push(couldNotCheck(`${variable} ${id}`, answer));
      return undefined;
    }
    const channel = answer.value.channel;
    const name = channel?.name ?? id;
    if (channel?.is_archived)
      fatal.push(`${variable} #${name} (${id}) is archived: unarchive it in Slack, or name another channel`);
    else if (channel?.is_member === false)
      fatal.push(`invite @${botName} to #${name} (${variable}): /invite @${botName} in that channel`);
    return channel?.name;
  };
  const channels = {
    backlog: channelName('TOUCHPOINT_BACKLOG_CHANNEL', config.backlogChannel, backlog),
    digest: channelName('TOUCHPOINT_DIGEST_CHANNEL', config.digestChannel, digest),
  };

  const cxOfficeMembers = new Set(config.cxOffice.filter((id) => !id.startsWith('S')));
  if (groups && !groups.ok) {
    warnings.push(couldNotCheck('the user groups in TOUCHPOINT_CX_OFFICE and TOUCHPOINT_EXECUTIVES', groups));
  } else if (groups) {
    const known = new Map((groups.value.usergroups ?? []).map((group) => [group.id, group]));
    for (const [variable, ids, role] of [
      ['TOUCHPOINT_CX_OFFICE', config.cxOffice, 'nobody is CX office'],
      ['TOUCHPOINT_EXECUTIVES', config.executives, 'nobody is an executive'],
    ] as const) {
      for (const id of ids.filter((id) => id.startsWith('S'))) {
        const group = known.get(id);
        if (!group) {
          fatal.push(
            `${variable} names the user group ${id}, which was not found in the ${team.name} workspace: check the group's ID (S…) in Slack`,
          );
          continue;
        }
        const label = `the user group @${group.handle ?? group.name ?? id} (${id}) in ${variable}`;
        if ((group.date_delete ?? 0) > 0)
          warnings.push(`${label} is disabled, so ${role} through it: enable it in Slack`);
        else if ((group.users ?? []).length === 0)
          warnings.push(`${label} has no members, so ${role} through it: add people to it in Slack`);
        if (variable === 'TOUCHPOINT_CX_OFFICE' && !group.date_delete)
          for (const user of group.users ?? []) cxOfficeMembers.add(user);
      }
    }
  }

  if (fatal.length > 0) throw new StartupError(fatal.join('; '));
  return { team, botName, channels, warnings, cxOfficeMembers: [...cxOfficeMembers] };
}

// People in Slack never read the server's variable names: the DM says which setting in words.
const SETTING_IN_WORDS: Record<string, string> = {
  TOUCHPOINT_CX_OFFICE: 'the CX office setting',
  TOUCHPOINT_EXECUTIVES: 'the executive roster setting',
  TOUCHPOINT_BACKLOG_CHANNEL: 'the backlog channel setting',
  TOUCHPOINT_DIGEST_CHANNEL: 'the weekly update channel setting',
};
const inWords = (warning: string) =>
  warning.replace(/\bTOUCHPOINT_[A-Z_]+\b/g, (name) => SETTING_IN_WORDS[name] ?? 'a setting');

/**
 * Queues one DM with the start's warnings to each CX office member. The key names the day and the
 * warnings, so restarts (and every replica) that find the same problems the same day send nothing more,
 * and a new problem is told at once.
 */
export async function queueSlackCheckWarnings(db: DbOrTx, check: SlackCheck, now: Date): Promise<void> {
  if (check.warnings.length === 0) return;
  const digest = createHash('sha256').update(check.warnings.join('\n')).digest('hex').slice(0, 12);
  const day = now.toISOString().slice(0, 10);
  const text = [
    `Touchpoint started, but ${check.warnings.length === 1 ? 'one thing needs' : `${check.warnings.length} things need`} a look:`,
    ...check.warnings.map((warning) => `• ${escapeMrkdwn(inWords(warning))}`),
    'Whoever runs Touchpoint will find more in its README, under “The start checks Slack”.',
  ].join('\n');
  await enqueue(
    db,
    check.cxOfficeMembers.map((user) => ({
      key: outboxKey('start-check', day, digest, 'dm', user),
      method: 'chat.postMessage' as const,
      channel: user,
      args: { text, unfurl_links: false },
    })),
    now,
  );
}
