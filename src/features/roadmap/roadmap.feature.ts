import type { Feature } from '../feature.js';
import { registerRoadmapListeners } from './roadmap.listeners.js';

/** The CX roadmap: everyone reads it with `/roadmap`; the CX office adds, edits and notes progress. */
export const roadmapFeature: Feature = {
  name: 'roadmap',
  register: registerRoadmapListeners,
};
