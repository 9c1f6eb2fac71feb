import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { classifySendError } from '../../src/outbox/outbox.errors.js';
import { enqueue, type OutboxItem, type OutboxRenderer } from '../../src/outbox/outbox.js';
import { claimDueItems, findOutboxItemByKey } from '../../src/outbox/outbox.queries.js';
import { outbox } from '../../src/outbox/outbox.schema.js';
import { type OutboxWorker, startOutboxWorker } from '../../src/outbox/outbox.worker.js';
import { testClock } from '../support/clock.js';
import { FAKE_BOT_TOKEN } from '../support/fake-slack.js';
import { ids } from '../support/payloads.js';
import { silentLogger, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Files through the outbox: a renderer builds the bytes when the item is sent (a picture is never stored),
 * and a file for a person goes to their DM, which Slack's file upload only takes as a conversation ID.
 */

/** Bytes that are no text: a PNG's signature, then every byte value (invalid UTF-8 among them). */
const PICTURE = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7) % 256)),
]);
const CSV = '\uFEFFStage,Suggestions made\r\nDiscover,3\r\n';

const renderer: OutboxRenderer = {
  name: 'test.review-files',
  async render(_db, input) {
    return {
      initial_comment: `The review for ${String(input.month)}`,
      file_uploads: [
        { file: PICTURE, filename: 'review.png', title: 'The picture' },
        { content: CSV, filename: 'review.csv', title: 'The numbers' },
      ],
    };
  },
};

/** Reads a file path, as the Web API client would do with a string `file`: must never be sent. */
const pathRenderer: OutboxRenderer = {
  name: 'test.path-file',
  async render() {
    return { file_uploads: [{ file: '/etc/hostname', filename: 'host.txt' }] };
  },
};

const upload = (key: string, channel: string, name = renderer.name): OutboxItem => ({
  key,
  method: 'files.uploadV2',
  channel,
  render: { name, input: { month: '2026-10' } },
});

let apps: TestApp[] = [];
let workers: OutboxWorker[] = [];
afterEach(async () => {
  for (const worker of workers) await worker.stop();
  for (const app of apps.reverse()) await app.stop();
  apps = [];
  workers = [];
});

/** The app (its own worker idle) and a worker with the test's renderers, as the app builds its own. */
async function start(clock = testClock()) {
  const app = await startTestApp({ now: clock.now, outbox: { autoStart: false } });
  apps.push(app);
  const worker = startOutboxWorker({
    db: app.running.database.db,
    client: new WebClient(FAKE_BOT_TOKEN, {
      slackApiUrl: app.slack.apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      logger: silentLogger,
    }),
    renderers: [renderer, pathRenderer],
    logger: silentLogger,
    now: clock.now,
    autoStart: false,
    leaseMs: 15_000,
  });
  workers.push(worker);
  return { app, worker, db: app.running.database.db, clock };
}

