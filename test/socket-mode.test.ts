import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesIds } from '../src/features/rules/rules.ids.js';
import { rules } from '../src/features/rules/rules.schema.js';
import { nominationState } from './features/rules/rules.helpers.js';
import { copyMigratedDataDir, freshDatabase, usingPostgres } from './support/db.js';
import type { FakeSlack } from './support/fake-slack.js';
import { FakeSocketMode } from './support/fake-socket-mode.js';
import { eventCallback, ids, slashCommand, viewSubmission } from './support/payloads.js';
import { ChildApp, startFakeSlack, startTestApp, type TestApp, testEnv } from './support/test-app.js';

// Socket Mode as Slack runs it: Touchpoint opens its connection with the app-level token through
// apps.connections.open, takes envelopes on a WebSocket and acks each, reconnects when Slack asks, and
// keeps answering /healthz, /readyz and /metrics on PORT. Slack's side is a local WebSocket server.

const APP_TOKEN = 'xapp-1-A0TOUCHPT1-1234567890-socketmodetest';
const SOCKET_MODE = { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: undefined };

type OpenedView = { id: string; callback_id?: string; blocks: { block_id?: string; element?: object }[] };

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

/** Sends `/killrule text` on the socket; resolves with its ack and the modal the fake Slack was asked to open. */
async function killruleOverSocket(slack: FakeSlack, socket: FakeSocketMode, text: string) {
  const command = slashCommand('/killrule', text, { response_url: slack.responseUrl() });
  const ack = await socket.send('slash_commands', command);
  const open = await slack.waitFor('views.open', (call) => call.args.trigger_id === command.trigger_id);
  return { ack, open, view: open.response.view as OpenedView };
}

