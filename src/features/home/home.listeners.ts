import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners } from '../../slack/listeners.js';
import type { Feature } from '../feature.js';
import { renderHome } from './home.views.js';

/** Builds and publishes a person's App Home from every feature's section. */
export function createHomePublisher(features: Feature[]) {
  return async (client: WebClient, userId: string, deps: AppDeps): Promise<void> => {
    const [isCxOffice, isExecutive] = await Promise.all([
      deps.roles.isCxOffice(userId),
      deps.roles.isExecutive(userId),
    ]);
    const now = deps.now();
    const sections = await Promise.all(
      features.flatMap((feature) =>
        feature.home
          ? [
              feature.home
                .render({ deps, userId, now, isCxOffice, isExecutive })
                .then((blocks) => blocks.slice(0, feature.home?.maxBlocks)),
            ]
          : [],
      ),
    );
    await client.views.publish({ user_id: userId, view: renderHome(sections) });
  };
}

/** `app_home_opened`: render the Home tab whenever someone opens it. */
export const homeFeature: Feature = {
  name: 'home',
  register(slack: Listeners, deps: AppDeps) {
    slack.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      await deps.refreshHome(client, event.user);
    });
  },
};
