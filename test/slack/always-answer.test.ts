import { App, type Receiver } from '@slack/bolt';
import { LogLevel } from '@slack/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answeredForListener, messages } from '../../src/slack/always-answer.js';
import { createListenerRoutes } from '../../src/slack/listeners.js';
import { isDatabaseUnavailable, redactedError, safeErrorText } from '../../src/slack/safe-errors.js';
import { FAKE_BOT_TOKEN, FakeSlack } from '../support/fake-slack.js';
import { silentLogger } from '../support/test-app.js';

// The answer given on a listener's behalf (src/slack/always-answer.ts), on a real Bolt app fed requests
// directly: which answer, when, and what the person is told.

/** The error drizzle throws when postgres.js could not connect: its message carries the query's params. */
function failedQuery(cause: Error): Error {
  return Object.assign(
    new Error('Failed query: select * from rules where submitter = $1\nparams: U0EMPL0001'),
    {
      cause,
    },
  );
}
const refused = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

let fakeSlack: FakeSlack;
beforeAll(async () => {
  fakeSlack = await FakeSlack.start();
});
afterAll(async () => {
  await fakeSlack.close();
});

function boltApp(answerWithinMs = 2_500) {
  const receiver: Receiver = { init: () => {}, start: async () => {}, stop: async () => {} };
  const app = new App({
    token: FAKE_BOT_TOKEN,
    botId: 'B0TOUCHBOT',
    botUserId: 'U0TOUCHBOT',
    receiver,
    tokenVerificationEnabled: false,
    logger: silentLogger,
    logLevel: LogLevel.ERROR,
    // The person is told by DM where Slack gave no response URL.
    clientOptions: { slackApiUrl: fakeSlack.apiUrl, retryConfig: { retries: 0 } },
  });
  app.error(async () => {});
  const dms = () =>
    fakeSlack
      .callsTo('chat.postMessage')
      .map((call) => ({ channel: call.args.channel, text: call.args.text }));
  const routes = createListenerRoutes(app.client);
  const deliver = async (body: Record<string, unknown>) => {
    const acks: unknown[] = [];
    let ackedAt: number | undefined;
    const started = performance.now();
    await app.processEvent({
      body,
      ack: async (response?: unknown) => {
        acks.push(response);
        ackedAt ??= performance.now() - started;
      },
    });
    return { acks, ackedAt };
  };
  return {
    app,
    routes,
    deliver,
    dms,
    mount: () => routes.mount(app, { logger: silentLogger, answerWithinMs }),
  };
}

const submission = (callbackId: string) => ({
  type: 'view_submission',
  team: { id: 'T0TEAM0001' },
  user: { id: 'U0EMPL0001', team_id: 'T0TEAM0001' },
  view: {
    id: 'V0MODAL001',
    callback_id: callbackId,
    blocks: [
      { type: 'section', block_id: 'intro', text: { type: 'mrkdwn', text: 'Hi' } },
      { type: 'input', block_id: 'rule', element: { type: 'plain_text_input', action_id: 'rule' } },
      { type: 'input', block_id: 'why', element: { type: 'plain_text_input', action_id: 'why' } },
    ],
    state: { values: {} },
  },
});
const appHomeClick = (actionId: string) => ({
  type: 'block_actions',
  team: { id: 'T0TEAM0001' },
  user: { id: 'U0EMPL0001', team_id: 'T0TEAM0001' },
  container: { type: 'view', view_id: 'V0HOME0001' },
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', action_ts: '1' }],
});

