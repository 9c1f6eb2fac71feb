import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../../support/fake-slack.js';
import { eventCallback, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { ANONYMOUS, GET_HELP, STAGE_OWNER, seedOctober } from './review.helpers.js';

// The monthly journey-stage review end to end: seeded October → `/touchpoint stages 2026-10` through a
// signed request → the DM's summary, then one upload with the picture (a PNG) and the CSV of the numbers.

const NOW = new Date('2026-11-10T10:00:00Z');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const textOf = (call: RecordedCall) => JSON.stringify(call.args.blocks ?? '') + String(call.args.text ?? '');
const reviewDmTo = (user: string) => (call: RecordedCall) =>
  call.args.channel === user && String(call.args.text ?? '').includes('October 2026');

function csvRows(csv: string): string[][] {
  return csv
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\r\n')
    .map((line) => line.split(','));
}

describe('the monthly journey-stage review', () => {
  const app = useTestApp({ now: () => NOW });
  /** The worker opens the DM and uploads there (files upload v2 takes a channel). */
  const uploadTo = (user: string) => (call: RecordedCall) =>
    call.args.channel_id === app.slack.dmChannelOf(user);
  let seeded = false;
  const seed = async () => {
    if (seeded) return;
    seeded = true;
    await seedOctober(app.running.database.db);
  };

  it('sends the CX office the whole review: numbers, gaps in words, escaped names, a PNG and a CSV', async () => {
    await seed();
    const answer = await app.command('/touchpoint', 'stages 2026-10', { user_id: ids.cxOfficer });
    expect(answer.status).toBe(200);
    const said = await app.slack.waitFor('chat.postEphemeral');
    expect(JSON.stringify(said.args)).toContain('October 2026');

    const dm = await app.slack.waitFor('chat.postMessage', reviewDmTo(ids.cxOfficer), 15_000);
    const text = textOf(dm);
    expect(text).toContain('Journey-stage review, October 2026');
    // The gap in words, and the stage's name escaped (no @here reaches anyone).
    expect(text).toContain(
      'Get help &amp; &lt;!here&gt;*: 14 pain stories and 9 negative calls, no roadmap item',
    );
    expect(text).not.toContain('<!here>');
    expect(text).toContain('Nothing heard at all about *Discover*, *Buy*, *Use* and *Renew*');
    expect(text).toContain('2 of 3 answers say “it depends” or “not yet”');
    // Onboard's numbers: made, open, killed, kept; votes; conversations apart from voicemail and visits.
    expect(text).toContain('Suggestions: 3 made, 2 open, 1 killed, 1 kept · 2 votes');
    expect(text).toContain(
      '2 conversations (2 positive, 0 negative) · 1 call not reached · visits and front line: 1',
    );
    expect(text).toContain('Roadmap: 1 in progress, 0 shipped · Follow-ups: 1 open, 1 overdue');
    expect(text).toContain('Since September 2026: suggestions +2');
    // Health: median days to a decision, accepted → killed, follow-ups, executives who reached a customer.
    expect(text).toContain('Suggestion → decision: median 2 days');
    expect(text).toContain('Accepted → killed: median 10 days');
    expect(text).toContain('Executives who reached a customer this quarter: 100% of 1 executive');
    expect(text).not.toContain(ANONYMOUS);

    await app.slack.waitFor('files.completeUploadExternal', uploadTo(ids.cxOfficer), 15_000);
    await app.whenIdle();
    const shared = app.slack.sharedFiles.filter(
      (file) => file.channel === app.slack.dmChannelOf(ids.cxOfficer),
    );
    const png = shared.find((file) => file.bytes.subarray(0, 8).equals(PNG_SIGNATURE));
    expect(png, 'a PNG in the DM').toBeDefined();
    expect(png?.bytes.length).toBeGreaterThan(5_000);
    expect(png?.bytes.length).toBeLessThan(2_000_000);
    // What the picture draws, said in its alt text from the same input: the stages are the settings' names.
    const pictureUpload = app.slack
      .callsTo('files.getUploadURLExternal')
      .find((call) => String(call.args.filename).endsWith('.png'));
    const altText = String(pictureUpload?.args.alt_text ?? '');
    expect(altText).toContain(`the stages Discover, Buy, Onboard, Use, ${GET_HELP}, Renew`);
    expect(altText).toContain('negative calls');

    const csv = shared.find((file) => file.content.replace(/^\uFEFF/, '').startsWith('Month,'));
    expect(csv, 'a CSV in the DM').toBeDefined();
    const rows = csvRows(csv?.content ?? '');
    const header = rows[0] ?? [];
    expect(header.slice(0, 8)).toEqual([
      'Month',
      'Stage',
      'Category',
      'Suggestions made',
      'Suggestions open',
      'Rules killed',
      'Rules kept',
      'Votes',
    ]);
    const column = (name: string) => header.indexOf(name);
    const onboard = rows.find(
      (row) => row[0] === '2026-10' && row[1] === 'Onboard' && row[2] === 'All categories',
    );
    expect(onboard?.[column('Suggestions made')]).toBe('3');
    expect(onboard?.[column('Conversations')]).toBe('2');
    expect(onboard?.[column('Calls not reached')]).toBe('1');
    expect(onboard?.[column('Visits and front line')]).toBe('1');
    expect(onboard?.[column('Follow-ups overdue')]).toBe('1');
    const getHelp = rows.find(
      (row) => row[0] === '2026-10' && row[1] === GET_HELP && row[2] === 'All categories',
    );
    expect(getHelp?.[column('Pain stories')]).toBe('14');
    expect(getHelp?.[column('Negative conversations')]).toBe('9');
    expect(csv?.content).not.toContain(ANONYMOUS);
  });

  it('gives a stage owner their stage only, and refuses anyone else', async () => {
    await seed();
    await app.command('/touchpoint', 'stages 2026-10', { user_id: STAGE_OWNER });
    const dm = await app.slack.waitFor('chat.postMessage', reviewDmTo(STAGE_OWNER), 15_000);
    const text = textOf(dm);
    expect(text).toContain('Your journey stages, October 2026');
    expect(text).toContain('*Onboard*');
    expect(text).not.toContain('Get help');
    expect(text).not.toContain('Discover');
    await app.slack.waitFor('files.completeUploadExternal', uploadTo(STAGE_OWNER), 15_000);

    await app.command('/touchpoint', 'stages 2026-10', { user_id: ids.employee });
    const refused = await app.slack.waitFor('chat.postEphemeral', (c) =>
      JSON.stringify(c.args).includes('goes to the CX office and to each stage'),
    );
    expect(refused).toBeDefined();
    await app.whenIdle();
    expect(app.slack.callsTo('chat.postMessage').filter(reviewDmTo(ids.employee))).toHaveLength(0);
  });

  it('says what it expects of a month it cannot read, or one still to come', async () => {
    await app.command('/touchpoint', 'stages October', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) =>
      JSON.stringify(c.args).includes('is not a month I can read'),
    );
    await app.command('/touchpoint', 'stages 2027-01', { user_id: ids.cxOfficer });
    await app.slack.waitFor('chat.postEphemeral', (c) =>
      JSON.stringify(c.args).includes('has not happened yet'),
    );
  });

  it('delivers last month’s review once per month and recipient, however often the job runs', async () => {
    await seed();
    const first = new Date('2026-11-01T09:15:00Z');
    await app.running.runJob('review.monthly', first);
    await app.running.runJob('review.monthly', first);
    await app.running.runJob('review.monthly', new Date('2026-11-02T09:15:00Z'));
    await app.whenIdle();
    for (const user of [ids.cxOfficer, ids.cxGroupMember, STAGE_OWNER]) {
      const dms = app.slack.callsTo('chat.postMessage').filter(reviewDmTo(user));
      expect(dms, user).toHaveLength(1);
      const uploads = app.slack.callsTo('files.completeUploadExternal').filter(uploadTo(user));
      expect(uploads, user).toHaveLength(1);
    }
    expect(app.slack.callsTo('chat.postMessage').filter(reviewDmTo(ids.employee))).toHaveLength(0);
  });

  it('shows the loop’s health on the CX office’s Home, and not on anyone else’s', async () => {
    await seed();
    const homeOf = async (user: string) => {
      app.slack.calls.length = 0;
      await app.send.event(
        eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' }),
      );
      const publish = await app.slack.waitFor('views.publish', (c) => c.args.user_id === user);
      return JSON.stringify(publish.args.view);
    };
    const cx = await homeOf(ids.cxOfficer);
    expect(cx).toContain('Health of the loop');
    expect(cx).toContain('November 2026 so far');
    expect(cx).toContain('Suggestion → decision');
    expect(await homeOf(ids.employee)).not.toContain('Health of the loop');
  });
});
