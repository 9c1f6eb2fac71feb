import { describe, expect, it } from 'vitest';
import { slashCommand } from './support/payloads.js';
import { useTestApp } from './support/test-app.js';

describe('HTTP surface', () => {
  const app = useTestApp();

  it('answers GET /healthz and GET /readyz with 200 while the database answers', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ok: true });
  });

  it('refuses a request signed with another secret: 401 and no Web API call', async () => {
    const body = slashCommand('/touchpoint', 'help', { response_url: app.slack.responseUrl() });
    const response = await app.send.command(body, { secret: 'not-the-signing-secret' });
    expect(response.status).toBe(401);
    await app.whenIdle();
    expect(app.slack.calls).toEqual([]);
  });

  it('refuses a correctly signed but stale request (replay): 401 and no Web API call', async () => {
    const body = slashCommand('/touchpoint', 'help', { response_url: app.slack.responseUrl() });
    const response = await app.send.command(body, { timestamp: Math.floor(Date.now() / 1000) - 10 * 60 });
    expect(response.status).toBe(401);
    await app.whenIdle();
    expect(app.slack.calls).toEqual([]);
  });

  it('accepts the same request signed correctly (the two refusals above are about the signature)', async () => {
    const response = await app.command('/touchpoint', 'help');
    expect(response.status).toBe(200);
    await app.slack.waitFor('chat.postEphemeral');
  });

  it('answers GET /readyz with 503 once the database is gone, while /healthz stays 200', async () => {
    await app.running.database.close();
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });
});
