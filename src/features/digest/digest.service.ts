import { Cron } from 'croner';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { Db, DbOrTx } from '../../db/client.js';
import { enqueue, type OutboxItem, outboxKey, type PostedMessage } from '../../outbox/outbox.js';
import { findOutboxItemByKey, type OutboxRow } from '../../outbox/outbox.queries.js';
import { inZone, isoWeekKey, weekBounds } from '../../time.js';
import type { Feature } from '../feature.js';
import { type ChangedItem, listRoadmapChangesBetween } from '../roadmap/roadmap.queries.js';
import { ruleRef } from '../rules/rules.service.js';
import { readSetting } from '../settings/settings.keys.js';
import { listJourneyStages } from '../settings/settings.service.js';
import { findFeaturedStory } from '../stories/stories.queries.js';
import { chooseStoryOfTheWeek, markStoryFeatured, type Story } from '../stories/stories.service.js';
import {
  type ChainLinkRow,
  findLastPostedAt,
  findWeekRecord,
  firstSignOfRunning,
  listChainLinksEndingBetween,
  recordOnce,
  recordWeek,
  setWeekHeadline,
  type WeekRecord,
} from './digest.queries.js';
import type { ChainStep, DigestChain, DigestContribution, DigestWindow } from './digest.types.js';

/**
 * The weekly update: what goes in it, when it is due, and the rules of posting it. No Slack here: the
 * posts and the CX office's DMs are written to the outbox in the transaction that records the week, as
 * the messages `DigestMessages` builds (digest.views.ts).
 */

export interface DigestModel {
  week: string;
  window: DigestWindow;
  /** Shipped first, then the items with most changes. */
  roadmap: ChangedItem[];
  story: { story: Story; stageName: string | undefined } | undefined;
  rulesKilled: Extract<DigestContribution, { kind: 'rules_killed' }>['rules'];
  /** Suggestions found not to be rules at all in the window: the myth-busters. */
  mythsBusted?: Extract<DigestContribution, { kind: 'myths_busted' }>['myths'];
  leaders: Extract<DigestContribution, { kind: 'leaders_called' }>['leaders'];
  /** One per roadmap item changed or rule killed in the window that came from somewhere (`item_links`). */
  chains: DigestChain[];
}

export type DigestContributor = NonNullable<Feature['digest']>;

/** Why the CX office hears about a week's update that did not go out. */
export type DigestProblem = 'missed' | 'refused' | 'unprepared';

/** A message's arguments for the outbox besides its channel (text, blocks…). */
type MessageArgs = Record<string, unknown>;

/** How the weekly update's messages read. The service decides what is sent, to whom and when. */
export interface DigestMessages {
  /** The short headline in the channel. */
  headline(model: DigestModel): MessageArgs;
  /** Each section with something to say, in the headline's thread. */
  thread(model: DigestModel): MessageArgs[];
  /** To the CX office: the schedule found nothing to say this week. */
  nothingToSay(week: string): MessageArgs;
  /** To the CX office: a week's update did not go out. */
  problem(week: string, problem: DigestProblem, channel: string): MessageArgs;
}

/** What the weekly update is given once, when the app starts: who contributes, how its messages read. */
export interface DigestSetup {
  contributors: DigestContributor[];
  messages: DigestMessages;
}

/** The CX office's members, looked up only when a DM is due (a Slack lookup the caller provides). */
export type CxOfficeMembers = () => Promise<string[]>;

/** Where a week whose update is taken stands. */
export type WeekStatus =
  /** Sent: where the headline is (or, for a week posted before the outbox, its link). */
  | { kind: 'posted'; headline: PostedMessage | undefined; permalink: string | undefined }
  | { kind: 'on_its_way' }
  /** Slack refused the headline (Touchpoint removed from the channel, the channel archived…). */
  | { kind: 'refused' }
  | { kind: 'skipped' };

/**
 * From the last posted digest (or a week ago) to now. `excludeWeek` leaves that week's own post out, so
 * posting a week's update again shows the same changes as the first time.
 */
async function digestWindow(db: Db, now: Date, excludeWeek?: string): Promise<DigestWindow> {
  const last = await findLastPostedAt(db, excludeWeek);
  return { start: last ?? new Date(now.getTime() - 7 * 86_400_000), end: now };
}

