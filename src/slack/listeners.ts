import type {
  AllMiddlewareArgs,
  AnyMiddlewareArgs,
  App,
  Middleware,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackShortcutMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';
import type { Logger } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import { alwaysAnswer, guardedAck } from './always-answer.js';
import { redactErrors } from './safe-errors.js';

/**
 * Where features register their Slack listeners, with Bolt's signatures (one ID each; several listeners
 * chain like Bolt middleware, e.g. `redactErrors` first).
 *
 * Why not on Bolt's App directly: Bolt runs every registered listener's middleware chain for every
 * request, so each listener costs every request. Measured with `npm run bench`'s bare Bolt app, 38 more
 * listeners took 0.5 ms more CPU per request, 70% more than Bolt's whole handling of it. Here each kind of
 * payload gets one Bolt listener, which finds the feature's listener by its ID in a map.
 */
export interface Listeners {
  /** The app's Web API client (immediate answers; what outlives a request goes through the outbox). */
  readonly client: WebClient;
  command(name: string, ...listeners: Middleware<SlackCommandMiddlewareArgs>[]): void;
  /** Global and message shortcuts, by callback ID. */
  shortcut(callbackId: string, ...listeners: Middleware<SlackShortcutMiddlewareArgs>[]): void;
  /** Block actions, by action ID. */
  action(actionId: string, ...listeners: Middleware<SlackActionMiddlewareArgs>[]): void;
  /** Modal submissions, by the view's callback ID. */
  view(callbackId: string, ...listeners: Middleware<SlackViewMiddlewareArgs<ViewSubmitAction>>[]): void;
  event<Type extends string>(type: Type, ...listeners: Middleware<SlackEventMiddlewareArgs<Type>>[]): void;
}

export type ListenerKind = 'command' | 'shortcut' | 'action' | 'view' | 'event';

/** What a listener of each kind is called with (a feature's named `on<Trigger>` functions take these). */
export type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;
export type ShortcutArgs = SlackShortcutMiddlewareArgs & AllMiddlewareArgs;
export type ActionArgs = SlackActionMiddlewareArgs & AllMiddlewareArgs;
export type SubmissionArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

export interface MountOptions {
  logger?: Logger;
  /**
   * Records an event's `event_id`; false when it was seen already. Slack redelivers an event it thinks
   * was not received (`X-Slack-Retry-Num`), and a redelivery must do nothing twice.
   */
  firstDelivery?: (eventId: string) => Promise<boolean>;
  /** How long a listener has before it is acked on its behalf (tests shorten it). */
  answerWithinMs?: number;
}

export interface ListenerRoutes extends Listeners {
  /** The IDs registered, per kind (the manifest test compares them with the manifest). */
  ids(): Record<ListenerKind, string[]>;
  /**
   * Gives Bolt one listener per kind, and a middleware that makes sure every request is answered in
   * time (see always-answer.ts). Call after every feature registered.
   */
  mount(app: App, options?: MountOptions): void;
}

type Chain<Args extends AnyMiddlewareArgs> = Middleware<Args>[];

/** Runs a listener chain the way Bolt does: each middleware gets the request's arguments and `next`. */
function runChain<Args extends AnyMiddlewareArgs>(
  chain: Chain<Args>,
  args: Args & AllMiddlewareArgs,
  index: number,
): Promise<void> {
  const middleware = chain[index];
  if (!middleware) return Promise.resolve();
  return middleware({ ...args, next: () => runChain(chain, args, index + 1) });
}

function routeTable<Args extends AnyMiddlewareArgs>(kind: ListenerKind) {
  const chains = new Map<string, Chain<Args>>();
  return {
    chains,
    add(id: string, chain: Chain<Args>) {
      // Bolt would run both; one listener per ID keeps the flow of a click or a submission in one place.
      if (chains.has(id)) throw new Error(`two ${kind} listeners for ${id}`);
      if (chain.length === 0) throw new Error(`the ${kind} listener for ${id} has no function`);
      chains.set(id, chain);
    },
    /**
     * The listener gets the guarded `ack` (see always-answer.ts). An ID nobody registered (an old
     * message's button, a forged payload) is acked at once: Slack would otherwise show an error after 3 s.
     */
    async dispatch(id: string | undefined, args: Args & AllMiddlewareArgs): Promise<void> {
      const chain = id === undefined ? undefined : chains.get(id);
      const ack =
        'ack' in args && typeof args.ack === 'function' ? guardedAck(args.context, args.ack) : undefined;
      if (!chain) {
        if (ack) await ack();
        return;
      }
      // Same arguments, `ack` swapped for the guarded one of the same signature.
      await runChain(chain, ack ? ({ ...args, ack } as unknown as typeof args) : args, 0);
    },
  };
}

const ANY_ID = /^/;

export function createListenerRoutes(client: WebClient): ListenerRoutes {
  const commands = routeTable<SlackCommandMiddlewareArgs>('command');
  const shortcuts = routeTable<SlackShortcutMiddlewareArgs>('shortcut');
  const actions = routeTable<SlackActionMiddlewareArgs>('action');
  const views = routeTable<SlackViewMiddlewareArgs<ViewSubmitAction>>('view');
  const events = routeTable<SlackEventMiddlewareArgs<string>>('event');

  return {
    client,
    command: (name, ...listeners) => commands.add(name, listeners),
    shortcut: (callbackId, ...listeners) => shortcuts.add(callbackId, listeners),
    action: (actionId, ...listeners) => actions.add(actionId, listeners),
    view: (callbackId, ...listeners) => views.add(callbackId, listeners),
    // The table is keyed by the event's type, so each chain only ever sees its own type's payload.
    event: (type, ...listeners) => events.add(type, listeners as Chain<SlackEventMiddlewareArgs<string>>),
    ids: () => ({
      command: [...commands.chains.keys()],
      shortcut: [...shortcuts.chains.keys()],
      action: [...actions.chains.keys()],
      view: [...views.chains.keys()],
      event: [...events.chains.keys()],
    }),
    mount(app, options = {}) {
      // Whatever a feature's listener throws reaches Bolt's error handler (and the logs) without IDs or
      // typed text: one wrapper here, so no listener can be registered without it.
      const redacted = (run: () => Promise<void>) => redactErrors({ next: run });
      app.use(alwaysAnswer({ logger: options.logger ?? app.logger, answerWithinMs: options.answerWithinMs }));
      if (commands.chains.size > 0) {
        app.command(ANY_ID, (args) => redacted(() => commands.dispatch(args.command.command, args)));
      }
      if (shortcuts.chains.size > 0) {
        app.shortcut(ANY_ID, (args) => redacted(() => shortcuts.dispatch(args.shortcut.callback_id, args)));
      }
      if (actions.chains.size > 0) {
        app.action(ANY_ID, (args) =>
          redacted(() =>
            actions.dispatch('action_id' in args.action ? args.action.action_id : undefined, args),
          ),
        );
      }
      if (views.chains.size > 0) {
        app.view<ViewSubmitAction>({ type: 'view_submission' }, (args) =>
          redacted(() => views.dispatch(args.view.callback_id, args)),
        );
      }
      if (events.chains.size > 0) {
        const firstDelivery = options.firstDelivery;
        app.event(ANY_ID, async (args) => {
          const eventId = (args.body as { event_id?: unknown }).event_id;
          if (firstDelivery && typeof eventId === 'string' && !(await firstDelivery(eventId))) return;
          await redacted(() => events.dispatch(args.event.type, args));
        });
      }
    },
  };
}
