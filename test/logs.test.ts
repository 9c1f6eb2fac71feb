import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { ids } from './support/payloads.js';
import { startTestApp, type TestApp } from './support/test-app.js';

// What a person typed, and who they are: no log line may carry either.
const TYPED = 'Refunds need three signatures and a fax';
const PERSON = ids.employee;

describe('the app’s log lines, through the real logger, Bolt and the Web API client', () => {
  const lines: string[] = [];
  let app: TestApp;

  beforeAll(async () => {
    // Debug: Bolt dumps every request body and the Web API client every call's arguments at that level.
    const logger = createLogger({ level: 'debug', destination: { write: (line) => void lines.push(line) } });
    app = await startTestApp({ logger });
  });
  afterAll(async () => {
    await app?.stop();
  });

  /** Waits (bounded) for a line matching `predicate`: the listener keeps working after the ack. */
  async function lineWhere(predicate: (line: Record<string, unknown>) => boolean) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const found = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such log line in:\n${lines.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('a request that fails at Slack logs JSON lines with its request id, and nothing the person typed', async () => {
    app.slack.failNext('views.open', 'trigger_expired');
    const answer = await app.command('/killrule', TYPED, { user_id: PERSON });
    expect(answer.status).toBe(200);

    const failure = await lineWhere((line) => String(line.msg).startsWith('Listener failed'));
    expect(failure).toMatchObject({ level: 'error', request: 'command /killrule' });
    expect(failure.msg).toContain('trigger_expired');
    expect(failure.requestId).toMatch(/^[0-9a-f]{12}$/);
    // The Web API client's lines inside that request carry the same id.
    const call = await lineWhere((line) => String(line.msg).startsWith("apiCall('views.open') start"));
    expect(call.requestId).toBe(failure.requestId);

    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(typeof parsed.time).toBe('string');
      expect(['debug', 'info', 'warn', 'error']).toContain(parsed.level);
      expect(line).not.toContain(TYPED);
      expect(line).not.toContain('three signatures');
      expect(line).not.toContain(PERSON);
    }
  });

  it('a job run’s lines carry the job’s name and a run id', async () => {
    await app.running.runJob('calls.roster', new Date('2026-11-02T03:00:00Z'));
    const synced = await lineWhere((line) => String(line.msg).startsWith('Executive roster synced'));
    expect(synced).toMatchObject({ level: 'info', job: 'calls.roster' });
    expect(synced.jobId).toMatch(/^[0-9a-f]{12}$/);
    expect(synced.requestId).toBeUndefined();
  });
});