export async function buildDigest(
  db: Db,
  config: Config,
  contributors: DigestContributor[],
  now: Date,
  options: { repost?: boolean } = {},
): Promise<DigestModel> {
  const week = isoWeekKey(now, config.timeZone);
  const window = await digestWindow(db, now, options.repost ? week : undefined);
  const [roadmap, story, stages, contributions, chainLinks] = await Promise.all([
    listRoadmapChangesBetween(db, window.start, window.end),
    // Posting again shows the story this week's update featured.
    options.repost
      ? findFeaturedStory(db, week).then(
          (featured) => featured ?? chooseStoryOfTheWeek(db, config.timeZone, now),
        )
      : chooseStoryOfTheWeek(db, config.timeZone, now),
    listJourneyStages(db),
    Promise.all(contributors.map((contribute) => contribute(db, window))).then((parts) => parts.flat()),
    listChainLinksEndingBetween(db, window.start, window.end),
  ]);
  roadmap.sort(
    (a, b) =>
      Number(b.item.status === 'shipped') - Number(a.item.status === 'shipped') ||
      b.changes - a.changes ||
      a.item.id - b.item.id,
  );
  return {
    week,
    window,
    roadmap,
    story: story && { story, stageName: stages.find((stage) => stage.id === story.stageId)?.name },
    rulesKilled: contributions.flatMap((c) => (c.kind === 'rules_killed' ? c.rules : [])),
    mythsBusted: contributions.flatMap((c) => (c.kind === 'myths_busted' ? c.myths : [])),
    leaders: contributions.flatMap((c) => (c.kind === 'leaders_called' ? c.leaders : [])),
    chains: assembleChains(
      chainLinks,
      roadmap.map((change) => change.item.id),
    ),
  };
}

const nodeKey = (kind: string, id: number) => `${kind}:${id}`;

/** What a link's origin is, as a step of the chain (undefined when the row it names is gone). */
function originStep(row: ChainLinkRow, isRoot: boolean): ChainStep | undefined {
  switch (row.originKind) {
    case 'call':
    case 'follow_up':
      if (!row.callKind) return undefined;
      return {
        kind: 'call',
        userId: row.callUserId ?? undefined,
        callKind: row.callKind,
        reached: row.callResult === 'reached',
        learned: row.learned ?? '',
      };
    case 'story':
      if (!row.storyStatus) return undefined;
      return {
        kind: 'story',
        // Named only for a story the CX office approved and the teller let be shared company-wide.
        tellerId: row.storyStatus === 'approved' && row.shareable ? (row.tellerId ?? undefined) : undefined,
      };
    case 'rule':
      if (row.ruleNumber === null) return undefined;
      return {
        kind: 'rule',
        ref: ruleRef({ number: row.ruleNumber }),
        // The query never reads an anonymous submitter; a named one is said only where the chain begins.
        submitterId: isRoot ? (row.ruleSubmitterId ?? undefined) : undefined,
        killed: row.ruleStatus === 'killed',
      };
    case 'roadmap_item':
      return row.itemTitle === null
        ? undefined
        : { kind: 'roadmap_item', id: row.originId, title: row.itemTitle };
  }
}

/**
 * The chains, one per end (a roadmap item changed, a rule killed): the path through the earliest link at
 * each step back to where it began, and how many beginnings it has. Roadmap items first (in the update's
 * order: shipped first), then rules; a killed rule already told inside a roadmap item's chain is not told
 * twice. Pure: the links come from one query.
 */
