import { eq, like } from 'drizzle-orm';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../src/config.js';
import { type Database, openDatabase } from '../../../src/db/client.js';
import {
  type DigestContributor,
  type DigestMessages,
  type DigestSetup,
  dueDigestWeek,
  postWeeklyUpdate,
  postWeeklyUpdateAgain,
  previewWeeklyUpdate,
  runWeeklyTick,
  skipWeeklyUpdate,
} from '../../../src/features/digest/digest.service.js';
import type { DigestContribution } from '../../../src/features/digest/digest.types.js';
import { putSetting } from '../../../src/features/settings/settings.queries.js';
import { jobRuns } from '../../../src/jobs/job-runs.schema.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { freshDatabase } from '../../support/db.js';
import { startFakeSlack, testEnv } from '../../support/test-app.js';

// The weekly update's rules on a real database (PGlite, or PostgreSQL with DATABASE_URL), without Slack:
// what the service writes to the outbox is what would be sent. Time is `now`; the company is in Berlin,
// and the update is due Mondays at 09:00 there (08:00 UTC in November).

const CX_OFFICE = ['U0CXOFFIC1', 'U0CXOFFIC2'];
const cxOffice = async () => CX_OFFICE;

const W47_MONDAY_BEFORE_SLOT = new Date('2026-11-16T07:00:00Z');
const W48_MONDAY_0855 = new Date('2026-11-23T07:55:00Z');
const W48_MONDAY_0900 = new Date('2026-11-23T08:00:00Z');
const W48_WEDNESDAY = new Date('2026-11-25T10:00:00Z');
const W49_MONDAY_0900 = new Date('2026-11-30T08:00:00Z');

/** Plain text messages: the service's rules do not depend on how the messages look. */
const messages: DigestMessages = {
  headline: (model) => ({ text: `headline ${model.week}` }),
  thread: (model) => model.rulesKilled.map((rule) => ({ text: `killed ${rule.ref}` })),
  nothingToSay: (week) => ({ text: `nothing ${week}` }),
  problem: (week, problem) => ({ text: `${problem} ${week}` }),
};

