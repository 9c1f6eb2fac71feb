import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesIds } from '../../src/features/rules/rules.ids.js';
import { rules } from '../../src/features/rules/rules.schema.js';
import { messages } from '../../src/slack/always-answer.js';
import { SAVE_FAILED } from '../../src/slack/blocks.js';
import { nominationState, openModalWithCommand } from '../features/rules/rules.helpers.js';
import { freshDatabase, usingPostgres } from '../support/db.js';
import type { RecordedCall } from '../support/fake-slack.js';
import { blockActions, ids, viewSubmission } from '../support/payloads.js';
import type { SlackResponse } from '../support/slack-requests.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// The database goes away while Touchpoint runs: every request is still answered within Slack's 3 s, and
// the person is told what happened; once it is back, requests work again without a restart.
//
// PostgreSQL only: the app reaches it through a TCP proxy that the test cuts and restores (the machine's
// server is never stopped). The embedded database lives inside the process and cannot go away on its own;
// a closed PGlite is recognised by the same helper (isDatabaseUnavailable), tested in its unit test.

type OpenedView = Awaited<ReturnType<typeof openModalWithCommand>>;

function firstStageOption(view: OpenedView): string {
  const stage = view.blocks.find((block) => block.block_id === rulesIds.stage) as
    | { element?: { options?: { value: string }[] } }
    | undefined;
  const value = stage?.element?.options?.[0]?.value;
  if (!value) throw new Error('the nomination modal offers no stage');
  return value;
}

function firstInputBlock(view: OpenedView): string {
  const input = (view.blocks as { type?: string; block_id?: string }[]).find(
    (block) => block.type === 'input',
  );
  if (!input?.block_id) throw new Error('the nomination modal has no input');
  return input.block_id;
}

/** What a person saw privately: the slash command's own answer, a response_url message, or a DM. */
async function toldPrivately(
  app: TestApp,
  response: SlackResponse,
  user: string,
  text: string,
): Promise<void> {
  if (response.body.includes(text)) return;
  const privately = (call: RecordedCall) =>
    String(call.args.text).includes(text) &&
    (call.method === 'response_url' ? call.args.response_type === 'ephemeral' : call.args.channel === user);
  await Promise.any([
    app.slack.waitFor('response_url', privately),
    app.slack.waitFor('chat.postMessage', privately),
  ]);
}

/** A modal answer that keeps the modal open: errors on its inputs, or the same form again with the text. */
function expectModalKept(response: SlackResponse, firstInput: string, typed: string): void {
  const answer = response.json<{
    response_action?: string;
    errors?: Record<string, string>;
    view?: { blocks: { block_id?: string; element?: { initial_value?: string } }[] };
  }>();
  if (answer.response_action === 'errors') {
    expect(answer.errors?.[firstInput]).toMatch(/nothing you typed is lost/i);
    return;
  }
  expect(answer.response_action).toBe('update');
  const blocks = answer.view?.blocks ?? [];
  expect(blocks.find((block) => block.block_id === firstInput)?.element?.initial_value).toBe(typed);
  // The listener's own answer: the one save-failed line ("Everything you typed is still here").
  expect(JSON.stringify(blocks)).toContain(SAVE_FAILED);
}

/**
 * An app on a fresh database that it reaches through a proxy the test can cut, hang and restore, for
 * the tests of one describe block (use it inside a test).
 */
function useAppBehindProxy(): { proxy: TcpProxy; app: TestApp } {
  const running = {} as { proxy: TcpProxy; app: TestApp };
  beforeAll(async () => {
    const database = await freshDatabase();
    const url = new URL((database.env as { DATABASE_URL: string }).DATABASE_URL);
    running.proxy = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    running.app = await startTestApp({ env: { DATABASE_URL: running.proxy.proxiedUrl(url.toString()) } });
  }, 60_000);
  afterAll(async () => {
    await running.proxy?.restore();
    await running.app?.stop();
    await running.proxy?.close();
  });
  return running;
}

