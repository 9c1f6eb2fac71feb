import type { WebClient } from '@slack/web-api';
import { Cron } from 'croner';
import type { Feature, FeatureJob } from './features/feature.js';
import { newLogId, runWithLogContext } from './logger.js';
import type { Metrics } from './metrics.js';
import type { AppDeps } from './slack/deps.js';
import { safeErrorText } from './slack/safe-errors.js';

/**
 * Clock ticks. Each feature job runs on its cron schedule in the company time zone and asks the database
 * what is due, so several replicas, restarts and downtime never double or lose work: the job decides.
 */
export interface Scheduler {
  /** Runs one job now with the given clock (tests, and `/touchpoint` commands that mean "now"). */
  run(name: string, now: Date): Promise<void>;
  stop(): Promise<void>;
}

export function startScheduler(
  features: Feature[],
  deps: AppDeps,
  client: WebClient,
  options: { autoStart: boolean; metrics?: Metrics },
): Scheduler {
  const jobs = new Map<string, FeatureJob>();
  for (const feature of features) for (const job of feature.jobs ?? []) jobs.set(job.name, job);
  const running = new Set<Promise<void>>();
  const metrics = options.metrics;
  // Every job from the start, at 0 (a rate over a series that appears late misses its start).
  for (const name of jobs.keys()) {
    metrics?.jobRuns.inc({ job: name }, 0);
    metrics?.jobFailures.inc({ job: name }, 0);
  }

  const run = async (job: FeatureJob, now: Date) => {
    // Every line of this run carries the job's name and a run id (src/logger.ts).
    const task = runWithLogContext({ job: job.name, jobId: newLogId() }, () =>
      job
        .run({ deps, client }, now)
        .catch((error: unknown) => {
          metrics?.jobFailures.inc({ job: job.name });
          deps.logger.error(`Job ${job.name} failed: ${safeErrorText(error)}`);
        })
        .finally(() => metrics?.jobRuns.inc({ job: job.name })),
    );
    running.add(task);
    try {
      await task;
    } finally {
      running.delete(task);
    }
  };

  const crons = options.autoStart
    ? [...jobs.values()].map(
        (job) =>
          // protect: a tick never overlaps a slow previous tick of the same job in this process.
          new Cron(
            job.schedule(deps.config),
            { timezone: deps.config.timeZone, protect: true, name: job.name },
            () => run(job, new Date()),
          ),
      )
    : [];

  if (options.autoStart) {
    for (const job of jobs.values()) if (job.runAtStart) void run(job, new Date());
  }

  return {
    run: async (name, now) => {
      const job = jobs.get(name);
      if (!job) throw new Error(`no job called ${name}`);
      await run(job, now);
    },
    stop: async () => {
      for (const cron of crons) cron.stop();
      await Promise.all(running);
    },
  };
}
