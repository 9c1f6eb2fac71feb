import { describe, expect, it } from 'vitest';
import { eventCallback, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

describe('App Home', () => {
  const app = useTestApp();

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
    await app.send.event(
      eventCallback({
        type: 'app_home_opened',
        user: ids.otherEmployee,
        channel: 'D0EMPL0002',
        tab: 'messages',
      }),
    );
    await app.whenIdle();
    expect(app.slack.callsTo('views.publish')).toEqual([]);
  });
});
