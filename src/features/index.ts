import { callsFeature } from '../features/calls/calls.feature.js';
import { deliveryFeature } from '../features/delivery/delivery.feature.js';
import { digestFeature } from '../features/digest/digest.feature.js';
import { createHomePublisher, homeFeature } from '../features/home/home.listeners.js';
import { roadmapFeature } from '../features/roadmap/roadmap.feature.js';
import { rulesFeature } from '../features/rules/rules.feature.js';
import { settingsFeature } from '../features/settings/settings.feature.js';
import { storiesFeature } from '../features/stories/stories.feature.js';
import { touchpointCommandFeature } from '../features/touchpoint/touchpoint.listeners.js';
import type { Feature } from './feature.js';

/** Every feature of the product, in App Home order (src/slack/ never imports a feature: it gets them from here via touchpoint.ts). A feature left out here is not registered. */
const productFeatures: Feature[] = [
  // First: the CX office's App Home opens with "N messages could not be delivered" when there are any.
  deliveryFeature,
  rulesFeature,
  callsFeature,
  storiesFeature,
  roadmapFeature,
  settingsFeature,
];
// The weekly update reads every other feature's contribution, so it comes last.
const allProductFeatures: Feature[] = [...productFeatures, digestFeature(productFeatures)];

export const features: Feature[] = [
  ...allProductFeatures,
  homeFeature,
  touchpointCommandFeature(allProductFeatures.flatMap((feature) => feature.subcommands ?? [])),
];

export const publishHome = createHomePublisher(allProductFeatures);
