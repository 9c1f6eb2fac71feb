import type { DbOrTx } from '../db/client.js';
import { type OutboxItem, type OutboxRenderer, outboxKey, type PostedMessage } from './outbox.js';

/**
 * A card: the one message in a channel about one thing (a nomination, a customer story), posted once
 * and then updated in place whenever the thing changes. Both are rendered when the outbox sends them, so
 * a card always shows its thing as it is then; where Slack put it is kept on the thing and updates name
 * it from there. Every feature's card goes through here, so their posting and updating cannot drift.
 */

/** What names a card in the outbox: stored in queued rows, so changing it strands rows already queued. */
export interface CardSpec {
  /** Renderer of the first post; its updates use `<name>Update`. */
  name: string;
  /** Keys `<keyPrefix>:<id>:card` and `<keyPrefix>:<id>:card:update`. */
  keyPrefix: string;
  /** The renderer input's field that holds the thing's ID, e.g. `ruleId`. */
  inputKey: string;
}

/** The outbox items of a card; services call these inside the transaction of the change. */
export interface CardItems {
  key(id: number): string;
  /** The first post, to `channel`. A second enqueue of it changes nothing. */
  post(id: number, channel: string): OutboxItem;
  /**
   * The card in place, as it is when sent: changes asked for while one update waits are one update.
   * `posted` is where the card is, if it was posted; if not, its post is queued first (a no-op when it
   * is queued already; a thing from before the outbox gets its card now). The update follows the post in
   * the channel's lane, so it never overtakes it.
   */
  update(id: number, posted: boolean, channel: string): OutboxItem[];
}

export function cardItems(spec: CardSpec): CardItems {
  const key = (id: number) => outboxKey(spec.keyPrefix, id, 'card');
  const post = (id: number, channel: string): OutboxItem => ({
    key: key(id),
    method: 'chat.postMessage',
    channel,
    render: { name: spec.name, input: { [spec.inputKey]: id } },
  });
  return {
    key,
    post,
    update(id, posted, channel) {
      const update: OutboxItem = {
        key: outboxKey(spec.keyPrefix, id, 'card', 'update'),
        method: 'chat.update',
        channel,
        render: { name: `${spec.name}Update`, input: { [spec.inputKey]: id } },
        again: true,
      };
      return posted ? [update] : [post(id, channel), update];
    },
  };
}

/** How a feature turns its thing into its card: load it, say where its card is, render it, keep the place. */
export interface CardSource<Model> {
  load(db: DbOrTx, id: number): Promise<Model | undefined>;
  /** Where the card was posted, as kept on the thing; undefined until it is. */
  placeOf(model: Model): PostedMessage | undefined;
  /** The message (text and blocks), pure. */
  render(model: Model, now: Date): Record<string, unknown>;
  /** Keeps where Slack put the card (called in the transaction that marks the post sent). */
  remember(db: DbOrTx, id: number, posted: PostedMessage): Promise<void>;
  /** Extra arguments of the first post only (e.g. `unfurl_links`). */
  postArgs?: Record<string, unknown>;
}

/** The card's two outbox renderers: the post (which records where it went) and the update in place. */
export function cardRenderers<Model>(spec: CardSpec, source: CardSource<Model>): OutboxRenderer[] {
  const idOf = (input: Record<string, unknown>): number | undefined => {
    const id = input[spec.inputKey];
    return typeof id === 'number' && Number.isInteger(id) && id > 0 ? id : undefined;
  };
  const load = async (db: DbOrTx, input: Record<string, unknown>) => {
    const id = idOf(input);
    return id === undefined ? undefined : source.load(db, id);
  };
  const update: OutboxRenderer = {
    name: `${spec.name}Update`,
    async render(db, input, now) {
      const model = await load(db, input);
      const place = model ? source.placeOf(model) : undefined;
      // Not posted (its post failed for good, or the thing is gone): nothing to update.
      if (!model || !place) return null;
      return { ...source.render(model, now), channel: place.channel, ts: place.ts };
    },
  };
  return [
    {
      name: spec.name,
      async render(db, input, now) {
        const model = await load(db, input);
        return model ? { ...source.render(model, now), ...source.postArgs } : null;
      },
      async sent(db, input, posted) {
        const id = idOf(input);
        if (id !== undefined) await source.remember(db, id, posted);
      },
    },
    update,
  ];
}
