import type { Feature } from '../feature.js';
import { onHealthCommand, onHomeRendered, registerDeliveryListeners } from './delivery.listeners.js';

/**
 * Delivery: the outbox as the CX office sees it. `/touchpoint health` shows what waits and what could not
 * be delivered, with Retry; the CX office's App Home says when something could not be delivered.
 */
export const deliveryFeature: Feature = {
  name: 'delivery',
  register: registerDeliveryListeners,
  subcommands: [{ name: 'health', cxOfficeOnly: true, run: onHealthCommand }],
  home: { maxBlocks: 2, render: onHomeRendered },
};