describe('answering for a listener', () => {
  it('keeps a modal open with the database message on its first input when the listener throws first', async () => {
    const { routes, deliver, mount } = boltApp();
    routes.view('rules.nominate', async () => {
      throw redactedError(failedQuery(refused()));
    });
    mount();
    const { acks } = await deliver(submission('rules.nominate'));
    expect(acks).toEqual([{ response_action: 'errors', errors: { rule: messages.databaseModal } }]);
  });

  it('says something went wrong, not the database, for another failure', async () => {
    const { routes, deliver, mount } = boltApp();
    routes.view('rules.nominate', async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id')");
    });
    mount();
    const { acks } = await deliver(submission('rules.nominate'));
    expect(acks).toEqual([{ response_action: 'errors', errors: { rule: messages.failedModal } }]);
  });

  it('answers a command that throws before its ack with the message itself', async () => {
    const { routes, deliver, mount } = boltApp();
    routes.command('/killrule', async () => {
      throw failedQuery(refused());
    });
    mount();
    const { acks } = await deliver({
      command: '/killrule',
      text: 'mine',
      user_id: 'U0EMPL0001',
      channel_id: 'C0GENERAL1',
      team_id: 'T0TEAM0001',
    });
    expect(acks).toEqual([{ response_type: 'ephemeral', text: messages.database }]);
  });

  it('tells the person by DM when a click fails on the database after its ack (no response URL)', async () => {
    const { routes, deliver, mount, dms } = boltApp();
    routes.action('rules.vote', async ({ ack }) => {
      await ack();
      throw failedQuery(refused());
    });
    mount();
    const { acks } = await deliver(appHomeClick('rules.vote'));
    expect(acks).toEqual([undefined]);
    await fakeSlack.waitFor('chat.postMessage');
    expect(dms()).toEqual([{ channel: 'U0EMPL0001', text: messages.database }]);
  });

  it('acks a slow listener on its behalf in time, and ignores its late ack', async () => {
    const { routes, deliver, mount } = boltApp(100);
    routes.view('rules.nominate', async ({ ack }) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await ack();
    });
    mount();
    const { acks, ackedAt } = await deliver(submission('rules.nominate'));
    expect(acks).toEqual([{ response_action: 'errors', errors: { rule: messages.slowModal } }]);
    expect(ackedAt).toBeLessThan(250);
  });

  it('tells a listener whether its answer will be shown (a nomination’s thanks, else its DM)', async () => {
    const { routes, deliver, mount } = boltApp(100);
    const shown: boolean[] = [];
    routes.view('rules.nominate', async ({ ack, context, body }) => {
      if (body.view.id === 'V0SLOW0001') await new Promise((resolve) => setTimeout(resolve, 300));
      shown.push(!answeredForListener(context));
      await ack();
    });
    mount();
    await deliver(submission('rules.nominate'));
    const slow = submission('rules.nominate');
    await deliver({ ...slow, view: { ...slow.view, id: 'V0SLOW0001' } });
    expect(shown).toEqual([true, false]);
  });

  it('acks an unknown ID, a view_closed and a listener that forgot to ack at once', async () => {
    const { routes, deliver, mount } = boltApp();
    routes.action('known', async () => {});
    routes.view('rules.nominate', async ({ ack }) => ack());
    mount();
    for (const body of [
      appHomeClick('rules.gone_button'),
      appHomeClick('known'),
      { ...submission('rules.unknown'), type: 'view_closed' },
      submission('rules.unknown_modal'),
    ]) {
      const { acks, ackedAt } = await deliver(body);
      expect(acks).toEqual([undefined]);
      expect(ackedAt).toBeLessThan(100);
    }
  });
});

describe('isDatabaseUnavailable', () => {
  it('recognises a database that cannot be reached, through drizzle’s wrapper and redaction', () => {
    expect(isDatabaseUnavailable(failedQuery(refused()))).toBe(true);
    expect(isDatabaseUnavailable(redactedError(failedQuery(refused())))).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }),
      ),
    ).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(Object.assign(new Error('connection failure'), { code: '08006' }))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(new Error('PGlite is closed'))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([refused(), refused()], 'connect failed'))).toBe(true);
  });

  it('does not take other failures for it', () => {
    expect(
      isDatabaseUnavailable(failedQuery(Object.assign(new Error('duplicate key'), { code: '23505' }))),
    ).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
    // A socket reset from Slack's Web API is Slack's, not the database's.
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('A request error occurred'), {
          code: 'slack_webapi_request_error',
          cause: refused(),
        }),
      ),
    ).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it('keeps the redacted error safe to log', () => {
    expect(safeErrorText(redactedError(failedQuery(refused())))).not.toContain('U0EMPL0001');
  });
});