export function assembleChains(rows: ChainLinkRow[], roadmapOrder: number[]): DigestChain[] {
  const byEnd = new Map<string, ChainLinkRow[]>();
  for (const row of rows) {
    const key = nodeKey(row.endKind, row.endId);
    byEnd.set(key, [...(byEnd.get(key) ?? []), row]);
  }
  const chains: DigestChain[] = [];
  for (const links of byEnd.values()) {
    const [first] = links;
    if (!first) continue;
    // Each node's origins, earliest link first (a link reached twice through a diamond counts once).
    const origins = new Map<string, ChainLinkRow[]>();
    const seen = new Set<number>();
    for (const row of [...links].sort((a, b) => a.linkId - b.linkId)) {
      if (seen.has(row.linkId)) continue;
      seen.add(row.linkId);
      const key = nodeKey(row.itemKind, row.itemId);
      origins.set(key, [...(origins.get(key) ?? []), row]);
    }
    const endKey = nodeKey(first.endKind, first.endId);
    const path: ChainLinkRow[] = [];
    const visited = new Set([endKey]);
    for (let at = origins.get(endKey)?.[0]; at; ) {
      const key = nodeKey(at.originKind, at.originId);
      if (visited.has(key)) break;
      visited.add(key);
      path.unshift(at);
      at = origins.get(key)?.[0];
    }
    const roots = new Set(
      [...seen]
        .map((id) => links.find((row) => row.linkId === id))
        .filter((row): row is ChainLinkRow => row !== undefined)
        .map((row) => nodeKey(row.originKind, row.originId))
        .filter((key) => !origins.has(key)),
    );
    const steps = path.flatMap((row, index) => originStep(row, index === 0) ?? []);
    if (steps.length === 0) continue;
    if (first.endKind === 'rule') {
      if (first.endRuleNumber === null) continue;
      chains.push({
        steps,
        end: { kind: 'rule', ref: ruleRef({ number: first.endRuleNumber }) },
        roots: roots.size,
      });
    } else if (roadmapOrder.includes(first.endId)) {
      chains.push({ steps, end: { kind: 'roadmap_item', id: first.endId }, roots: roots.size });
    }
  }
  const toldInside = new Set(
    chains.flatMap((chain) =>
      chain.end.kind === 'roadmap_item'
        ? chain.steps.flatMap((step) => (step.kind === 'rule' && step.killed ? [step.ref] : []))
        : [],
    ),
  );
  const position = (chain: DigestChain) =>
    chain.end.kind === 'roadmap_item' ? roadmapOrder.indexOf(chain.end.id) : roadmapOrder.length;
  return chains
    .filter((chain) => !(chain.end.kind === 'rule' && toldInside.has(chain.end.ref)))
    .sort((a, b) => position(a) - position(b));
}

export function isEmptyDigest(model: DigestModel): boolean {
  return (
    model.roadmap.length === 0 &&
    !model.story &&
    model.rulesKilled.length === 0 &&
    (model.mythsBusted ?? []).length === 0 &&
    model.leaders.length === 0
  );
}

/** `/touchpoint digest preview`: this week's update as it would be posted now, or that it has nothing. */
export async function previewWeeklyUpdate(
  db: Db,
  config: Config,
  contributors: DigestContributor[],
  now: Date,
): Promise<{ status: 'ready'; model: DigestModel } | { status: 'nothing'; week: string }> {
  const model = await buildDigest(db, config, contributors, now);
  return isEmptyDigest(model) ? { status: 'nothing', week: model.week } : { status: 'ready', model };
}

/** The schedule's last time before `before`, in the company zone (none if the schedule is unreadable). */
async function lastScheduledBefore(db: Db, config: Config, before: Date): Promise<Date | undefined> {
  const schedule = await readSetting(db, config, 'digest.schedule');
  try {
    return new Cron(schedule, { timezone: config.timeZone, paused: true }).previousRuns(1, before)[0];
  } catch {
    return undefined;
  }
}

/**
 * The week whose update is due at `now`: this week's scheduled time (company zone) has passed. After
 * downtime only the current week counts, so a restart never posts a flood of past weeks.
 */
export async function dueDigestWeek(db: Db, config: Config, now: Date): Promise<string | undefined> {
  // A run exactly at `now` counts.
  const previous = await lastScheduledBefore(db, config, new Date(now.getTime() + 1_000));
  if (!previous) return undefined;
  const week = isoWeekKey(now, config.timeZone);
  return isoWeekKey(previous, config.timeZone) === week ? week : undefined;
}

/** The ISO week before the one containing `now`, in the company zone. */
function previousWeekKey(now: Date, zone: string): string {
  return isoWeekKey(inZone(now, zone).minus({ weeks: 1 }).toJSDate(), zone);
}

/** The last scheduled time of `week` before `before`, if the schedule has one that week. */
async function lastSlotOf(db: Db, config: Config, week: string, before: Date): Promise<Date | undefined> {
  const slot = await lastScheduledBefore(db, config, before);
  return slot && isoWeekKey(slot, config.timeZone) === week ? slot : undefined;
}

/**
 * The headline in the channel, then each section in its thread: the lines name the headline as their
 * parent (they need its ts) and share its lane (the channel), so they follow it, in order.
 */
function updateItems(
  messages: DigestMessages,
  model: DigestModel,
  headlineKey: string,
  channel: string,
): OutboxItem[] {
  return [
    { key: headlineKey, method: 'chat.postMessage', channel, args: messages.headline(model) },
    ...messages.thread(model).map(
      (args, index): OutboxItem => ({
        key: outboxKey(headlineKey, 'thread', index),
        method: 'chat.postMessage',
        channel,
        parentKey: headlineKey,
        args,
      }),
    ),
  ];
}

