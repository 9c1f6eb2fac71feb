import { Cron } from 'croner';
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { jobRuns } from '../../jobs/job-runs.schema.js';
import type { DigestContribution, DigestWindow, Feature } from '../../slack/feature.js';
import { inZone, isoWeekKey } from '../../time.js';
import { type ChangedItem, listRoadmapChangesBetween } from '../roadmap/roadmap.queries.js';
import { readSetting } from '../settings/settings.keys.js';
import { listJourneyStages } from '../settings/stages.queries.js';
import {
  findFeaturedStory,
  findPickedStory,
  listRecentlyFeaturedStageIds,
  listUnfeaturedApprovedStories,
  type Story,
} from '../stories/stories.queries.js';

/** The weekly update: what goes in it, and when it is due. No Slack here. */

export const DIGEST_JOB = 'digest';

export interface DigestModel {
  week: string;
  window: DigestWindow;
  /** Shipped first, then the items with most changes. */
  roadmap: ChangedItem[];
  story: { story: Story; stageName: string | undefined } | undefined;
  rulesKilled: Extract<DigestContribution, { kind: 'rules_killed' }>['rules'];
  leaders: Extract<DigestContribution, { kind: 'leaders_called' }>['leaders'];
}

export type DigestContributor = NonNullable<Feature['digest']>;

/**
 * From the last posted digest (or a week ago) to now. `excludeWeek` leaves that week's own post out, so
 * posting a week's update again shows the same changes as the first time.
 */
export async function digestWindow(db: Db, now: Date, excludeWeek?: string): Promise<DigestWindow> {
  const [last] = await db
    .select({ finishedAt: jobRuns.finishedAt })
    .from(jobRuns)
    .where(
      and(
        eq(jobRuns.job, DIGEST_JOB),
        eq(jobRuns.status, 'done'),
        excludeWeek === undefined ? undefined : ne(jobRuns.period, excludeWeek),
      ),
    )
    .orderBy(desc(jobRuns.finishedAt))
    .limit(1);
  return { start: last?.finishedAt ?? new Date(now.getTime() - 7 * 86_400_000), end: now };
}

/**
 * The CX office's pick (whenever they picked it), else the oldest approved story not yet featured,
 * preferring a stage not featured recently.
 */
export async function chooseStoryOfTheWeek(db: Db): Promise<Story | undefined> {
  const picked = await findPickedStory(db);
  if (picked) return picked;
  const [candidates, recentStages] = await Promise.all([
    listUnfeaturedApprovedStories(db, 50),
    listRecentlyFeaturedStageIds(db, RECENT_FEATURED_STORIES),
  ]);
  return candidates.find((story) => !recentStages.includes(story.stageId)) ?? candidates[0];
}

/** "Featured recently": the stages of the last three stories of the week. */
const RECENT_FEATURED_STORIES = 3;

export async function buildDigest(
  db: Db,
  config: Config,
  contributors: DigestContributor[],
  now: Date,
  options: { repost?: boolean } = {},
): Promise<DigestModel> {
  const week = isoWeekKey(now, config.timeZone);
  const window = await digestWindow(db, now, options.repost ? week : undefined);
  const [roadmap, story, stages, contributions] = await Promise.all([
    listRoadmapChangesBetween(db, window.start, window.end),
    // Posting again shows the story this week's update featured.
    options.repost
      ? findFeaturedStory(db, week).then((featured) => featured ?? chooseStoryOfTheWeek(db))
      : chooseStoryOfTheWeek(db),
    listJourneyStages(db),
    Promise.all(contributors.map((contribute) => contribute(db, window))),
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
    leaders: contributions.flatMap((c) => (c.kind === 'leaders_called' ? c.leaders : [])),
  };
}

export function isEmptyDigest(model: DigestModel): boolean {
  return (
    model.roadmap.length === 0 && !model.story && model.rulesKilled.length === 0 && model.leaders.length === 0
  );
}

/**
 * The week whose update is due at `now`: this week's scheduled time (company zone) has passed. After
 * downtime only the current week counts, so a restart never posts a flood of past weeks.
 */
export async function dueDigestWeek(db: Db, config: Config, now: Date): Promise<string | undefined> {
  const schedule = await readSetting(db, config, 'digest.schedule');
  let previous: Date | undefined;
  try {
    previous = new Cron(schedule, { timezone: config.timeZone, paused: true }).previousRuns(
      1,
      new Date(now.getTime() + 1_000),
    )[0]; // a run exactly at `now` counts
  } catch {
    return undefined;
  }
  if (!previous) return undefined;
  const week = isoWeekKey(now, config.timeZone);
  return isoWeekKey(previous, config.timeZone) === week ? week : undefined;
}

/** The ISO week before the one containing `now`, in the company zone. */
export function previousWeekKey(now: Date, zone: string): string {
  return isoWeekKey(inZone(now, zone).minus({ weeks: 1 }).toJSDate(), zone);
}