describe('files through the outbox', () => {
  it('uploads a rendered picture and CSV to a user’s DM as the same bytes, storing no bytes', async () => {
    const { app, worker, db, clock } = await start();
    await db.transaction((tx) => enqueue(tx, [upload('test:review:2026-10', ids.cxOfficer)], clock.now()));
    expect(await worker.drain()).toBe(1);

    const dm = app.slack.dmChannelOf(ids.cxOfficer);
    const files = app.slack.sharedFiles.filter((file) => file.channel === dm);
    expect(files.map((file) => file.title).sort()).toEqual(['The numbers', 'The picture']);
    const picture = files.find((file) => file.title === 'The picture');
    expect(picture?.bytes.equals(PICTURE)).toBe(true);
    expect(files.find((file) => file.title === 'The numbers')?.content).toBe(CSV);
    expect(picture?.comment).toBe('The review for 2026-10');
    // The DM was opened, and the upload completed in it (never with the user ID).
    expect(app.slack.callsTo('conversations.open').map((call) => call.args.users)).toEqual([ids.cxOfficer]);
    const completions = app.slack.callsTo('files.completeUploadExternal');
    expect(completions.map((call) => call.args.channel_id)).toEqual([dm]);
    expect(completions.every((call) => call.response.ok)).toBe(true);

    // The row holds the renderer's input only: no bytes, no CSV, no Slack answer.
    const row = await findOutboxItemByKey(db, 'test:review:2026-10');
    expect(row).toMatchObject({ status: 'sent', uncertain: false, lastError: null, result: null });
    expect(row?.payload).toEqual({ channel: ids.cxOfficer, input: { month: '2026-10' } });
    const stored = JSON.stringify(await db.select().from(outbox));
    expect(stored).not.toContain('Buffer');
    expect(stored).not.toContain(PICTURE.toString('base64').slice(0, 24));
    expect(stored).not.toContain('Discover');

    // Sent once: draining again sends nothing more.
    expect(await worker.drain()).toBe(0);
    expect(app.slack.sharedFiles.filter((file) => file.channel === dm)).toHaveLength(2);
  });

  it('uploads under a message the outbox posted, in its thread in the DM', async () => {
    const { app, worker, db, clock } = await start();
    await enqueue(
      db,
      [
        {
          key: 'test:summary',
          method: 'chat.postMessage',
          channel: ids.cxOfficer,
          args: { text: 'Summary' },
        },
        { ...upload('test:summary:files', ids.cxOfficer), parentKey: 'test:summary' },
      ],
      clock.now(),
    );
    await worker.drain();
    const summary = app.slack.callsTo('chat.postMessage').find((call) => call.args.text === 'Summary');
    const files = app.slack.sharedFiles;
    expect(files).toHaveLength(2);
    for (const file of files) {
      expect(file.channel).toBe(app.slack.dmChannelOf(ids.cxOfficer));
      expect(file.thread_ts).toBe(summary?.response.ts);
    }
  });

  it('counts arguments the client refuses before calling Slack as a dead letter at once', () => {
    expect(classifySendError({ code: 'slack_webapi_file_upload_invalid_args_error' })).toMatchObject({
      kind: 'permanent',
    });
  });

  it('refuses to queue bytes: an upload names a renderer instead', async () => {
    const { db, clock } = await start();
    const withBytes: OutboxItem = {
      key: 'test:bytes',
      method: 'files.uploadV2',
      channel: ids.cxOfficer,
      args: { file_uploads: [{ file: PICTURE, filename: 'review.png' }] },
    };
    await expect(enqueue(db, [withBytes], clock.now())).rejects.toThrow(/bytes/);
    expect(await findOutboxItemByKey(db, 'test:bytes')).toBeUndefined();
  });

  it('never reads a file path a renderer names: a dead letter, and nothing uploaded', async () => {
    const { app, worker, db, clock } = await start();
    await enqueue(db, [upload('test:path', ids.cxOfficer, pathRenderer.name)], clock.now());
    await worker.drain();
    expect(await findOutboxItemByKey(db, 'test:path')).toMatchObject({
      status: 'dead',
      lastError: 'a file to upload must be bytes (a Buffer)',
    });
    expect(app.slack.callsTo('files.getUploadURLExternal')).toHaveLength(0);
  });

  it('is refused by Slack with a user ID where a conversation belongs (why the DM is opened first)', async () => {
    const { app } = await start();
    const client = new WebClient(FAKE_BOT_TOKEN, {
      slackApiUrl: app.slack.apiUrl,
      retryConfig: { retries: 0 },
      logger: silentLogger,
    });
    const { file_id } = await client.files.getUploadURLExternal({ filename: 'x.csv', length: 3 });
    await expect(
      client.files.completeUploadExternal({ files: [{ id: String(file_id) }], channel_id: ids.cxOfficer }),
    ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });
    expect(app.slack.sharedFiles).toHaveLength(0);
  });

  it('uploads again an upload taken over from a worker that died mid-send (at least once: files cannot be looked for)', async () => {
    const { app, worker, db, clock } = await start();
    await enqueue(db, [upload('test:takeover', ids.cxOfficer)], clock.now());
    // Another worker claims it and dies before any outcome is written.
    expect(await claimDueItems(db, clock.now(), 10, 15_000)).toHaveLength(1);
    expect(await worker.drain()).toBe(0); // its lease holds
    clock.advance(16_000);
    expect(await worker.drain()).toBe(1);
    expect(await findOutboxItemByKey(db, 'test:takeover')).toMatchObject({
      status: 'sent',
      uncertain: false,
    });
    expect(app.slack.sharedFiles.filter((file) => file.title === 'The picture')).toHaveLength(1);
    expect(app.slack.callsTo('conversations.history')).toHaveLength(0);
  });
});