function cxOfficeDms(members: string[], key: string, args: MessageArgs): OutboxItem[] {
  return members.map((userId) => ({
    key: outboxKey(key, 'dm', userId),
    method: 'chat.postMessage',
    channel: userId,
    args,
  }));
}

/**
 * Whether a week's record stops another post: posted or skipped does; a failed or abandoned claim (from
 * before the outbox) does not; a week the schedule found empty does not stop the CX office.
 */
function isTaken(record: WeekRecord, overNothing: boolean): boolean {
  if (record.status === 'failed' || record.status === 'running') return false;
  return !(overNothing && record.status === 'skipped' && record.result.reason === 'nothing');
}

/** Where a week's headline is: in the outbox still, sent (with its channel and ts), or refused by Slack. */
async function findWeekHeadline(db: DbOrTx, record: WeekRecord): Promise<OutboxRow | undefined> {
  return record.result.headline ? findOutboxItemByKey(db, record.result.headline) : undefined;
}

const postedMessageSchema = z.object({ channel: z.string(), ts: z.string() });

async function weekStatus(db: DbOrTx, record: WeekRecord): Promise<WeekStatus> {
  if (record.status === 'skipped') return { kind: 'skipped' };
  const headline = await findWeekHeadline(db, record);
  if (headline?.status === 'dead') return { kind: 'refused' };
  if (headline && headline.status !== 'sent') return { kind: 'on_its_way' };
  const posted = postedMessageSchema.safeParse(headline?.result);
  return {
    kind: 'posted',
    headline: posted.success ? posted.data : undefined,
    permalink: record.result.permalink, // a week posted before the outbox kept its link
  };
}

/** What a week that is taken already became (after losing a race too: another replica, a double click). */
async function alreadyTaken(
  db: DbOrTx,
  week: string,
): Promise<{ status: 'already'; week: string; state: WeekStatus }> {
  const record = (await findWeekRecord(db, week)) ?? { status: 'done', result: {} };
  return { status: 'already', week, state: await weekStatus(db, record) };
}

export type WeeklyOutcome =
  /** In the outbox: it reaches the channel in a moment. */
  | { status: 'queued'; week: string; headline: string }
  /** Nothing to say: nothing posted (the schedule tells the CX office). */
  | { status: 'nothing'; week: string }
  /** The week was posted, skipped, or found empty by the schedule already. */
  | { status: 'already'; week: string; state: WeekStatus };

/**
 * This week's update, once. The schedule's tick and `/touchpoint digest send` both come here: a week
 * the schedule found empty does not stop the CX office from sending it later that week once there is
 * something to say; their own skip does.
 */
export async function postWeeklyUpdate(
  db: Db,
  config: Config,
  setup: DigestSetup,
  now: Date,
  request: { by: 'schedule'; cxOffice: CxOfficeMembers } | { by: 'cx_office' },
): Promise<WeeklyOutcome> {
  const week = isoWeekKey(now, config.timeZone);
  const overNothing = request.by === 'cx_office';
  const taken = await findWeekRecord(db, week);
  if (taken && isTaken(taken, overNothing)) return alreadyTaken(db, week);
  const model = await buildDigest(db, config, setup.contributors, now);
  if (isEmptyDigest(model)) {
    // Asked for by the CX office: they see it in their answer, and the week stays open.
    if (request.by === 'cx_office') return { status: 'nothing', week };
    const members = await request.cxOffice();
    return db.transaction(async (tx): Promise<WeeklyOutcome> => {
      const nothing = { status: 'skipped', result: { reason: 'nothing' } } as const;
      if (!(await recordWeek(tx, week, nothing, now, { overNothing }))) return alreadyTaken(tx, week);
      const dms = cxOfficeDms(
        members,
        outboxKey('digest', week, 'nothing'),
        setup.messages.nothingToSay(week),
      );
      await enqueue(tx, dms, now);
      return { status: 'nothing', week };
    });
  }
  const headline = outboxKey('digest', week, 'headline');
  return db.transaction(async (tx): Promise<WeeklyOutcome> => {
    const posted = { status: 'done', result: { reason: 'posted', headline } } as const;
    if (!(await recordWeek(tx, week, posted, now, { overNothing }))) return alreadyTaken(tx, week);
    await enqueue(tx, updateItems(setup.messages, model, headline, config.digestChannel), now);
    if (model.story)
      await markStoryFeatured(tx, model.story.story.id, week, { backlogChannel: config.backlogChannel }, now);
    return { status: 'queued', week, headline };
  });
}

/**
 * "Post again" (the CX office, on confirmation): the same update once more, under a new key. One post
 * per confirmed click, even when Slack delivers the click twice. From then on "already posted" links to it.
 */