describe('the weekly update service (real SQL)', () => {
  let config: Config;
  let database: Database;
  let db: Database['db'];
  /** Rules killed, as the rules feature would contribute them: those killed within the update's window. */
  let killed: Extract<DigestContribution, { kind: 'rules_killed' }>['rules'];
  const killedRules: DigestContributor = async (_db, window) => ({
    kind: 'rules_killed',
    rules: killed.filter((rule) => rule.killedAt >= window.start && rule.killedAt < window.end),
  });
  const killedOn = (ref: string, killedAt: Date) => ({
    ref,
    title: `Rule ${ref}`,
    decisionNote: null,
    killedAt,
  });
  const setup: DigestSetup = { contributors: [killedRules], messages };

  beforeAll(async () => {
    const slack = await startFakeSlack(); // only for a valid environment: nothing here calls Slack
    config = loadConfig(testEnv(slack, { TOUCHPOINT_TIMEZONE: 'Europe/Berlin' }));
    await slack.close();
  });
  beforeEach(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    db = database.db;
    killed = [killedOn('RULE-7', W48_MONDAY_0855)];
  });
  afterEach(async () => {
    await database?.close();
  });

  /** The outbox rows whose key starts with `prefix`, in the order they were written. */
  const queued = async (prefix: string) =>
    (
      await db
        .select({
          key: outbox.key,
          parentKey: outbox.parentKey,
          payload: outbox.payload,
          status: outbox.status,
        })
        .from(outbox)
        .where(like(outbox.key, `${prefix}%`))
        .orderBy(outbox.id)
    ).map((row) => ({ ...row, payload: row.payload as { channel: string; args: { text: string } } }));

  it('is due from the scheduled time of the week in the company zone, and only for the current week', async () => {
    expect(await dueDigestWeek(db, config, W48_MONDAY_0855)).toBeUndefined();
    expect(await dueDigestWeek(db, config, W48_MONDAY_0900)).toBe('2026-W48');
    expect(await dueDigestWeek(db, config, W48_WEDNESDAY)).toBe('2026-W48');
    // Moved to Fridays: on Wednesday this week's time has not come (last Friday was another week).
    await putSetting(db, 'digest.schedule', '0 9 * * 5', CX_OFFICE[0] ?? '', W48_MONDAY_0900);
    expect(await dueDigestWeek(db, config, W48_WEDNESDAY)).toBeUndefined();
  });

  it('posts once per week: the headline in the channel and each section in its thread; sends, ticks and skips later that week find it taken', async () => {
    expect(await postWeeklyUpdate(db, config, setup, W48_MONDAY_0900, { by: 'cx_office' })).toEqual({
      status: 'queued',
      week: '2026-W48',
      headline: 'digest:2026-W48:headline',
    });
    const rows = await queued('digest:2026-W48:headline');
    expect(rows.map((row) => [row.key, row.parentKey, row.payload.channel, row.payload.args.text])).toEqual([
      ['digest:2026-W48:headline', null, config.digestChannel, 'headline 2026-W48'],
      [
        'digest:2026-W48:headline:thread:0',
        'digest:2026-W48:headline',
        config.digestChannel,
        'killed RULE-7',
      ],
    ]);

    const again = await postWeeklyUpdate(db, config, setup, W48_WEDNESDAY, { by: 'cx_office' });
    expect(again).toEqual({ status: 'already', week: '2026-W48', state: { kind: 'on_its_way' } });
    await runWeeklyTick(db, config, setup, W48_WEDNESDAY, cxOffice);
    expect(await skipWeeklyUpdate(db, config, CX_OFFICE[0] ?? '', W48_WEDNESDAY)).toMatchObject({
      status: 'already',
    });
    expect(await queued('digest:')).toHaveLength(2);

    // Sent: "already posted" knows where, for the link.
    await db
      .update(outbox)
      .set({ status: 'sent', result: { channel: config.digestChannel, ts: '1764000000.000100' } })
      .where(eq(outbox.key, 'digest:2026-W48:headline'));
    expect(await postWeeklyUpdate(db, config, setup, W48_WEDNESDAY, { by: 'cx_office' })).toEqual({
      status: 'already',
      week: '2026-W48',
      state: {
        kind: 'posted',
        headline: { channel: config.digestChannel, ts: '1764000000.000100' },
        permalink: undefined,
      },
    });

    // Next week is a new week, with what happened since this one was posted.
    killed.push(killedOn('RULE-9', W48_WEDNESDAY));
    expect(await postWeeklyUpdate(db, config, setup, W49_MONDAY_0900, { by: 'cx_office' })).toMatchObject({
      status: 'queued',
      week: '2026-W49',
    });
    expect((await queued('digest:2026-W49:headline')).map((row) => row.payload.args.text)).toEqual([
      'headline 2026-W49',
      'killed RULE-9',
    ]);
  });

  it('a send and two ticks at the same moment post once', async () => {
    const [sent] = await Promise.all([
      postWeeklyUpdate(db, config, setup, W48_MONDAY_0900, { by: 'cx_office' }),
      runWeeklyTick(db, config, setup, W48_MONDAY_0900, cxOffice),
      runWeeklyTick(db, config, setup, W48_MONDAY_0900, cxOffice),
    ]);
    expect(['queued', 'already']).toContain(sent.status);
    expect(await queued('digest:2026-W48:headline')).toHaveLength(2); // the headline and one thread line
  });

  it('a skip stops the week for the schedule and for the CX office; the update comes back next week', async () => {
    expect(await skipWeeklyUpdate(db, config, 'U0CXOFFIC1', W48_MONDAY_0855)).toEqual({
      status: 'skipped',
      week: '2026-W48',
    });
    await runWeeklyTick(db, config, setup, W48_MONDAY_0900, cxOffice);
    expect(await postWeeklyUpdate(db, config, setup, W48_WEDNESDAY, { by: 'cx_office' })).toEqual({
      status: 'already',
      week: '2026-W48',
      state: { kind: 'skipped' },
    });
    expect(await skipWeeklyUpdate(db, config, 'U0CXOFFIC2', W48_WEDNESDAY)).toEqual({
      status: 'already',
      week: '2026-W48',
      state: { kind: 'skipped' },
    });
    expect(await queued('digest:')).toEqual([]);

    killed.push(killedOn('RULE-9', W48_WEDNESDAY));
    await runWeeklyTick(db, config, setup, W49_MONDAY_0900, cxOffice);
    expect((await queued('digest:2026-W49:headline')).map((row) => row.payload.args.text)).toEqual([
      'headline 2026-W49',
      'killed RULE-9',
    ]);
  });

  it('an empty week: the schedule posts nothing and tells the CX office once; the CX office may still send once there is something', async () => {
    killed = [];
    await runWeeklyTick(db, config, setup, W48_MONDAY_0900, cxOffice);
    await runWeeklyTick(db, config, setup, new Date('2026-11-23T08:05:00Z'), cxOffice);
    const dms = await queued('digest:2026-W48:nothing');
    expect(dms.map((row) => row.payload.channel)).toEqual(CX_OFFICE);
    expect(dms.map((row) => row.payload.args.text)).toEqual(['nothing 2026-W48', 'nothing 2026-W48']);
    // Asked for by the CX office: the answer says so, nothing is written.
    expect(await postWeeklyUpdate(db, config, setup, W48_WEDNESDAY, { by: 'cx_office' })).toEqual({
      status: 'nothing',
      week: '2026-W48',
    });

    killed = [killedOn('RULE-8', new Date('2026-11-24T10:00:00Z'))];
    await runWeeklyTick(db, config, setup, W48_WEDNESDAY, cxOffice);
    expect(await queued('digest:2026-W48:headline')).toEqual([]); // the schedule does not come back to it
    expect(await postWeeklyUpdate(db, config, setup, W48_WEDNESDAY, { by: 'cx_office' })).toMatchObject({
      status: 'queued',
    });
  });

  it('does not tell a fresh install of weeks before it first ran', async () => {
    await runWeeklyTick(db, config, setup, W48_WEDNESDAY, cxOffice); // installed on Wednesday of week 48
    await runWeeklyTick(db, config, setup, new Date('2026-11-25T10:05:00Z'), cxOffice);
    expect(await queued('digest:2026-W47:missed')).toEqual([]);
  });

  it('tells the CX office once of a week missed while installed: running before its slot, not at it', async () => {
    await runWeeklyTick(db, config, setup, W47_MONDAY_BEFORE_SLOT, cxOffice); // then down until week 48
    expect(await queued('digest:2026-W46:missed')).toEqual([]); // week 46: before it first ran
    await runWeeklyTick(db, config, setup, W48_WEDNESDAY, cxOffice);
    await runWeeklyTick(db, config, setup, new Date('2026-11-25T10:05:00Z'), cxOffice);
    const missed = await queued('digest:2026-W47:missed');
    expect(missed.map((row) => row.payload.channel)).toEqual(CX_OFFICE);
    expect(missed.map((row) => row.payload.args.text)).toEqual(['missed 2026-W47', 'missed 2026-W47']);
  });

  it('when Slack refused the headline: the week says so, the CX office is told once, and "post again" posts it once per click', async () => {
    await runWeeklyTick(db, config, setup, W48_MONDAY_0900, cxOffice);
    await db.update(outbox).set({ status: 'dead' }).where(eq(outbox.key, 'digest:2026-W48:headline'));
    await runWeeklyTick(db, config, setup, new Date('2026-11-23T08:05:00Z'), cxOffice);
    await runWeeklyTick(db, config, setup, new Date('2026-11-23T08:10:00Z'), cxOffice);
    expect(
      (await queued('digest:digest:2026-W48:headline:refused')).map((row) => row.payload.channel),
    ).toEqual(CX_OFFICE);
    expect(await skipWeeklyUpdate(db, config, 'U0CXOFFIC1', W48_WEDNESDAY)).toMatchObject({
      state: { kind: 'refused' },
    });

    const click = { week: '2026-W48', userId: 'U0CXOFFIC1', actionTs: '1764000000.000200' };
    const outcomes = await Promise.all([
      postWeeklyUpdateAgain(db, config, setup, W48_WEDNESDAY, click),
      postWeeklyUpdateAgain(db, config, setup, W48_WEDNESDAY, click),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['duplicate', 'queued']);
    const headline = 'digest:2026-W48:again:U0CXOFFIC1:1764000000.000200';
    const rows = await queued(headline);
    // The same update as the first time: the rule killed before it was first posted is in it again.
    expect(rows.map((row) => row.payload.args.text)).toEqual(['headline 2026-W48', 'killed RULE-7']);
    // From now on the week points at the new headline (queued: on its way).
    expect(await postWeeklyUpdate(db, config, setup, W48_WEDNESDAY, { by: 'cx_office' })).toMatchObject({
      state: { kind: 'on_its_way' },
    });
  });

  it('a preview builds the update and writes nothing', async () => {
    const preview = await previewWeeklyUpdate(db, config, setup.contributors, W48_MONDAY_0900);
    expect(preview.status === 'ready' && preview.model.rulesKilled.map((rule) => rule.ref)).toEqual([
      'RULE-7',
    ]);
    killed = [];
    expect(await previewWeeklyUpdate(db, config, setup.contributors, W48_MONDAY_0900)).toEqual({
      status: 'nothing',
      week: '2026-W48',
    });
    expect(await queued('')).toEqual([]);
    expect(await db.select().from(jobRuns).where(eq(jobRuns.job, 'digest'))).toEqual([]);
  });
});
