import { callsFeature } from './calls/calls.feature.js';
import { checksFeature } from './checks/checks.feature.js';
import { deliveryFeature } from './delivery/delivery.feature.js';
import { digestFeature } from './digest/digest.feature.js';
import type { Feature } from './feature.js';
import { createHomePublisher, homeFeature } from './home/home.listeners.js';
import { linksFeature } from './links/links.feature.js';
import { reviewFeature } from './review/review.feature.js';
import { roadmapFeature } from './roadmap/roadmap.feature.js';
import { ruleAftercareFeature } from './rule-aftercare/rule-aftercare.feature.js';
import { rulesFeature } from './rules/rules.feature.js';
import { settingsFeature } from './settings/settings.feature.js';
import { storiesFeature } from './stories/stories.feature.js';
import { touchpointCommandFeature } from './touchpoint/touchpoint.listeners.js';

/** Every feature of the product, in App Home order (src/slack/ never imports a feature: it gets them from here via touchpoint.ts). A feature left out here is not registered. */
const productFeatures: Feature[] = [
  // First: the CX office's App Home opens with "N messages could not be delivered" when there are any.
  deliveryFeature,
  rulesFeature,
  // Questions to anonymous submitters and "still dead?" after a kill (no Home section).
  ruleAftercareFeature,
  callsFeature,
  storiesFeature,
  roadmapFeature,
  // One-click turns and links between calls, stories, rules and roadmap items (no Home section).
  linksFeature,
  settingsFeature,
  checksFeature,
  // The loop's health on the CX office's Home, after every other section.
  reviewFeature,
];
// The weekly update reads every other feature's contribution, so it comes last.
const allProductFeatures: Feature[] = [...productFeatures, digestFeature(productFeatures)];

const subcommands = allProductFeatures.flatMap((feature) => feature.subcommands ?? []);

export const features: Feature[] = [
  ...allProductFeatures,
  // The CX office's control room runs the same subcommands as `/touchpoint`.
  homeFeature(subcommands),
  touchpointCommandFeature(subcommands),
];

export const publishHome = createHomePublisher(allProductFeatures);
