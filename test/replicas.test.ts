import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

describe('two replicas on one database (test harness)', () => {
  let first: TestApp;
  let second: TestApp;
  beforeAll(async () => {
    first = await startTestApp();
    second = await startTestApp({ replicaOf: first });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('see the same rows and both answer Slack', async () => {
    await first.running.database.db.execute(
      sql`insert into settings (key, value) values ('replica-probe', '1'::jsonb)`,
    );
    const seen = await second.running.database.db.execute(
      sql`select key from settings where key = 'replica-probe'`,
    );
    expect(JSON.stringify(seen)).toContain('replica-probe');
    expect(second.url).not.toBe(first.url);
    await second.command('/touchpoint', 'help');
    await first.command('/touchpoint', 'help');
    await first.slack.waitFor('chat.postEphemeral');
    expect(first.slack).toBe(second.slack);
  });

  it('stopping one replica leaves the other working', async () => {
    await second.stop();
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    second = await startTestApp({ replicaOf: first });
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
  });
});
