import { safeErrorText } from '../../slack/safe-errors.js';
import type { Feature } from '../feature.js';
import { healthSubcommand, registerDeliveryListeners } from './delivery.listeners.js';
import { countDeadLetters } from './delivery.service.js';
import { renderDeadLettersHomeLine } from './delivery.views.js';

/**
 * Delivery: the outbox as the CX office sees it. `/touchpoint health` shows what waits and what could not
 * be delivered, with Retry; the CX office's App Home says when something could not be delivered.
 */
export const deliveryFeature: Feature = {
  name: 'delivery',
  register: registerDeliveryListeners,
  subcommands: [healthSubcommand],
  home: {
    maxBlocks: 1,
    async render({ deps, isCxOffice }) {
      if (!isCxOffice) return [];
      // One line is not worth an App Home that fails to open: without the count, it is left out.
      const dead = await countDeadLetters(deps.db).catch((error: unknown) => {
        deps.logger.warn(`Counting undelivered messages failed: ${safeErrorText(error)}`);
        return 0;
      });
      return renderDeadLettersHomeLine(dead);
    },
  },
};
