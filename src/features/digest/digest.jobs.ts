import type { AppDeps } from '../../slack/deps.js';
import type { FeatureJob } from '../feature.js';
import { type DigestSetup, runWeeklyTick } from './digest.service.js';

/** The scheduler's tick: posts the week's update once it is due, and tells the CX office what went wrong. */
export function postWeeklyDigest(deps: AppDeps, setup: DigestSetup, now: Date): Promise<void> {
  return runWeeklyTick(deps.db, deps.config, setup, now, () => deps.roles.cxOfficeMembers());
}

export function weeklyDigestJob(setup: DigestSetup): FeatureJob {
  return {
    // Frequent ticks: the schedule (a setting) decides; the database keeps it to one post a week.
    name: 'digest.weekly',
    schedule: () => '*/5 * * * *',
    run: ({ deps }, now) => postWeeklyDigest(deps, setup, now),
  };
}
