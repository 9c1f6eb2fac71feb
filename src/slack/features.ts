import { touchpointCommandFeature } from '../features/touchpoint/touchpoint.listeners.js';
import type { Feature } from './feature.js';

/** Every feature of the product. A feature left out here is not registered (a test checks the manifest). */
const productFeatures: Feature[] = [];

export const features: Feature[] = [
  ...productFeatures,
  touchpointCommandFeature(productFeatures.flatMap((feature) => feature.subcommands ?? [])),
];
