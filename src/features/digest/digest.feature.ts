import type { Feature } from '../feature.js';
import { weeklyDigestJob } from './digest.jobs.js';
import { onDigestCommand, registerDigestListeners } from './digest.listeners.js';
import type { DigestSetup } from './digest.service.js';
import { digestMessages } from './digest.views.js';

/** The weekly update: the scheduled post, and `/touchpoint digest preview|send|skip` for the CX office. */
export function digestFeature(contributingFeatures: Feature[]): Feature {
  const setup: DigestSetup = {
    contributors: contributingFeatures.flatMap((feature) =>
      feature.digest ? [feature.digest.bind(feature)] : [],
    ),
    messages: digestMessages,
  };
  return {
    name: 'digest',
    register: (slack, deps) => registerDigestListeners(slack, deps, setup),
    subcommands: [{ name: 'digest', cxOfficeOnly: true, run: onDigestCommand(setup) }],
    jobs: [weeklyDigestJob(setup)],
  };
}