describe('Socket Mode, end to end', { timeout: 60_000 }, () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let app: TestApp | undefined;
  let modal: OpenedView;

  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await FakeSocketMode.start(slack);
    app = await startTestApp({ slack, env: SOCKET_MODE });
  });
  afterAll(async () => {
    await app?.stop();
    await socket?.close();
    await slack?.close();
  });
  const running = () => app as TestApp;

  it('connects with the app-level token and answers /healthz, /readyz and /metrics on PORT', async () => {
    const opens = slack.callsTo('apps.connections.open');
    expect(opens).toHaveLength(1);
    expect(opens[0]?.token).toBe(APP_TOKEN);
    expect(opens[0]?.response.ok).toBe(true);
    expect(socket.connections).toHaveLength(1);
    expect(socket.connections[0]?.closed).toBeUndefined();

    // PORT=0: the port reported is the one the health server really got.
    expect(running().running.port).toBeGreaterThan(0);
    const { url } = running();
    expect(await status(`${url}/healthz`)).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true });
    expect(await status(`${url}/metrics`)).toBe(200);
    // Slack's requests come through the socket: there is no events endpoint on PORT.
    expect((await fetch(`${url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('/killrule on the socket is acked once with its envelope id, and the modal opens prefilled', async () => {
    const acksBefore = socket.acks.length;
    const { ack, view } = await killruleOverSocket(slack, socket, 'Refunds over €50 need a manager');
    expect(socket.acks.slice(acksBefore).map((a) => a.envelope_id)).toEqual([ack.envelope_id]);
    expect(view.callback_id).toBe(rulesIds.nominateModal);
    const rule = view.blocks.find((block) => block.block_id === rulesIds.rule);
    expect(rule?.element).toMatchObject({ initial_value: 'Refunds over €50 need a manager' });
    modal = view;
  });

  it('a view submission on the socket gets its field errors in the ack, and a good one is saved and posted', async () => {
    const bad = await socket.send(
      'interactive',
      viewSubmission(modal, nominationState({ rule: '   ', why: '' }), ids.employee),
    );
    expect(bad.payload?.response_action).toBe('errors');
    const errors = (bad.payload?.errors ?? {}) as Record<string, string>;
    expect(errors[rulesIds.rule]).toMatch(/which rule/i);

    const good = await socket.send(
      'interactive',
      viewSubmission(modal, nominationState({ rule: 'Receipts for every refund' }), ids.employee),
    );
    expect(good.payload?.response_action).toBe('update');
    const [row] = await running()
      .running.database.db.select()
      .from(rules)
      .where(eq(rules.title, 'Receipts for every refund'));
    expect(row?.idempotencyKey).toBe(`view:${modal.id}`);
    const card = await slack.waitFor(
      'chat.postMessage',
      (call) => call.args.channel === ids.backlogChannel && String(call.args.text).includes('Receipts'),
    );
    expect(card.response.ok).toBe(true);
  });

  it('app_home_opened on the socket is acked and publishes the Home', async () => {
    const ack = await socket.send(
      'events_api',
      eventCallback({ type: 'app_home_opened', user: ids.otherEmployee, channel: 'D0EMPL0002', tab: 'home' }),
    );
    expect(ack.payload ?? {}).toEqual({});
    const publish = await slack.waitFor('views.publish', (call) => call.args.user_id === ids.otherEmployee);
    expect((publish.args.view as { type: string }).type).toBe('home');
    expect(publish.response.ok).toBe(true);
  });

  it('acks malformed envelopes at once and empty, as HTTP mode refuses them, and goes on handling requests', async () => {
    const malformed: [Parameters<FakeSocketMode['send']>[0], object | null][] = [
      ['events_api', { type: 'event_callback', event_id: 'Ev0BAD0001' }], // no event: the library threw
      ['events_api', null],
      ['interactive', { type: 'block_actions' }], // no user, no actions: Bolt routed nothing, never acked
      ['interactive', { type: 'view_submission', user: { id: ids.employee }, view: 'not a view' }],
      ['slash_commands', { command: '/killrule' }],
      ['slash_commands', [1, 2, 3]],
    ];
    for (const [type, payload] of malformed) {
      const ack = await socket.send(type, payload, 1_000);
      expect(ack.payload ?? {}, JSON.stringify(payload)).toEqual({});
    }
    const refused = await fetch(`${running().url}/metrics`).then((res) => res.text());
    const count = refused
      .split('\n')
      .filter(
        (line) => line.startsWith('touchpoint_slack_requests_total{') && line.includes('outcome="refused"'),
      )
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
    expect(count).toBe(malformed.length);
    const { ack, view } = await killruleOverSocket(slack, socket, 'Still here');
    expect(ack.payload ?? {}).toEqual({});
    expect(view.callback_id).toBeTruthy();
  });

  it('on refresh_requested it reconnects through apps.connections.open and goes on handling requests', async () => {
    const readyz = () => status(`${running().url}/readyz`);
    const first = socket.current;
    if (!first) throw new Error('no connection');
    socket.disconnect('refresh_requested');
    // The client closes its socket with a normal close frame, and is not ready until the next hello.
    expect((await socket.waitForClose(first)).code).toBe(1000);
    expect(await readyz()).toBe(503);

    const second = await socket.waitForConnections(2);
    expect(slack.callsTo('apps.connections.open')).toHaveLength(2);
    expect(second.closed).toBeUndefined();
    await expect.poll(readyz, { timeout: 5_000, interval: 50 }).toBe(200);

    const { ack, view } = await killruleOverSocket(slack, socket, 'Two signatures for a refund');
    expect(second.acks.map((a) => a.envelope_id)).toEqual([ack.envelope_id]);
    expect(view.callback_id).toBe(rulesIds.nominateModal);
    expect(socket.connections).toHaveLength(2);
  });

  it('stop() closes the socket with a normal close, and the health server', async () => {
    const connection = socket.current;
    if (!connection) throw new Error('no connection');
    const { url } = running();
    await running().stop();
    app = undefined;
    expect((await socket.waitForClose(connection)).code).toBe(1000);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
  });
});

// The real process, started with `npm start`'s command (node --import tsx src/main.ts) in Socket Mode: it
// crashed on every successful connection, reading the answer of apps.connections.open as an HTTP server.
describe('the Touchpoint process in Socket Mode', { timeout: 90_000 }, () => {
  let slack: FakeSlack;
  let socket: FakeSocketMode;
  let child: ChildApp | undefined;
  let dataDir: string | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack();
    socket = await FakeSocketMode.start(slack);
  });
  afterAll(async () => {
    if (child?.running) child.kill('SIGKILL');
    await child?.exited;
    await socket?.close();
    await slack?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('connects, handles an envelope, says on /readyz when the socket is gone, and exits 0 on SIGTERM', async () => {
    let dbEnv: Record<string, string>;
    if (usingPostgres()) dbEnv = (await freshDatabase()).env;
    else {
      // An installed Touchpoint restarting: the child skips initdb and the migrations.
      dataDir = await mkdtemp(join(tmpdir(), 'touchpoint-socket-'));
      await copyMigratedDataDir(dataDir);
      dbEnv = { TOUCHPOINT_DATA_DIR: dataDir };
    }
    child = ChildApp.spawn(testEnv(slack, { LOG_LEVEL: 'info', ...dbEnv, ...SOCKET_MODE }));
    const port = await child.waitUntilHealthy(60_000);
    expect(child.stdout).toContain('Socket Mode');
    const readyz = () => fetch(`http://127.0.0.1:${port}/readyz`);
    expect((await readyz()).status).toBe(200);
    expect(socket.connections).toHaveLength(1);

    const { ack, view } = await killruleOverSocket(slack, socket, 'Manager approval for returns');
    expect(socket.connections[0]?.acks.map((a) => a.envelope_id)).toEqual([ack.envelope_id]);
    expect(view.callback_id).toBe(rulesIds.nominateModal);

    await socket.goAway();
    await expect.poll(async () => (await readyz()).status, { timeout: 5_000, interval: 50 }).toBe(503);
    expect(await (await readyz()).json()).toEqual({
      ok: false,
      reason: 'Socket Mode not connected to Slack',
    });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    child.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.stderr).toBe('');
  });
});
