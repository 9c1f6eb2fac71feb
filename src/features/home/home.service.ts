import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { localDateKey } from '../../time.js';
import { countDeadLetters } from '../delivery/delivery.service.js';
import { ROADMAP_STATUSES, type RoadmapStatus } from '../roadmap/roadmap.schema.js';
import {
  countOverdueFollowUps,
  countRoadmapByStatus,
  countStoriesToReview,
  countUndecidedRules,
  type Queue,
} from './home.queries.js';

export type { Queue };

/** The CX office's control room: what waits for it, and the roadmap at a glance. No Slack here. */
export interface ControlRoom {
  suggestions: Queue;
  stories: Queue;
  overdueFollowUps: number;
  roadmap: Record<RoadmapStatus, number>;
  deadLetters: number;
}

export async function readControlRoom(db: Db, config: Config, now: Date): Promise<ControlRoom> {
  const [suggestions, stories, overdueFollowUps, roadmap, deadLetters] = await Promise.all([
    countUndecidedRules(db),
    countStoriesToReview(db),
    countOverdueFollowUps(db, localDateKey(now, config.timeZone)),
    countRoadmapByStatus(db),
    countDeadLetters(db),
  ]);
  return {
    suggestions,
    stories,
    overdueFollowUps,
    roadmap: Object.fromEntries(
      ROADMAP_STATUSES.map((status) => [status, roadmap.get(status) ?? 0]),
    ) as Record<RoadmapStatus, number>,
    deadLetters,
  };
}
