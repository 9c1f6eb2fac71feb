import type { Feature } from '../feature.js';
import { checksJob } from './checks.jobs.js';
import { onHomeRendered, registerChecksListeners } from './checks.listeners.js';
import { checksRenderers } from './checks.notify.js';

/** The quarterly "it depends" check: is the experience we deliver in each stage consistent and reliable? */
export const checksFeature: Feature = {
  name: 'checks',
  register: registerChecksListeners,
  jobs: [checksJob],
  outboxRenderers: checksRenderers,
  home: { maxBlocks: 1, render: onHomeRendered },
};
