import type { Feature } from '../feature.js';
import { registerLinksListeners } from './links.listeners.js';

/**
 * The one loop: one-click turns from a call's learning or follow-up into a suggestion or a roadmap item,
 * the CX office's links (story → rule or roadmap item, rule → the roadmap item that removes it). The
 * "came from" lines are drawn by each card; the executive's "tell the customer" DM is queued by the
 * rules and roadmap services when a rule is killed or an item ships.
 */
export const linksFeature: Feature = {
  name: 'links',
  register: registerLinksListeners,
};
