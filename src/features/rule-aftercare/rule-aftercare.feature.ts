import type { Feature } from '../feature.js';
import { stillDeadJob } from './rule-aftercare.jobs.js';
import { registerRuleAftercareListeners } from './rule-aftercare.listeners.js';
import { ruleAftercareRenderers } from './rule-aftercare.notify.js';

/**
 * After a rule's decision: the CX office's questions to an anonymous submitter, answered through the bot,
 * and "still dead?" 30 days after a kill ("it's back" reopens it). No Home section.
 */
export const ruleAftercareFeature: Feature = {
  name: 'rule-aftercare',
  register: registerRuleAftercareListeners,
  jobs: [stillDeadJob],
  outboxRenderers: ruleAftercareRenderers,
};
