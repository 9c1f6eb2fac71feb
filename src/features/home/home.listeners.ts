import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { cxOnly, notice } from '../../slack/blocks.js';
import type { AppDeps } from '../../slack/deps.js';
import { sendDm } from '../../slack/dm.js';
import type { ActionArgs, Listeners } from '../../slack/listeners.js';
import { encodeHomePages, type HomePages } from '../../slack/paging.js';
import { appHomeOpenedSchema, blockActionSchema } from '../../slack/payloads.js';
import { safeErrorText } from '../../slack/safe-errors.js';
import type { Feature, TouchpointSubcommand } from '../feature.js';
import { HOME_CONTROLS } from './home.ids.js';
import { readControlRoom } from './home.service.js';
import { CONTROL_ROOM_MAX_BLOCKS, renderControlRoom, renderHome } from './home.views.js';

type HomeOpenedArgs = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/**
 * Builds and publishes a person's App Home: for the CX office its control room first, then every
 * feature's section (each cut to its `maxBlocks`).
 */
export function createHomePublisher(features: Feature[]) {
  return async (client: WebClient, userId: string, deps: AppDeps, pages: HomePages = {}): Promise<void> => {
    const [isCxOffice, isExecutive] = await Promise.all([
      deps.roles.isCxOffice(userId),
      deps.roles.isExecutive(userId),
    ]);
    const context = { deps, userId, now: deps.now(), isCxOffice, isExecutive, pages };
    const controlRoom = isCxOffice
      ? readControlRoom(deps.db, deps.config, context.now).then((model) =>
          renderControlRoom(model).slice(0, CONTROL_ROOM_MAX_BLOCKS),
        )
      : Promise.resolve([]);
    const sections = await Promise.all([
      controlRoom,
      ...features.flatMap(({ home }) =>
        home ? [home.render(context).then((blocks) => blocks.slice(0, home.maxBlocks))] : [],
      ),
    ]);
    // The pages ride in the view, so the next click on this Home keeps its lists where they are.
    await client.views.publish({
      user_id: userId,
      view: { ...renderHome(sections), private_metadata: encodeHomePages(pages) },
    });
  };
}

/** `app_home_opened`: render the Home tab whenever someone opens it (the Messages tab needs nothing). */
async function onAppHomeOpened({ event, client }: HomeOpenedArgs, deps: AppDeps): Promise<void> {
  // Checked before any query: a user ID that is missing or not a string must not reach the database.
  const opened = appHomeOpenedSchema.safeParse(event);
  if (!opened.success) {
    deps.logger.warn('Ignored an app_home_opened event without a valid user');
    return;
  }
  if (opened.data.tab !== 'home') return;
  await deps.refreshHome(client, opened.data.user);
}

/**
 * A control-room button: the role is checked here, on the server, whoever clicked (only the CX office
 * sees the buttons, but a click can be forged); then the `/touchpoint` subcommand runs exactly as if it
 * had been typed. A Home has no conversation, so its answers go by DM (the person as the channel).
 */
async function onControlClicked(
  { ack, body, client }: ActionArgs,
  deps: AppDeps,
  subcommands: TouchpointSubcommand[],
): Promise<void> {
  await ack();
  const click = blockActionSchema.parse(body);
  const userId = click.user.id;
  const control = HOME_CONTROLS[click.actions[0]?.action_id ?? ''];
  const subcommand = control && subcommands.find((candidate) => candidate.name === control.subcommand);
  if (!control || !subcommand) return;
  if (!(await deps.roles.isCxOffice(userId))) {
    await sendDm(
      client,
      userId,
      notice(cxOnly(`run \`/touchpoint ${control.subcommand}\``, 'Nothing happened.')),
    );
    return;
  }
  const text = `${control.subcommand} ${control.rest}`.trim();
  try {
    await subcommand.run({
      rest: control.rest,
      command: {
        command: '/touchpoint',
        text,
        user_id: userId,
        channel_id: userId,
        trigger_id: click.trigger_id,
      },
      client,
      deps,
    });
  } catch (error) {
    deps.logger.error(`A control-room button failed: ${safeErrorText(error)}`);
    await sendDm(
      client,
      userId,
      notice('Sorry, that did not work just now. Nothing was lost: try again in a moment.'),
    );
  }
}

/** App Home, and the CX office's control-room buttons (each runs one of `subcommands`). */
export function homeFeature(subcommands: TouchpointSubcommand[]): Feature {
  return {
    name: 'home',
    register(slack: Listeners, deps: AppDeps) {
      slack.event('app_home_opened', (args) => onAppHomeOpened(args, deps));
      for (const actionId of Object.keys(HOME_CONTROLS))
        slack.action(actionId, (args) => onControlClicked(args, deps, subcommands));
    },
  };
}
