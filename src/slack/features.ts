import { createHomePublisher, homeFeature } from '../features/home/home.listeners.js';
import { rulesFeature } from '../features/rules/rules.feature.js';
import { touchpointCommandFeature } from '../features/touchpoint/touchpoint.listeners.js';
import type { Feature } from './feature.js';

/** Every feature of the product, in App Home order. A feature left out here is not registered. */
const productFeatures: Feature[] = [rulesFeature];

export const features: Feature[] = [
  ...productFeatures,
  homeFeature,
  touchpointCommandFeature(productFeatures.flatMap((feature) => feature.subcommands ?? [])),
];

export const publishHome = createHomePublisher(productFeatures);