export async function postWeeklyUpdateAgain(
  db: Db,
  config: Config,
  setup: DigestSetup,
  now: Date,
  click: { week: string; userId: string; actionTs: string },
): Promise<
  | { status: 'queued'; week: string; headline: string }
  | { status: 'nothing'; week: string }
  | { status: 'duplicate' }
> {
  const model = await buildDigest(db, config, setup.contributors, now, { repost: true });
  if (isEmptyDigest(model)) return { status: 'nothing', week: model.week };
  const headline = outboxKey('digest', model.week, 'again', click.userId, click.actionTs);
  return db.transaction(async (tx) => {
    if (!(await recordOnce(tx, 'digest.again', `${click.week}:${click.userId}:${click.actionTs}`, now)))
      return { status: 'duplicate' } as const;
    await enqueue(tx, updateItems(setup.messages, model, headline, config.digestChannel), now);
    await setWeekHeadline(tx, model.week, headline);
    return { status: 'queued', week: click.week, headline } as const;
  });
}

/** `/touchpoint digest skip`: this week's update is not posted, unless it is already. */
export async function skipWeeklyUpdate(
  db: Db,
  config: Config,
  userId: string,
  now: Date,
): Promise<{ status: 'skipped'; week: string } | { status: 'already'; week: string; state: WeekStatus }> {
  const week = isoWeekKey(now, config.timeZone);
  const skipped = { status: 'skipped', result: { reason: 'skipped', by: userId } } as const;
  if (await recordWeek(db, week, skipped, now, { overNothing: true })) return { status: 'skipped', week };
  return alreadyTaken(db, week);
}

/** What the scheduler's tick works with. */
interface Tick {
  db: Db;
  config: Config;
  setup: DigestSetup;
  cxOffice: CxOfficeMembers;
}

/** Tells the CX office about a problem with a week's update, once per `period`. */
async function tellCxOfficeOnce(
  { db, config, setup, cxOffice }: Tick,
  notice: { problem: DigestProblem; week: string; period: string },
  now: Date,
): Promise<void> {
  const members = await cxOffice();
  const message = setup.messages.problem(notice.week, notice.problem, config.digestChannel);
  await db.transaction(async (tx) => {
    if (!(await recordOnce(tx, `digest.notice.${notice.problem}`, notice.period, now))) return;
    await enqueue(tx, cxOfficeDms(members, outboxKey('digest', notice.period, notice.problem), message), now);
  });
}

/**
 * The scheduler's tick (every few minutes): posts the week's update once its time has come, and tells
 * the CX office what went wrong, in words, once each: a week missed while Touchpoint was installed but not
 * running, an update Slack refused, an update that could not be prepared.
 */
export async function runWeeklyTick(
  db: Db,
  config: Config,
  setup: DigestSetup,
  now: Date,
  cxOffice: CxOfficeMembers,
): Promise<void> {
  const tick: Tick = { db, config, setup, cxOffice };
  await noticeMissedWeek(tick, now);
  // Evidence that Touchpoint runs its schedule from now on, so a later missed week can be noticed.
  await recordOnce(db, 'digest.installed', 'first', now);
  const week = await dueDigestWeek(db, config, now);
  if (!week) return;
  try {
    await postWeeklyUpdate(db, config, setup, now, { by: 'schedule', cxOffice });
  } catch (error) {
    await tellCxOfficeOnce(tick, { problem: 'unprepared', week, period: week }, now).catch(() => undefined);
    throw error;
  }
  const record = await findWeekRecord(db, week);
  const headline = record && (await findWeekHeadline(db, record));
  if (headline?.status === 'dead')
    await tellCxOfficeOnce(tick, { problem: 'refused', week, period: headline.key }, now);
}

/**
 * Last week's update was never recorded although its scheduled time passed while Touchpoint was installed
 * (the database shows it running before then): Touchpoint was not running at that time. A fresh install
 * has nothing to regret: its first run is after every past slot.
 */
async function noticeMissedWeek(tick: Tick, now: Date): Promise<void> {
  const { db, config } = tick;
  const lastWeek = previousWeekKey(now, config.timeZone);
  if (await findWeekRecord(db, lastWeek)) return;
  const slot = await lastSlotOf(db, config, lastWeek, weekBounds(now, config.timeZone).start);
  const since = await firstSignOfRunning(db);
  if (!slot || !since || since.getTime() > slot.getTime()) return;
  await tellCxOfficeOnce(tick, { problem: 'missed', week: lastWeek, period: lastWeek }, now);
}
