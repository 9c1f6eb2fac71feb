import type { Feature } from '../feature.js';
import { followUpsJob, nudgesJob, rosterJob, summaryJob } from './calls.jobs.js';
import {
  onExportCallsCommand,
  onHomeOpened,
  onNudgesRunCommand,
  onRosterCommand,
  registerCallsListeners,
} from './calls.listeners.js';
import { leadersWhoCalled } from './calls.service.js';

/** Job 2: executives calling customers — the roster, the call log, nudges and the CX office's summary. */
export const callsFeature: Feature = {
  name: 'calls',
  register: registerCallsListeners,
  jobs: [rosterJob, nudgesJob, followUpsJob, summaryJob],
  subcommands: [
    { name: 'roster', cxOfficeOnly: true, run: onRosterCommand },
    { name: 'nudges run', cxOfficeOnly: true, run: onNudgesRunCommand },
    { name: 'export calls', cxOfficeOnly: true, run: onExportCallsCommand },
  ],
  home: { maxBlocks: 18, render: onHomeOpened },
  digest: leadersWhoCalled,
};
