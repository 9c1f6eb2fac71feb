import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, DEFAULT_VOTER_SUMMARY_SCHEDULE } from '../../../src/config.js';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { calls, executives, followUps } from '../../../src/features/calls/calls.schema.js';
import {
  type CallInput,
  callFormContext,
  completeFollowUp,
  dueNudges,
  findExecutiveTarget,
  logCall,
  paceForExecutives,
  paceOf,
  pauseNudges,
  queueFollowUpReminders,
  rememberOwnerZones,
  setMonthlyTarget,
  snoozeNudges,
  syncRoster,
} from '../../../src/features/calls/calls.service.js';
import { putSetting } from '../../../src/features/settings/settings.queries.js';
import { listJourneyStages } from '../../../src/features/settings/settings.service.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import { outbox } from '../../../src/outbox/outbox.schema.js';
import { freshDatabase } from '../../support/db.js';

// The service on a real database (PGlite, or PostgreSQL with DATABASE_URL): no Slack, `now` passed in.
// One database for the file; each test uses its own people, so tests do not see each other's rows.

const SYNCED = new Date('2026-11-01T03:00:00Z');

function companyConfig(database: Config['database']): Config {
  return {
    slack: {
      botToken: 'xoxb-test',
      signingSecret: 'secret',
      appToken: undefined,
      apiUrl: 'http://127.0.0.1/',
    },
    database,
    port: 0,
    backlogChannel: 'C0BACKLOG1',
    digestChannel: 'C0DIGEST01',
    cxOffice: ['U0CXOFFIC1'],
    executives: [],
    timeZone: 'Europe/Berlin',
    digestSchedule: '0 9 * * 1',
    voterSummarySchedule: DEFAULT_VOTER_SUMMARY_SCHEDULE,
    logLevel: 'error',
  };
}

function call(overrides: Partial<CallInput> = {}): CallInput {
  return {
    customer: 'ACME GmbH',
    contact: null,
    callDate: '2026-11-16',
    kind: 'call',
    result: 'reached',
    durationMinutes: 25,
    stageId: null,
    categoryId: null,
    learned: 'Invoices confuse them',
    sentiment: 'negative',
    shareAsStory: false,
    followUps: [],
    ...overrides,
  };
}

