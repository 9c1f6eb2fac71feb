import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyMigratedDataDir, freshDatabase } from '../support/db.js';
import { eventCallback, ids } from '../support/payloads.js';
import { type SlackResponse, SlackSender } from '../support/slack-requests.js';
import { ChildApp, startFakeSlack, testEnv, useTestApp } from '../support/test-app.js';

// The guard in front of Bolt (src/slack/request-guard.ts): whatever a correctly signed request carries,
// it is answered at once with a 2xx or 4xx and the process keeps serving; requests outside Slack's
// five-minute window either way, or signed with another secret, are refused.

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** Bodies that are not (forms of) JSON objects, or not an envelope Touchpoint is sent. */
const notObjects: [name: string, body: string, contentType: string][] = [
  ['JSON null', 'null', JSON_TYPE],
  ['a JSON number', '42', JSON_TYPE],
  ['a JSON string', '"event_callback"', JSON_TYPE],
  ['a JSON array', '[{"type":"event_callback"}]', JSON_TYPE],
  ['JSON true', 'true', JSON_TYPE],
  ['payload=null', form({ payload: 'null' }), FORM],
  ['payload=[]', form({ payload: '[]' }), FORM],
  ['payload=7', form({ payload: '7' }), FORM],
  ['payload="x"', form({ payload: '"x"' }), FORM],
  ['payload that is not JSON', form({ payload: '{"type":' }), FORM],
  ['a JSON body that is not JSON', '{"type": "event_callback",', JSON_TYPE],
  ['an empty body', '', JSON_TYPE],
  ['an empty object', '{}', JSON_TYPE],
  ['payload={}', form({ payload: '{}' }), FORM],
  ['an event with a string for its event', JSON.stringify({ ...eventCallback({}), event: 'x' }), JSON_TYPE],
  [
    'an event without an event_id',
    JSON.stringify({ type: 'event_callback', event: { type: 'x' } }),
    JSON_TYPE,
  ],
  [
    'block_actions whose actions is a number',
    form({ payload: '{"type":"block_actions","actions":5}' }),
    FORM,
  ],
  [
    'block_actions whose user is a string',
    form({ payload: '{"type":"block_actions","user":"U0EMPL0001","actions":[{}]}' }),
    FORM,
  ],
  [
    'a view_submission whose view is null',
    form({ payload: '{"type":"view_submission","user":{"id":"U0EMPL0001"},"view":null}' }),
    FORM,
  ],
  [
    'a command that is not a slash command',
    form({ command: 'killrule', user_id: ids.employee, response_url: 'x' }),
    FORM,
  ],
];

describe('the request guard', () => {
  const app = useTestApp();

  const expectAnsweredQuickly = (response: SlackResponse) => {
    expect(response.ms).toBeLessThan(3_000);
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(500);
  };
  const expectServing = async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  };

  it.each(notObjects)('refuses %s with a 400 at once', async (_name, body, contentType) => {
    const response = await app.send.post(body, contentType);
    expectAnsweredQuickly(response);
    expect(response.status).toBe(400);
    await expectServing();
  });

  it('refuses a body over 1 MB with a 413', async () => {
    const big = JSON.stringify({
      ...eventCallback({ type: 'app_home_opened' }),
      padding: 'x'.repeat(1_100_000),
    });
    const response = await app.send.post(big, JSON_TYPE);
    expectAnsweredQuickly(response);
    expect(response.status).toBe(413);
    await expectServing();
  });

  it('refuses a request dated more than five minutes ahead, or behind, and one signed with another secret', async () => {
    const now = Math.floor(Date.now() / 1000);
    const body = form({ payload: '{}' });
    const future = await app.send.post(body, FORM, { timestamp: now + 10 * 60 });
    const stale = await app.send.post(body, FORM, { timestamp: now - 10 * 60 });
    const forged = await app.send.post(body, FORM, { secret: 'not-the-signing-secret' });
    for (const response of [future, stale, forged]) {
      expectAnsweredQuickly(response);
      expect(response.status).toBe(401);
    }
    // Slack's clock may be a little ahead of ours: within the window is fine.
    const event = eventCallback({ type: 'app_home_opened', user: ids.employee, tab: 'messages' });
    expect((await app.send.event(event, { timestamp: now + 4 * 60 })).status).toBe(200);
  });

  it('handles an event delivered twice with one event_id once', async () => {
    const event = eventCallback({
      type: 'app_home_opened',
      user: ids.employee,
      tab: 'home',
      channel: 'D0EMPL0001',
    });
    expect((await app.send.event(event)).status).toBe(200);
    await app.slack.waitFor('views.publish', (call) => call.args.user_id === ids.employee);
    expect((await app.send.event(event, { retryNum: 1 })).status).toBe(200);
    await app.whenIdle();
    expect(app.slack.callsTo('views.publish')).toHaveLength(1);

    // Another event (another event_id) is handled again.
    const again = eventCallback({
      type: 'app_home_opened',
      user: ids.employee,
      tab: 'home',
      channel: 'D0EMPL0001',
    });
    expect((await app.send.event(again)).status).toBe(200);
    await app.slack.waitFor('views.publish', () => app.slack.callsTo('views.publish').length === 2);
  });

  it('answers Slack’s unsigned SSL check', async () => {
    const response = await app.send.post(form({ ssl_check: '1', token: 'x' }), FORM, { secret: 'unsigned' });
    expect(response.status).toBe(200);
  });
});

describe('the Touchpoint process, sent what once killed it', () => {
  let child: ChildApp | undefined;
  let dataDir: string | undefined;
  const slackStarted = startFakeSlack();

  afterAll(async () => {
    if (child?.running) child.kill('SIGKILL');
    await child?.exited;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await (await slackStarted).close();
  });

  it('keeps serving after signed null bodies and a listener that throws', async () => {
    const slack = await slackStarted;
    const database = await freshDatabase();
    dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-guard-'));
    if (database.config.kind === 'pglite') await copyMigratedDataDir(dataDir);
    const dbEnv = database.config.kind === 'postgres' ? database.env : { TOUCHPOINT_DATA_DIR: dataDir };
    child = ChildApp.spawn(testEnv(slack, { LOG_LEVEL: 'info', ...dbEnv }));
    const port = await child.waitUntilHealthy(60_000);
    const send = new SlackSender(`http://127.0.0.1:${port}`);

    for (const [body, contentType] of [
      ['null', JSON_TYPE],
      [form({ payload: 'null' }), FORM],
      ['[]', JSON_TYPE],
      // Reaches the vote listener, whose parse throws after its ack.
      [
        form({
          payload: JSON.stringify({
            type: 'block_actions',
            user: { id: ids.employee },
            team: { id: 'T0TEAM0001' },
            actions: [{ type: 'button', action_id: 'rules.vote', value: { ruleId: 1 } }],
          }),
        }),
        FORM,
      ],
    ] as const) {
      const response = await send.post(body, contentType);
      expect(response.status).toBeLessThan(500);
      expect(response.ms).toBeLessThan(3_000);
    }
    expect(child.running).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(child.stderr).not.toMatch(/TypeError|unhandled/i);
  }, 90_000);
});
