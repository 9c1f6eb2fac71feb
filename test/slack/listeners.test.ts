import { App, type Receiver } from '@slack/bolt';
import { LogLevel } from '@slack/logger';
import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { createListenerRoutes } from '../../src/slack/listeners.js';
import { silentLogger } from '../support/test-app.js';

/** A real Bolt app fed events directly (the receiver is a stand-in: these tests are about routing). */
function boltApp() {
  const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };
  const app = new App({
    token: 'xoxb-test',
    // With the bot's IDs given, Bolt asks Slack nothing (no auth.test).
    botId: 'B1',
    botUserId: 'UBOT',
    receiver,
    tokenVerificationEnabled: false,
    logger: silentLogger,
    logLevel: LogLevel.ERROR,
  });
  const routes = createListenerRoutes(app.client);
  const deliver = async (body: Record<string, unknown>) => {
    let acked = false;
    await app.processEvent({
      body,
      ack: async () => {
        acked = true;
      },
    });
    return acked;
  };
  return { app, routes, deliver };
}

const command = (name: string) => ({
  command: name,
  text: '',
  user_id: 'U1',
  channel_id: 'C1',
  team_id: 'T1',
  trigger_id: 't',
  response_url: 'https://hooks.slack.com/commands/x',
});
const blockAction = (actionId: string) => ({
  type: 'block_actions',
  user: { id: 'U1' },
  team: { id: 'T1' },
  trigger_id: 't',
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }],
});

describe('listener routes', () => {
  it('run only the listener registered for the ID, its middleware first', async () => {
    const { app, routes, deliver } = boltApp();
    const ran: string[] = [];
    routes.command(
      '/one',
      async ({ next }) => {
        ran.push('one: middleware');
        await next();
      },
      async ({ ack, command: payload }) => {
        ran.push(`one: ${payload.command}`);
        await ack();
      },
    );
    routes.command('/two', async ({ ack }) => {
      ran.push('two');
      await ack();
    });
    routes.action('a.click', async ({ ack }) => {
      ran.push('a.click');
      await ack();
    });
    routes.mount(app);

    expect(await deliver(command('/one'))).toBe(true);
    expect(ran).toEqual(['one: middleware', 'one: /one']);
    expect(await deliver(blockAction('a.click'))).toBe(true);
    expect(ran).toEqual(['one: middleware', 'one: /one', 'a.click']);
  });

  it('ack an ID nobody registered at once (Slack would show an error after 3 s)', async () => {
    const { app, routes, deliver } = boltApp();
    routes.action('known', async ({ ack }) => ack());
    routes.mount(app);
    expect(await deliver(blockAction('unknown'))).toBe(true);
    expect(await deliver(command('/unknown'))).toBe(true);
  });

  it('stop at a middleware that does not call next', async () => {
    const { app, routes, deliver } = boltApp();
    let reached = false;
    routes.command(
      '/guarded',
      async ({ ack }) => ack(),
      async () => {
        reached = true;
      },
    );
    routes.mount(app);
    expect(await deliver(command('/guarded'))).toBe(true);
    expect(reached).toBe(false);
  });

  it('pass what a listener throws to Bolt', async () => {
    const { app, routes } = boltApp();
    routes.command('/boom', async () => {
      throw new Error('boom');
    });
    routes.mount(app);
    const errors: string[] = [];
    app.error(async (error) => {
      errors.push(String((error as { original?: Error }).original?.message ?? error.message));
    });
    await app.processEvent({ body: command('/boom'), ack: async () => {} }).catch(() => {});
    expect(errors).toEqual(['boom']);
  });

  it('refuse a second listener for the same ID, and list what was registered', () => {
    const routes = createListenerRoutes({} as WebClient);
    routes.view('modal', async ({ ack }) => ack());
    routes.event('app_home_opened', async () => {});
    expect(() => routes.view('modal', async ({ ack }) => ack())).toThrow(/two view listeners for modal/);
    expect(routes.ids()).toEqual({
      command: [],
      shortcut: [],
      action: [],
      view: ['modal'],
      event: ['app_home_opened'],
    });
  });
});
