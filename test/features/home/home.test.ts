import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCallback, ids } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';

describe('App Home', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('publishes the Home tab when someone opens it', async () => {
    const response = await app.send.event(
      eventCallback({ type: 'app_home_opened', user: ids.employee, channel: 'D0EMPL0001', tab: 'home' }),
    );
    expect(response.status).toBe(200);
    const publish = await app.slack.waitFor('views.publish', (c) => c.args.user_id === ids.employee);
    expect(publish.response.ok).toBe(true);
    expect((publish.args.view as { type: string }).type).toBe('home');
  });

  it('ignores the Messages tab', async () => {
    app.slack.calls.length = 0;
    await app.send.event(
      eventCallback({
        type: 'app_home_opened',
        user: ids.otherEmployee,
        channel: 'D0EMPL0002',
        tab: 'messages',
      }),
    );
    await app.slack.settle();
    expect(app.slack.callsTo('views.publish')).toEqual([]);
  });
});
