import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../slack/deps.js';
import type { Listeners } from '../../slack/listeners.js';
import type { Feature } from '../feature.js';
import { renderHome } from './home.views.js';

type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Builds and publishes a person's App Home from every feature's section (each cut to its `maxBlocks`). */
export function createHomePublisher(features: Feature[]) {
  return async (client: WebClient, userId: string, deps: AppDeps): Promise<void> => {
    const [isCxOffice, isExecutive] = await Promise.all([
      deps.roles.isCxOffice(userId),
      deps.roles.isExecutive(userId),
    ]);
    const context = { deps, userId, now: deps.now(), isCxOffice, isExecutive };
    const sections = await Promise.all(
      features.flatMap(({ home }) =>
        home ? [home.render(context).then((blocks) => blocks.slice(0, home.maxBlocks))] : [],
      ),
    );
    await client.views.publish({ user_id: userId, view: renderHome(sections) });
  };
}

/** `app_home_opened`: render the Home tab whenever someone opens it (the Messages tab needs nothing). */
async function onAppHomeOpened({ event, client }: HomeOpenedArgs, deps: AppDeps): Promise<void> {
  if (event.tab !== 'home') return;
  await deps.refreshHome(client, event.user);
}

export const homeFeature: Feature = {
  name: 'home',
  register(slack: Listeners, deps: AppDeps) {
    slack.event('app_home_opened', (args) => onAppHomeOpened(args, deps));
  },
};
