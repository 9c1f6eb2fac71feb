import type { Feature } from '../feature.js';
import { agingJob, overdueJob, voterSummaryJob } from './rules.jobs.js';
import { onExportRulesCommand, onHomeRendered, registerRulesListeners } from './rules.listeners.js';
import { rulesRenderers } from './rules.notify.js';
import { killedRulesDigest } from './rules.service.js';

/** Job 1, "kill a stupid rule": nominations, the triage backlog and closing the loop. */
export const rulesFeature: Feature = {
  name: 'rules',
  register: registerRulesListeners,
  subcommands: [{ name: 'export rules', cxOfficeOnly: true, run: onExportRulesCommand }],
  jobs: [agingJob, voterSummaryJob, overdueJob],
  home: { maxBlocks: 33, render: onHomeRendered },
  outboxRenderers: rulesRenderers,
  digest: killedRulesDigest,
};
