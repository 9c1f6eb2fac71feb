import type { WebClient } from '@slack/web-api';
import { claimJobRun, finishJobRun } from '../../jobs/job-runs.queries.js';
import { sendDm } from '../../slack/dm.js';
import type { AppDeps, FeatureJob } from '../../slack/feature.js';
import { forEachConcurrently } from '../../slack/pool.js';
import { inZone, isoWeekKey } from '../../time.js';
import { listJourneyStages } from '../settings/stages.queries.js';
import {
  claimFollowUpReminder,
  claimNudge,
  findCall,
  finishNudge,
  listActiveExecutives,
  listCallsBetween,
  listFollowUpsToRemind,
  listOpenFollowUps,
} from './calls.queries.js';
import { dueNudges, monthRange, paceForExecutives, type SlackUser, syncRoster } from './calls.service.js';
import { renderFollowUpDm, renderNudge, renderSummary } from './calls.views.js';

// Enough parallel DMs to finish thousands quickly; the Web API client waits out 429s (Retry-After).
const DM_CONCURRENCY = 8;
// A claim older than this belongs to a run that died: the next tick sends that nudge.
const NUDGE_CLAIM_TIMEOUT_MS = 10 * 60_000;

/** A user's Slack zone and status; after a failed lookup both are unknown (`undefined`), never guessed. */
export async function lookUpUser(client: WebClient, userId: string): Promise<SlackUser> {
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

/**
 * The roster as Slack has it now: listed users plus every listed group's members, read fresh (not the
 * roles cache), so the daily sync sees today's groups. A group Slack cannot read throws: the sync is
 * skipped rather than dropping the whole roster on a passing error.
 */
async function readRosterMembers(client: WebClient, sources: string[]): Promise<string[]> {
  const members = new Set(sources.filter((id) => !id.startsWith('S')));
  for (const groupId of sources.filter((id) => id.startsWith('S'))) {
    const result = await client.usergroups.users.list({ usergroup: groupId });
    for (const userId of result.users ?? []) members.add(userId);
  }
  return [...members];
}

export const rosterJob: FeatureJob = {
  name: 'calls.roster',
  schedule: () => '0 3 * * *',
  runAtStart: true,
  async run({ deps, client }, now) {
    const members = await readRosterMembers(client, deps.config.executives);
    const users: SlackUser[] = [];
    await forEachConcurrently(members, DM_CONCURRENCY, async (userId) => {
      users.push(await lookUpUser(client, userId));
    });
    await syncRoster(deps.db, users, now, deps.config.timeZone);
    deps.logger.info(`Executive roster synced: ${users.length} from Slack`);
  },
};

/** Sends every due nudge once. Used by the tick and by `/touchpoint nudges run` (`anyTime`). */
export async function sendDueNudges(
  deps: AppDeps,
  client: WebClient,
  now: Date,
  anyTime: boolean,
): Promise<number> {
  const due = await dueNudges(deps.db, deps.config, now, { anyTime });
  let sent = 0;
  await forEachConcurrently(due, DM_CONCURRENCY, async ({ executive, week, pace }) => {
    if (
      !(await claimNudge(
        deps.db,
        executive.userId,
        week,
        now,
        new Date(now.getTime() - NUDGE_CLAIM_TIMEOUT_MS),
      ))
    )
      return;
    try {
      await sendDm(client, executive.userId, renderNudge(executive, pace));
      await finishNudge(deps.db, executive.userId, week, 'sent', now);
      sent += 1;
    } catch (error) {
      await finishNudge(deps.db, executive.userId, week, 'failed', now);
      deps.logger.warn(`A nudge could not be sent: ${(error as Error).message}`);
    }
  });
  return sent;
}

export const nudgesJob: FeatureJob = {
  name: 'calls.nudges',
  schedule: () => '*/15 * * * *',
  async run({ deps, client }, now) {
    await sendDueNudges(deps, client, now, false);
  },
};

/** Follow-up owners hear on the due date's morning (09:00 or later) in their own zone, once. */
export const followUpsJob: FeatureJob = {
  name: 'calls.followups',
  schedule: () => '*/15 * * * *',
  async run({ deps, client }, now) {
    // Zones run from UTC-12 to UTC+14: "today" is one of the dates between those two zones' dates.
    const earliest = inZone(now, 'Etc/GMT+12').toISODate() ?? '';
    const latest = inZone(now, 'Pacific/Kiritimati').toISODate() ?? '';
    const candidates = await listFollowUpsToRemind(deps.db, earliest, latest);
    await forEachConcurrently(candidates, DM_CONCURRENCY, async (followUp) => {
      const local = inZone(now, followUp.ownerTimeZone);
      const today = local.toISODate() ?? '';
      if (!followUp.dueDate || followUp.dueDate !== today || local.hour < 9) return;
      const claimed = await claimFollowUpReminder(deps.db, followUp.id, today);
      if (!claimed) return;
      const call = await findCall(deps.db, claimed.callId);
      if (call) await sendDm(client, claimed.ownerId, renderFollowUpDm(claimed, call, 'due'));
    });
  },
};

/** Monday morning (company zone): the CX office's engagement summary, once a week. */
export const summaryJob: FeatureJob = {
  name: 'calls.summary',
  schedule: () => '*/15 8-11 * * 1',
  async run({ deps, client }, now) {
    const week = isoWeekKey(now, deps.config.timeZone);
    if (!(await claimJobRun(deps.db, 'calls.summary', week, now))) return;
    try {
      const message = renderSummary(await buildSummary(deps, now));
      const members = await deps.roles.cxOfficeMembers();
      await Promise.allSettled(members.map((userId) => sendDm(client, userId, message)));
      await finishJobRun(deps.db, 'calls.summary', week, 'done', now);
    } catch (error) {
      await finishJobRun(deps.db, 'calls.summary', week, 'failed', now);
      throw error;
    }
  },
};

export async function buildSummary(deps: AppDeps, now: Date) {
  const zone = deps.config.timeZone;
  const roster = await listActiveExecutives(deps.db);
  const { from, to } = monthRange(now, zone);
  const [paces, monthCalls, open, stages] = await Promise.all([
    paceForExecutives(deps.db, deps.config, roster, now),
    listCallsBetween(deps.db, from, to),
    listOpenFollowUps(deps.db),
    listJourneyStages(deps.db),
  ]);
  const today = inZone(now, zone).toISODate() ?? '';
  const stageName = new Map(stages.map((s) => [s.id, s.name]));
  const byStage = new Map<
    string,
    { stage: string; calls: number; positive: number; negative: number; quotes: string[] }
  >();
  for (const call of monthCalls) {
    const stage = call.stageId ? (stageName.get(call.stageId) ?? 'Other') : 'No stage';
    const entry = byStage.get(stage) ?? { stage, calls: 0, positive: 0, negative: 0, quotes: [] };
    entry.calls += 1;
    if (call.sentiment === 'positive') entry.positive += 1;
    if (call.sentiment === 'negative') entry.negative += 1;
    entry.quotes.push(call.learned);
    byStage.set(stage, entry);
  }
  return {
    month: inZone(now, zone).toFormat('LLLL yyyy'),
    rows: roster.map((executive) => ({
      userId: executive.userId,
      pace: paces.get(executive.userId) ?? { calls: 0, target: 0, expected: 0, behind: false },
    })),
    overdue: open.filter((f) => f.dueDate !== null && f.dueDate < today).length,
    byStage: [...byStage.values()].sort((a, b) => b.calls - a.calls),
  };
}
