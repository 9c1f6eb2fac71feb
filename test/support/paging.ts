import { expect } from 'vitest';
import type { RecordedCall } from './fake-slack.js';
import { blockActions, eventCallback, ids } from './payloads.js';
import type { TestApp } from './test-app.js';

/**
 * For the tests of paged lists (a message shows the first few and "See all"; a modal or the Home pages
 * them): the blocks as the tests read them, the pager's "Showing 1–5 of 7" line and buttons, and the
 * clicks that open and turn the pages, each waiting for what Slack was asked to show.
 */

export type Element = { action_id?: string; value?: string; text?: { text: string } };
export type Block = {
  type?: string;
  block_id?: string;
  text?: { text: string };
  accessory?: Element;
  elements?: Element[];
};
export type Modal = {
  id: string;
  type: 'modal';
  callback_id?: string;
  private_metadata?: string;
  blocks: Block[];
};
export type HomeView = { id: string; type: 'home'; private_metadata?: string; blocks: Block[] };

/** The "Showing 1–5 of 7" line of the pager `pagerId` (its context block is `<pagerId>.showing`). */
export function showing(blocks: Block[], pagerId: string): string | undefined {
  const block = blocks.find((b) => b.block_id === `${pagerId}.showing`);
  return (block?.elements?.[0] as { text?: string } | undefined)?.text;
}

/** The buttons of the pager `pagerId` (its actions block), in order; none when the list fits one page. */
export function pager(blocks: Block[], pagerId: string): Element[] {
  return blocks.find((b) => b.block_id === pagerId)?.elements ?? [];
}

/** The pager's buttons as `[action_id, value]`, e.g. `[[next, '2']]` on the first page. */
export function pagerButtons(blocks: Block[], pagerId: string): (string | undefined)[][] {
  return pager(blocks, pagerId).map((e) => [e.action_id, e.value]);
}

type Click = { action_id?: string; value?: string; block_id?: string };
const actionOf = (click: Click) => ({
  action_id: click.action_id ?? '',
  value: click.value,
  block_id: click.block_id,
});

/** A click on a message's button (a command's ephemeral answer, a DM), as Slack sends it. */
export function clickInMessage(
  app: TestApp,
  user: string,
  click: Click,
  channel: string = ids.generalChannel,
) {
  return app.send.interaction(
    blockActions(actionOf(click), { user, channel, responseUrl: app.slack.responseUrl() }),
  );
}

/** A click in a modal or on the Home: Slack sends the view (its ID, its metadata) and no response URL. */
export function clickInView(app: TestApp, user: string, view: Modal | HomeView, click: Click) {
  const payload = blockActions(actionOf(click), { user, responseUrl: app.slack.responseUrl(), view });
  return app.send.interaction({ ...payload, container: { type: 'view', view_id: view.id } });
}

/** The first call to `method` since the fake Slack had recorded `from` calls; Slack must have accepted it. */
async function acceptedSince(
  app: TestApp,
  method: string,
  from: number,
  match: (call: RecordedCall) => boolean = () => true,
): Promise<RecordedCall> {
  const call = await app.slack.waitFor(method, (c) => app.slack.calls.indexOf(c) >= from && match(c));
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  return call;
}

/** Clicks a message's button ("See all") and returns the modal Slack was asked to open. */
export async function openFromMessage(
  app: TestApp,
  user: string,
  click: Click,
  channel: string = ids.generalChannel,
): Promise<Modal> {
  const from = app.slack.calls.length;
  await clickInMessage(app, user, click, channel);
  return (await acceptedSince(app, 'views.open', from)).response.view as Modal;
}

/** Clicks a button in `modal` (a pager's, a row's) and returns what Slack was asked to put in its place. */
export async function updateFromModal(
  app: TestApp,
  user: string,
  modal: Modal,
  click: Click,
): Promise<Modal> {
  const from = app.slack.calls.length;
  await clickInView(app, user, modal, click);
  const updated = await acceptedSince(app, 'views.update', from);
  expect(updated.args.view_id).toBe(modal.id);
  return updated.response.view as Modal;
}

/** The Home published for `user` since the fake Slack had recorded `from` calls, as Slack stored it. */
function publishedSince(app: TestApp, user: string, from: number): Promise<HomeView> {
  return acceptedSince(app, 'views.publish', from, (c) => c.args.user_id === user).then(
    (call) => call.response.view as HomeView,
  );
}

/** `user` opens the app's Home tab; returns the Home published for them. */
export async function openHome(app: TestApp, user: string): Promise<HomeView> {
  const from = app.slack.calls.length;
  await app.send.event(eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' }));
  return publishedSince(app, user, from);
}

/** A click on the published Home (it rides along, with its metadata); returns the Home published next. */
export async function clickOnHome(
  app: TestApp,
  user: string,
  home: HomeView,
  click: Click,
): Promise<HomeView> {
  const from = app.slack.calls.length;
  const response = await clickInView(app, user, home, click);
  expect(response.status).toBe(200);
  return publishedSince(app, user, from);
}