describe.runIf(usingPostgres())('with the database down', () => {
  const running = useAppBehindProxy();

  const readyz = async () => (await fetch(`${running.app.url}/readyz`)).status;

  it('answers every request in time with what happened, and recovers without a restart', async () => {
    const { app, proxy } = running;
    // Before: a modal open with a stage to pick, and a card to vote on.
    const view = await openModalWithCommand(app, ids.employee);
    const stage = firstStageOption(view);
    expect(await readyz()).toBe(200);

    await proxy.cut();
    app.slack.calls.length = 0;
    expect(await readyz()).toBe(503);

    // A nomination: the modal stays open with what was typed and a line saying nothing is lost (the
    // listener's own answer, or the one given on its behalf when it throws before its ack).
    const submission = await app.send.interaction(
      viewSubmission(view, nominationState({ stage, rule: 'Refunds need two signatures' }), ids.employee),
    );
    expect(submission.ms).toBeLessThan(3_000);
    expect(submission.status).toBe(200);
    expectModalKept(submission, firstInputBlock(view), 'Refunds need two signatures');

    // A command that reads the database (the `/killrule` modal itself opens: its stages are cached):
    // answered, and the person told privately.
    const command = await app.command('/killrule', 'mine', {
      user_id: ids.otherEmployee,
    });
    expect(command.ms).toBeLessThan(3_000);
    expect(command.status).toBe(200);
    await toldPrivately(app, command, ids.otherEmployee, messages.database);

    // A "me too" click: acked, and the person told that it did not happen.
    const click = await app.send.interaction(
      blockActions(
        { action_id: rulesIds.vote, value: '1' },
        { user: ids.otherEmployee, responseUrl: app.slack.responseUrl() },
      ),
    );
    expect(click.ms).toBeLessThan(3_000);
    expect(click.status).toBe(200);
    await toldPrivately(app, click, ids.otherEmployee, messages.database);

    // Back: ready again and the same command works, in the same process.
    await proxy.restore();
    await expect.poll(readyz, { timeout: 10_000, interval: 200 }).toBe(200);
    app.slack.calls.length = 0;
    const again = await app.command('/killrule', 'mine', {
      user_id: ids.otherEmployee,
    });
    expect(again.status).toBe(200);
    await app.slack.waitFor('chat.postEphemeral', (call) => call.args.user === ids.otherEmployee);
    const retried = await app.send.interaction(
      viewSubmission(view, nominationState({ stage, rule: 'Refunds need two signatures' }), ids.employee),
    );
    expect(retried.status).toBe(200);
    expect(retried.body).not.toContain(messages.databaseModal);
    // The nomination is stored now (its card goes through the outbox; the modal says thank you).
    const stored = await app.running.database.db
      .select({ id: rules.id })
      .from(rules)
      .where(eq(rules.idempotencyKey, `view:${view.id}`));
    expect(stored).toHaveLength(1);
  }, 60_000);
});

describe.runIf(usingPostgres())('with a database that stops answering', () => {
  const running = useAppBehindProxy();

  it('answers a submission that waits on it before Slack gives up, and keeps the modal', async () => {
    const { app, proxy } = running;
    const view = await openModalWithCommand(app, ids.employee);
    proxy.hang();

    const submission = await app.send.interaction(
      viewSubmission(view, nominationState({ rule: 'Badges expire every Friday' }), ids.employee),
    );
    expect(submission.ms).toBeLessThan(3_000);
    expect(submission.status).toBe(200);
    expect(submission.json()).toEqual({
      response_action: 'errors',
      errors: { [firstInputBlock(view)]: messages.slowModal },
    });
    expect((await fetch(`${app.url}/readyz`)).status).toBe(503);

    await proxy.restore();
    await expect
      .poll(async () => (await fetch(`${app.url}/readyz`)).status, { timeout: 15_000, interval: 200 })
      .toBe(200);
  }, 60_000);
});
