import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.js';
import { features } from '../../src/features/index.js';
import type { AppDeps } from '../../src/slack/deps.js';
import { createListenerRoutes } from '../../src/slack/listeners.js';
import {
  blockActions,
  eventCallback,
  globalShortcut,
  ids,
  messageShortcut,
  slashCommand,
  viewSubmission,
} from '../support/payloads.js';
import type { SlackResponse } from '../support/slack-requests.js';
import { useTestApp } from '../support/test-app.js';

// Signed payloads that are well-formed envelopes but wrong inside, sent to every listener the features
// register: wrong types in fields, values that name nothing, tampered `private_metadata`, unknown IDs.
// Every one is answered with a 2xx or 4xx within Slack's 3 s, and the process keeps serving. (A
// listener that throws in the test process would also surface as an unhandled error and fail the run.)

function registered(config: Config) {
  const routes = createListenerRoutes({} as WebClient);
  for (const feature of features) feature.register(routes, { config } as AppDeps);
  return routes.ids();
}

const TAMPERED_METADATA = [
  '',
  'not json',
  '{"ruleId":"1; drop table rules"}',
  '{"ruleId":-1,"toStatus":"killed"}',
  '{"storyId":99999999999,"itemId":1e308}',
  'null',
  '[]',
  JSON.stringify({ ruleId: 1, toStatus: 'accepted', fromHome: 'yes', __proto__: { admin: true } }),
];

const WRONG_VALUES: Record<string, unknown>[] = [
  { value: 'not-a-number' },
  { value: '99999999999999999999' },
  { value: '-1' },
  { value: '' },
  { selected_option: { value: '<!channel>' } },
  { selected_option: null },
  { selected_user: 'U0NOBODY01' },
  { selected_date: '2026-02-31' },
];

describe('malformed payloads to every listener', () => {
  const app = useTestApp();

  const expectAnswered = (response: SlackResponse, what: string) => {
    expect(response.ms, what).toBeLessThan(3_000);
    expect(response.status, `${what}: ${response.status} ${response.body.slice(0, 200)}`).toBeLessThan(500);
  };

  /** Sends a few at a time (as Slack would during a burst) and checks each answer. */
  async function sendAll(requests: [string, () => Promise<SlackResponse>][]): Promise<number> {
    const queue = [...requests];
    let sent = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [what, send] = next;
          expectAnswered(await send(), what);
          sent += 1;
        }
      }),
    );
    return sent;
  }

  it('answers every one in time and keeps serving', async () => {
    // Warm: the first request of a fresh process loads and compiles the request path.
    await app.command('/killrule', '');
    await app.slack.waitFor('views.open');
    const ids_ = registered(app.config);
    const responseUrl = app.slack.responseUrl();
    const requests: [string, () => Promise<SlackResponse>][] = [];

    for (const command of [...ids_.command, '/unknowncommand']) {
      for (const text of [
        '',
        'mine',
        'help',
        '<!channel> RULE-0',
        'x'.repeat(4_000),
        'digest send',
        'export rules',
      ]) {
        requests.push([
          `${command} ${text.slice(0, 20)}`,
          () => app.send.command(slashCommand(command, text, { response_url: responseUrl })),
        ]);
      }
      // A field twice: a form parses it into a list.
      requests.push([
        `${command} with user_id twice`,
        () =>
          app.send.post(
            `${new URLSearchParams(slashCommand(command, '', { response_url: responseUrl })).toString()}&user_id=U0EMPL0002`,
            'application/x-www-form-urlencoded',
          ),
      ]);
    }

    for (const actionId of [...ids_.action, 'rules.no_such_button']) {
      for (const values of WRONG_VALUES) {
        requests.push([
          `${actionId} ${JSON.stringify(values)}`,
          () =>
            app.send.interaction(
              blockActions(
                { action_id: actionId, ...(values as object) },
                { user: ids.employee, responseUrl },
              ),
            ),
        ]);
      }
      // From App Home (no response URL), with a view whose metadata was tampered with.
      requests.push([
        `${actionId} from a tampered view`,
        () =>
          app.send.interaction(
            blockActions(
              { action_id: actionId, value: '1' },
              {
                user: ids.employee,
                responseUrl,
                view: { id: 'V0HOME0001', type: 'home', private_metadata: TAMPERED_METADATA[2], blocks: [] },
              },
            ),
          ),
      ]);
      // Wrong types inside the action.
      requests.push([
        `${actionId} with an object for its value`,
        () =>
          app.send.interaction({
            ...blockActions({ action_id: actionId }, { user: ids.employee, responseUrl }),
            actions: [{ type: 'button', action_id: actionId, value: { ruleId: 1 }, block_id: 7 }],
          }),
      ]);
    }

    for (const callbackId of [...ids_.view, 'rules.no_such_modal']) {
      for (const metadata of TAMPERED_METADATA) {
        requests.push([
          `${callbackId} metadata ${metadata.slice(0, 20)}`,
          () =>
            app.send.interaction(
              viewSubmission(
                {
                  callback_id: callbackId,
                  private_metadata: metadata,
                  blocks: [{ type: 'input', block_id: 'rule', element: { type: 'plain_text_input' } }],
                },
                { rule: { type: 'plain_text_input', value: 'x' } },
              ),
            ),
        ]);
      }
      requests.push([
        `${callbackId} with state of the wrong shape`,
        () =>
          app.send.interaction({
            ...viewSubmission({ callback_id: callbackId }, {}),
            view: { id: 'V0FAKE0002', callback_id: callbackId, state: { values: 'x' }, private_metadata: 5 },
          }),
      ]);
    }

    for (const callbackId of [...ids_.shortcut, 'rules.no_such_shortcut']) {
      requests.push([`${callbackId} global`, () => app.send.interaction(globalShortcut(callbackId))]);
      requests.push([
        `${callbackId} message without a message`,
        () =>
          app.send.interaction({
            ...messageShortcut(callbackId, { text: 'x' }, { responseUrl }),
            message: null,
            channel: 'C0GENERAL1',
          }),
      ]);
    }

    for (const type of [...ids_.event, 'team_join']) {
      requests.push([`${type} without a user`, () => app.send.event(eventCallback({ type, tab: 'home' }))]);
      requests.push([
        `${type} with an object for its user`,
        () => app.send.event(eventCallback({ type, tab: 'home', user: { id: ids.employee } })),
      ]);
    }

    const sent = await sendAll(requests);
    expect(sent).toBe(requests.length);
    expect(sent).toBeGreaterThan(200);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    // Still serving people: a real command works after all that.
    app.slack.calls.length = 0;
    expect((await app.command('/killrule', '')).status).toBe(200);
    await app.slack.waitFor('views.open');
  }, 120_000);
});
