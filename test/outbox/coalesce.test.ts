import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesIds } from '../../src/features/rules/rules.ids.js';
import { rules } from '../../src/features/rules/rules.schema.js';
import { cardClick, nominate, textOf, votersOf } from '../features/rules/rules.helpers.js';
import { ids } from '../support/payloads.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// A burst of votes on one card: every vote counts, and the card is updated at most once a second, the
// last update showing the total. Time is the outbox worker's clock, moved by hand: no sleeping and no
// measuring, so a loaded machine cannot make this pass or fail.

const VOTERS = Array.from({ length: 40 }, (_, i) => `U0BURST${String(i).padStart(3, '0')}`);

describe('card updates coalesced in the outbox worker’s clock', () => {
  let at = new Date('2026-11-30T09:00:00Z').getTime();
  const clock = { now: () => new Date(at), advance: (ms: number) => (at += ms) };
  let app: TestApp;
  let ruleId: number;
  let cardTs: string;

  beforeAll(async () => {
    // The worker sends only when the test drains it (`whenIdle` does), at the test's clock.
    app = await startTestApp({ now: clock.now, outbox: { autoStart: false } });
    for (const voter of VOTERS) app.slack.addUser({ id: voter, tz: 'UTC' });
    const { view } = await nominate(app, { user: ids.employee });
    await app.whenIdle();
    const [rule] = await app.running.database.db
      .select()
      .from(rules)
      .where(eq(rules.idempotencyKey, `view:${view.id}`));
    if (!rule?.cardTs) throw new Error('the card was not posted');
    ruleId = rule.id;
    cardTs = rule.cardTs;
  });
  afterAll(async () => {
    await app?.stop();
  });

  const vote = (voter: string) =>
    app.send.interaction(
      cardClick(app, ruleId, cardTs, { action_id: rulesIds.vote, value: String(ruleId) }, voter),
    );
  const cardUpdates = () =>
    app.slack.callsTo('chat.update').filter((call) => call.args.ts === cardTs && call.response.ok);

  it('sends one update for a burst, with the total, however many votes came while it waited', async () => {
    app.slack.calls.length = 0;
    await Promise.all(VOTERS.slice(0, 30).map(vote));
    await app.whenIdle();
    expect(await votersOf(app, ruleId)).toHaveLength(30);
    expect(cardUpdates().map(textOf)).toEqual([expect.stringContaining('Me too (30)')]);
  });

  it('holds the next update until a second after the last one, then shows every vote since', async () => {
    app.slack.calls.length = 0;
    await Promise.all(VOTERS.slice(30, 35).map(vote));
    await app.whenIdle();
    expect(cardUpdates()).toEqual([]); // within the second: held back, not dropped
    clock.advance(500);
    await Promise.all(VOTERS.slice(35).map(vote));
    await app.whenIdle();
    expect(cardUpdates()).toEqual([]);
    clock.advance(500);
    await app.whenIdle();
    expect(cardUpdates().map(textOf)).toEqual([expect.stringContaining('Me too (40)')]);
    expect(await votersOf(app, ruleId)).toHaveLength(40);
  });
});
