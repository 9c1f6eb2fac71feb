import type { WebClient } from '@slack/web-api';
import { forEachConcurrently } from '../../slack/pool.js';
import type { RosterMember } from './calls.service.js';

/**
 * What Slack says about people: the executive roster's members and each person's time zone. Read
 * fresh (not the roles cache) by the daily roster sync and after a call is logged, then handed to the
 * service as plain data.
 */

// Parallel users.info lookups; the Web API client waits out 429s (Retry-After).
const LOOKUP_CONCURRENCY = 8;

/** A user's Slack zone and status; after a failed lookup both are unknown (`undefined`), never guessed. */
async function lookUpUser(client: WebClient, userId: string): Promise<RosterMember> {
  try {
    const info = await client.users.info({ user: userId });
    return {
      id: userId,
      timeZone: info.user?.tz ?? undefined,
      name: info.user?.real_name ?? null,
      deleted: info.user?.deleted === true,
    };
  } catch {
    return { id: userId, timeZone: undefined, name: null, deleted: undefined };
  }
}

async function lookUpUsers(client: WebClient, userIds: string[]): Promise<RosterMember[]> {
  const users: RosterMember[] = [];
  await forEachConcurrently(userIds, LOOKUP_CONCURRENCY, async (userId) => {
    users.push(await lookUpUser(client, userId));
  });
  return users;
}

/**
 * The roster as Slack has it now: listed users plus every listed group's members, each with their zone
 * and status. A group Slack cannot read throws: the sync is skipped rather than dropping the whole roster
 * on a passing error.
 */
export async function readRoster(client: WebClient, sources: string[]): Promise<RosterMember[]> {
  const members = new Set(sources.filter((id) => !id.startsWith('S')));
  for (const groupId of sources.filter((id) => id.startsWith('S'))) {
    const result = await client.usergroups.users.list({ usergroup: groupId });
    for (const userId of result.users ?? []) members.add(userId);
  }
  return lookUpUsers(client, [...members]);
}

/** Each person's Slack zone; `undefined` where Slack could not say. */
export async function readTimeZones(
  client: WebClient,
  userIds: string[],
): Promise<Map<string, string | undefined>> {
  const users = await lookUpUsers(client, [...new Set(userIds)]);
  return new Map(users.map((user) => [user.id, user.timeZone]));
}
