import type { FeatureJob } from '../feature.js';
import { queueLateRulesCallOut, queueOverdueCallOut, queueVoterSummaries } from './rules.service.js';

/**
 * Each working-day morning, one message in the backlog channel lists the late nominations (none: no
 * message). Ticks every 15 minutes in the morning, so a replica that was down at 09:00 still posts; the
 * service keys the message by the day, so it is one a day across replicas and ticks.
 */
export const agingJob: FeatureJob = {
  name: 'rules.aging',
  schedule: () => '*/15 9-11 * * 1-5',
  async run({ deps }, now) {
    await queueLateRulesCallOut(deps.db, deps.config, now);
  },
};

/**
 * Each working day from 16:00 (company time), one DM per voter summarising the status changes on what they
 * backed since they were last told. Ticks every 15 minutes until evening, so a replica that was down at
 * 16:00 still sends; the service records each person's day with the DM, so it is one a day across replicas.
 */
export const voterSummaryJob: FeatureJob = {
  name: 'rules.voterSummaries',
  schedule: (config) => config.voterSummarySchedule,
  async run({ deps }, now) {
    await queueVoterSummaries(deps.db, deps.config, now);
  },
};

/**
 * Each working-day morning, accepted rules past their kill-by date are called out: one message in the
 * backlog channel for the CX office, one DM to each owner, each card shown as overdue. Keyed by the day
 * (company zone), so it is once a day per rule across replicas and ticks.
 */
export const overdueJob: FeatureJob = {
  name: 'rules.overdue',
  schedule: () => '*/15 9-11 * * 1-5',
  async run({ deps }, now) {
    await queueOverdueCallOut(deps.db, deps.config, now);
  },
};
