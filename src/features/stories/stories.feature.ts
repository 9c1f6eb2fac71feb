import type { Feature } from '../feature.js';
import { onExportStoriesCommand, registerStoriesListeners } from './stories.listeners.js';
import { storiesRenderers } from './stories.notify.js';

/** Customer stories: shared by anyone (or from a call), reviewed by the CX office, featured weekly. */
export const storiesFeature: Feature = {
  name: 'stories',
  register: registerStoriesListeners,
  subcommands: [{ name: 'export stories', cxOfficeOnly: true, run: onExportStoriesCommand }],
  // The review card and the teller's DMs are rendered by the outbox when they are sent.
  outboxRenderers: storiesRenderers,
};