describe('calls service (real SQL)', () => {
  let database: Database;
  let config: Config;
  const db = () => database.db;
  /** Puts executives on the roster in their zones. */
  const roster = (...members: [id: string, zone: string][]) =>
    syncRoster(
      db(),
      members.map(([id, timeZone]) => ({ id, timeZone, name: null, deleted: false })),
      SYNCED,
      config.timeZone,
    );
  const outboxKeys = async (prefix: string) =>
    (
      await db()
        .select({ key: outbox.key })
        .from(outbox)
        .where(like(outbox.key, `${prefix}%`))
    )
      .map((row) => row.key)
      .sort();

  beforeAll(async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, fresh.options);
    config = companyConfig(fresh.config);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('logs a call with its follow-ups and story, queues the thank-you and the owners’ DMs, once', async () => {
    const now = new Date('2026-11-17T12:00:00Z');
    await roster(['U0LOGBE001', 'Europe/Berlin'], ['U0OWNNY001', 'America/New_York']);
    const input = {
      loggedBy: 'U0LOGBE001',
      idempotencyKey: 'view:V0LOG00001',
      call: call({
        shareAsStory: true,
        followUps: [
          { action: 'Send the invoice template', ownerId: 'U0OWNNY001', dueDate: '2026-11-18' },
          { action: 'Ask finance', ownerId: 'U0OWNOT001', dueDate: null },
        ],
      }),
    };
    const saved = await logCall(db(), config, input, now);
    if (!saved.ok) throw new Error(`refused: ${saved.reason}`);
    expect(saved.logged.created).toBe(true);
    expect(saved.logged.call).toMatchObject({ loggedBy: 'U0LOGBE001', customer: 'ACME GmbH', contact: null });
    // An owner on the roster is reminded in their zone; anyone else in the company's until Slack says.
    expect(
      saved.logged.followUps.map((f) => [f.ownerId, f.ownerTimeZone, f.dueDate, f.remindedOn, f.doneAt]),
    ).toEqual([
      ['U0OWNNY001', 'America/New_York', '2026-11-18', null, null],
      ['U0OWNOT001', 'Europe/Berlin', null, null, null],
    ]);
    const callId = saved.logged.call.id;
    const [first, second] = saved.logged.followUps.map((f) => f.id);
    // The thank-you, and one DM per follow-up owner (keyed by call and owner).
    expect((await outboxKeys(`calls:call:${callId}:`)).sort()).toEqual(
      [
        `calls:call:${callId}:thanks`,
        `calls:call:${callId}:followups:U0OWNNY001`,
        `calls:call:${callId}:followups:U0OWNOT001`,
      ].sort(),
    );
    expect([first, second]).toHaveLength(2);
    const assigned = async () => outboxKeys(`calls:call:${callId}:followups:%`);
    const [story] = await db().select().from(stories).where(eq(stories.tellerId, 'U0LOGBE001'));
    expect(story).toMatchObject({ source: 'call', status: 'pending', kind: 'pain_point' });

    // The same submission again (a replay, a double click): nothing more saved or queued.
    const replay = await logCall(db(), config, input, new Date(now.getTime() + 5_000));
    expect(replay).toMatchObject({ ok: true, logged: { created: false, followUps: [] } });
    if (replay.ok) expect(replay.logged.call.id).toBe(callId);
    expect(await db().select().from(calls).where(eq(calls.loggedBy, 'U0LOGBE001'))).toHaveLength(1);
    expect(await db().select().from(followUps).where(eq(followUps.callId, callId))).toHaveLength(2);
    expect(await assigned()).toHaveLength(2);

    // Slack's zone for the owner off the roster replaces the guess; a zone Slack could not give changes nothing.
    await rememberOwnerZones(
      db(),
      saved.logged.followUps,
      new Map([
        ['U0OWNOT001', 'Asia/Tokyo'],
        ['U0OWNNY001', undefined],
      ]),
    );
    const zones = await db().select().from(followUps).where(eq(followUps.callId, callId));
    expect(zones.map((f) => [f.ownerId, f.ownerTimeZone]).sort()).toEqual([
      ['U0OWNNY001', 'America/New_York'],
      ['U0OWNOT001', 'Asia/Tokyo'],
    ]);
  });

  it('refuses a call dated after the logger’s today in their own zone, and too many follow-ups', async () => {
    // 20:00 UTC on Tuesday 17 November: Wednesday 18 November already in Tokyo, still the 17th in Berlin.
    const now = new Date('2026-11-17T20:00:00Z');
    await roster(['U0DATETK01', 'Asia/Tokyo'], ['U0DATEBE01', 'Europe/Berlin']);
    expect((await callFormContext(db(), config, 'U0DATETK01', now)).today).toBe('2026-11-18');
    expect(await callFormContext(db(), config, 'U0DATEBE01', now)).toMatchObject({
      zone: 'Europe/Berlin',
      today: '2026-11-17',
    });
    // Someone off the roster has the company's today.
    expect((await callFormContext(db(), config, 'U0NOTEXEC1', now)).zone).toBe('Europe/Berlin');

    const log = (loggedBy: string, key: string, input: CallInput) =>
      logCall(db(), config, { loggedBy, idempotencyKey: key, call: input }, now);
    expect(await log('U0DATEBE01', 'view:V0DATE0001', call({ callDate: '2026-11-18' }))).toEqual({
      ok: false,
      reason: 'future_date',
    });
    const tooMany = Array.from({ length: 4 }, (_, i) => ({
      action: `Follow-up ${i}`,
      ownerId: 'U0DATEBE01',
      dueDate: null,
    }));
    expect(await log('U0DATEBE01', 'view:V0DATE0002', call({ followUps: tooMany }))).toEqual({
      ok: false,
      reason: 'too_many_follow_ups',
    });
    expect(await db().select().from(calls).where(eq(calls.loggedBy, 'U0DATEBE01'))).toEqual([]);

    // Tokyo's today is not the future; Berlin's today and a past date are fine.
    expect((await log('U0DATETK01', 'view:V0DATE0003', call({ callDate: '2026-11-18' }))).ok).toBe(true);
    expect((await log('U0DATEBE01', 'view:V0DATE0004', call({ callDate: '2026-11-17' }))).ok).toBe(true);
    expect((await log('U0DATEBE01', 'view:V0DATE0005', call({ callDate: '2026-10-01' }))).ok).toBe(true);
  });

  it('refuses a stage removed or retired since the form opened, and saves nothing', async () => {
    const now = new Date('2026-11-17T12:00:00Z');
    await roster(['U0STAGE001', 'Europe/Berlin']);
    const [first, second] = await listJourneyStages(db());
    if (!first || !second) throw new Error('no journey stages seeded');
    await db().update(journeyStages).set({ retiredAt: now }).where(eq(journeyStages.id, second.id));
    const log = (key: string, stageId: number) =>
      logCall(db(), config, { loggedBy: 'U0STAGE001', idempotencyKey: key, call: call({ stageId }) }, now);
    try {
      expect(await log('view:V0STAGE001', second.id)).toEqual({ ok: false, reason: 'stage_removed' });
      expect(await log('view:V0STAGE002', 999_999)).toEqual({ ok: false, reason: 'stage_removed' });
      expect(await db().select().from(calls).where(eq(calls.loggedBy, 'U0STAGE001'))).toEqual([]);
      const saved = await log('view:V0STAGE003', first.id);
      expect(saved.ok && saved.logged.call.stageId).toBe(first.id);
    } finally {
      await db().update(journeyStages).set({ retiredAt: null }).where(eq(journeyStages.id, second.id));
    }
  });

  it('pace: the share of the target the month so far calls for, in each executive’s own month', async () => {
    // 2 a month: on 23 November (of 30 days) 2 × 23/30 rounds to 2 expected; on 7 November to 0.
    expect(paceOf(1, 2, new Date('2026-11-23T12:00:00Z'), 'UTC')).toEqual({
      calls: 1,
      target: 2,
      expected: 2,
      behind: true,
    });
    expect(paceOf(2, 2, new Date('2026-11-23T12:00:00Z'), 'UTC').behind).toBe(false);
    expect(paceOf(0, 2, new Date('2026-11-07T12:00:00Z'), 'UTC')).toMatchObject({
      expected: 0,
      behind: false,
    });
    expect(paceOf(0, 0, new Date('2026-11-30T12:00:00Z'), 'UTC').behind).toBe(false);

    // 16:00 UTC on 30 November is 1 December in Tokyo: a November call counts there for nobody this month.
    const now = new Date('2026-11-30T16:00:00Z');
    const synced = await roster(['U0PACETK01', 'Asia/Tokyo'], ['U0PACENY01', 'America/New_York']);
    for (const [loggedBy, key] of [
      ['U0PACETK01', 'view:V0PACE0001'],
      ['U0PACENY01', 'view:V0PACE0002'],
    ] as const) {
      await logCall(
        db(),
        config,
        { loggedBy, idempotencyKey: key, call: call({ callDate: '2026-11-30' }) },
        now,
      );
    }
    const paces = await paceForExecutives(db(), config, synced, now);
    expect(paces.get('U0PACETK01')).toEqual({ calls: 0, target: 2, expected: 0, behind: false });
    expect(paces.get('U0PACENY01')).toEqual({ calls: 1, target: 2, expected: 2, behind: true });
  });

  it('monthly target: the company default (a setting) until an executive has their own, in the setting’s range', async () => {
    const now = new Date('2026-11-17T12:00:00Z');
    await roster(['U0TARGET01', 'Europe/Berlin']);
    expect((await findExecutiveTarget(db(), config, 'U0TARGET01'))?.target).toBe(2);
    expect(await findExecutiveTarget(db(), config, 'U0NOTEXEC2')).toBeUndefined();
    await putSetting(db(), 'calls.defaultMonthlyTarget', 3, 'U0CXOFFIC1', now);
    try {
      expect((await findExecutiveTarget(db(), config, 'U0TARGET01'))?.target).toBe(3);
      for (const refused of [-1, 32]) {
        expect(await setMonthlyTarget(db(), 'U0TARGET01', refused)).toEqual({
          ok: false,
          reason: 'out_of_range',
        });
      }
      expect((await findExecutiveTarget(db(), config, 'U0TARGET01'))?.target).toBe(3);
      for (const target of [31, 0, 5]) {
        expect(await setMonthlyTarget(db(), 'U0TARGET01', target)).toMatchObject({ ok: true, to: target });
        expect((await findExecutiveTarget(db(), config, 'U0TARGET01'))?.target).toBe(target);
      }
    } finally {
      await putSetting(db(), 'calls.defaultMonthlyTarget', 2, 'U0CXOFFIC1', now);
    }
  });

  it('snooze a week skips the next weekly nudge; a pause runs to a date that has not passed', async () => {
    // Berlin, behind pace (a high target), nudged at Tuesday 10:00 local by default.
    await roster(['U0SNOOZE01', 'Europe/Berlin'], ['U0PAUSE001', 'America/New_York']);
    await setMonthlyTarget(db(), 'U0SNOOZE01', 20);
    await setMonthlyTarget(db(), 'U0PAUSE001', 20);
    const dueAt = async (at: string) =>
      (await dueNudges(db(), config, new Date(at), { anyTime: false }))
        .map((due) => due.executive.userId)
        .filter((id) => id === 'U0SNOOZE01' || id === 'U0PAUSE001');
    expect(await dueAt('2026-11-17T09:00:00Z')).toEqual(['U0SNOOZE01']); // 10:00 in Berlin

    // Snoozed on Thursday 19 November: the slot of Tuesday 24 is skipped, that of 1 December is not.
    const until = await snoozeNudges(db(), config, 'U0SNOOZE01', new Date('2026-11-19T15:00:00Z'));
    expect(until).toBe('2026-11-26');
    // Clicked again a day later (a second device, the same nudge): the snooze in force stands.
    expect(await snoozeNudges(db(), config, 'U0SNOOZE01', new Date('2026-11-20T15:00:00Z'))).toBe(
      '2026-11-26',
    );
    const [snoozed] = await db().select().from(executives).where(eq(executives.userId, 'U0SNOOZE01'));
    expect(snoozed?.snoozedUntil?.toISOString()).toBe('2026-11-26T15:00:00.000Z');
    expect(await dueAt('2026-11-24T09:00:00Z')).toEqual([]);
    expect(await dueAt('2026-12-01T09:00:00Z')).toEqual(['U0SNOOZE01']);

    // It is 16 November in New York at 03:00 UTC on the 17th: the 16th has not passed there, the 15th has.
    const at = new Date('2026-11-17T03:00:00Z');
    expect(await pauseNudges(db(), config, 'U0PAUSE001', '2026-11-15', at)).toEqual({
      ok: false,
      reason: 'date_passed',
    });
    const [notPaused] = await db().select().from(executives).where(eq(executives.userId, 'U0PAUSE001'));
    expect(notPaused?.pausedUntil).toBeNull();
    expect(await pauseNudges(db(), config, 'U0PAUSE001', '2026-11-16', at)).toEqual({
      ok: true,
      until: '2026-11-16',
    });
    expect(await pauseNudges(db(), config, 'U0PAUSE001', '2026-11-24', at)).toEqual({
      ok: true,
      until: '2026-11-24',
    });
    // Paused through Tuesday 24 (its 10:00 is 15:00 UTC), nudged again on 1 December (Berlin's slot was earlier).
    expect(await dueAt('2026-11-24T15:00:00Z')).toEqual([]);
    expect(await dueAt('2026-12-01T15:00:00Z')).toEqual(['U0PAUSE001', 'U0SNOOZE01']);
  });

  it('reminds a follow-up’s owner once, on the due date’s morning in their zone; only the owner marks it done', async () => {
    const now = new Date('2026-11-17T12:00:00Z');
    await roster(['U0REMIND01', 'Europe/Berlin'], ['U0REMOWN01', 'Asia/Tokyo']);
    const saved = await logCall(
      db(),
      config,
      {
        loggedBy: 'U0REMIND01',
        idempotencyKey: 'view:V0REMIND01',
        call: call({ followUps: [{ action: 'Call back', ownerId: 'U0REMOWN01', dueDate: '2026-11-19' }] }),
      },
      now,
    );
    const followUp = saved.ok ? saved.logged.followUps[0] : undefined;
    if (!followUp) throw new Error('no follow-up saved');
    const reminders = async () => outboxKeys('calls:followups:due:U0REMOWN01:%');
    // 08:45 on 19 November in Tokyo: not yet; 09:00: queued; later ticks and a second replica: nothing more.
    await queueFollowUpReminders(db(), new Date('2026-11-18T23:45:00Z'));
    expect(await reminders()).toEqual([]);
    await Promise.all([
      queueFollowUpReminders(db(), new Date('2026-11-19T00:00:00Z')),
      queueFollowUpReminders(db(), new Date('2026-11-19T00:00:00Z')),
    ]);
    await queueFollowUpReminders(db(), new Date('2026-11-19T06:00:00Z'));
    expect(await reminders()).toEqual([`calls:followups:due:U0REMOWN01:2026-11-19:${followUp.id}`]);
    const [reminded] = await db().select().from(followUps).where(eq(followUps.id, followUp.id));
    expect(reminded?.remindedOn).toBe('2026-11-19');

    const inDm = { kind: 'due' as const, listed: [followUp.id] };
    expect(await completeFollowUp(db(), followUp.id, 'U0REMIND01', now, inDm)).toMatchObject({
      done: false,
      mine: false,
      dm: { items: [] },
    });
    expect(await completeFollowUp(db(), followUp.id, 'U0REMOWN01', now, inDm)).toMatchObject({
      done: true,
      mine: true,
    });
    // Again (a double click): nothing changes, and the DM is redrawn as it is — done.
    const again = await completeFollowUp(db(), followUp.id, 'U0REMOWN01', now, inDm);
    expect(again).toMatchObject({ done: false, mine: true });
    expect(again.dm?.items.map((item) => item.followUp.doneAt)).toEqual([now]);
  });
});
