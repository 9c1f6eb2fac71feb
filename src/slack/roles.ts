import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';

/**
 * Who is CX office and who is an executive, from user IDs and user-group IDs (S…). Group members come
 * from `usergroups.users.list` and are cached briefly, so a change in Slack takes effect within the TTL.
 * Every privileged action asks here on the server, whoever could click the button.
 */
export interface Roles {
  isCxOffice(userId: string): Promise<boolean>;
  isExecutive(userId: string): Promise<boolean>;
  cxOfficeMembers(): Promise<string[]>;
  executiveMembers(): Promise<string[]>;
}

export interface RoleSources {
  cxOffice: string[];
  executives: string[];
}

export interface RolesOptions {
  ttlMs?: number;
  now?: () => number;
  logger?: Logger;
}

interface CacheEntry {
  members: Promise<Set<string>>;
  fetchedAt: number;
  /** The last list that resolved, served when a refresh fails. */
  lastGood?: Set<string>;
}

export function createRoles(client: WebClient, sources: RoleSources, options: RolesOptions = {}): Roles {
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();

  async function fetchGroup(groupId: string): Promise<Set<string>> {
    const result = await client.usergroups.users.list({ usergroup: groupId });
    return new Set(result.users ?? []);
  }

  function groupMembers(groupId: string): Promise<Set<string>> {
    const entry = cache.get(groupId);
    if (entry && now() - entry.fetchedAt < ttlMs) return entry.members;
    const fresh: CacheEntry = {
      members: Promise.resolve(new Set()),
      fetchedAt: now(),
      lastGood: entry?.lastGood,
    };
    fresh.members = fetchGroup(groupId).then(
      (members) => {
        fresh.lastGood = members;
        return members;
      },
      (error: unknown) => {
        // Fail closed: without a known list nobody gains a role; with one, it keeps serving until Slack answers.
        options.logger?.warn(`Could not read user group ${groupId}: ${(error as Error).message}`);
        fresh.fetchedAt = Number.NEGATIVE_INFINITY; // ask Slack again next time
        return fresh.lastGood ?? new Set<string>();
      },
    );
    cache.set(groupId, fresh);
    return fresh.members;
  }

  async function members(ids: string[]): Promise<Set<string>> {
    const all = new Set(ids.filter((id) => !id.startsWith('S')));
    const groups = await Promise.all(ids.filter((id) => id.startsWith('S')).map(groupMembers));
    for (const group of groups) for (const user of group) all.add(user);
    return all;
  }

  return {
    isCxOffice: async (userId) => (await members(sources.cxOffice)).has(userId),
    isExecutive: async (userId) => (await members(sources.executives)).has(userId),
    cxOfficeMembers: async () => [...(await members(sources.cxOffice))],
    executiveMembers: async () => [...(await members(sources.executives))],
  };
}
