import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../../src/features/rules/rules.queries.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import {
  renderAgingMessage,
  renderBacklogCard,
  renderMyRules,
} from '../../../src/features/rules/rules.views.js';
import { findOutboxItemByKey, retryDeadItems } from '../../../src/outbox/outbox.queries.js';
import { checkMessage } from '../../support/block-kit.js';
import { ids } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { findRule, nominate } from './rules.helpers.js';

const now = new Date('2026-11-20T10:00:00Z');
const rule = (n: number, overrides: Partial<Rule> = {}): Rule => ({
  id: n,
  number: n,
  title: `R${n} ${'<&>'.repeat(400)}`,
  hurts: 'both',
  why: 'w'.repeat(3000),
  stageId: null,
  categoryId: null,
  replacementIdea: 'r'.repeat(1000),
  anonymous: false,
  creditOptOut: false,
  livesIn: null,
  ruleOwnerId: null,
  ease: null,
  impact: null,
  killBy: null,
  reopenedFromId: null,
  submitterId: ids.employee,
  status: 'kept',
  ownerId: ids.executive,
  duplicateOfId: null,
  decisionNote: 'n'.repeat(2000),
  decidedAt: now,
  source: 'message',
  sourcePermalink: 'https://touchpoint-test.slack.com/archives/C0GENERAL1/p1700000000000100',
  cardChannel: null,
  cardTs: null,
  idempotencyKey: `k${n}`,
  createdAt: new Date('2026-10-01T10:00:00Z'),
  updatedAt: now,
  ...overrides,
});

describe('rules views stay within Block Kit limits whatever the input', () => {
  it('a card with every field at its maximum (and escaping that lengthens text)', () => {
    expect(
      checkMessage(renderBacklogCard({ rule: rule(1), votes: 999, stageName: 'Get help' }, { now })),
    ).toEqual([]);
  });

  it('an aging message with 500 late nominations and a "mine" list of 25 long ones', () => {
    const many = Array.from({ length: 500 }, (_, i) => ({
      rule: rule(i + 1, { status: 'new' }),
      votes: i,
      stageName: 'Use',
    }));
    const aging = renderAgingMessage(many, { now, targetWorkingDays: 10 });
    expect(checkMessage(aging)).toEqual([]);
    expect(aging.text).toContain('500 suggestions');
    expect(JSON.stringify(aging.blocks)).toContain('and 460 more');
    expect(checkMessage(renderMyRules(many.slice(0, 25), { now, total: 500 }))).toEqual([]);
  });
});

describe('what Slack could not take is delivered later, once', () => {
  let app: TestApp;
  let clock = new Date('2026-11-20T10:00:00Z');
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, outbox: { autoStart: false } });
  });
  afterAll(async () => {
    await app?.stop();
  });
  const backlogPosts = () =>
    app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel);

  it('a card refused for good becomes a dead letter; retried, it is posted once, then its thread follows', async () => {
    app.slack.channels.delete(ids.backlogChannel); // e.g. the bot was removed from the channel
    const { view } = await nominate(app, { rule: 'Card later' });
    await app.running.outbox.drain();
    const { db } = app.running.database;
    const [stored] = await db
      .select()
      .from(rules)
      .where(eq(rules.idempotencyKey, `view:${view.id}`));
    expect(stored?.cardTs).toBeNull();
    expect(await findOutboxItemByKey(db, `rule:${stored?.id}:card`)).toMatchObject({
      status: 'dead',
      lastError: 'channel_not_found',
    });
    // The submitter was thanked in the modal all the same (no DM: one thank-you per nomination).
    expect(app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.employee)).toHaveLength(
      0,
    );

    app.slack.addChannel(ids.backlogChannel);
    app.slack.calls.length = 0;
    expect(await retryDeadItems(db, clock)).toBeGreaterThanOrEqual(1);
    await Promise.all([app.running.outbox.drain(), app.running.outbox.drain()]);
    expect(backlogPosts()).toHaveLength(1);
    expect(backlogPosts()[0]?.response.ok).toBe(true);
    expect((await findRule(app, stored?.id ?? 0))?.cardTs).toBe(backlogPosts()[0]?.response.ts);
  });

  it('a nomination while Slack answers 500: the card arrives once, after backoff; the modal was the thanks', async () => {
    app.slack.calls.length = 0;
    for (let i = 0; i < 3; i += 1) app.slack.failNext('chat.postMessage', 'internal_error');
    const { view } = await nominate(app, { rule: 'Through an outage', user: ids.otherEmployee });
    await app.running.outbox.drain();
    const [stored] = await app.running.database.db
      .select()
      .from(rules)
      .where(eq(rules.idempotencyKey, `view:${view.id}`));
    for (let tick = 0; tick < 6; tick += 1) {
      clock = new Date(clock.getTime() + 60_000);
      await app.running.outbox.drain();
    }
    const delivered = app.slack.callsTo('chat.postMessage').filter((c) => c.response.ok);
    expect(delivered.filter((c) => c.args.channel === ids.backlogChannel)).toHaveLength(1);
    // The modal said thank you, so the confirmation DM queued for a slow save was taken back.
    expect(delivered.filter((c) => c.args.channel === ids.otherEmployee)).toHaveLength(0);
    expect(String(delivered.find((c) => c.args.channel === ids.backlogChannel)?.args.text)).toContain(
      `RULE-${stored?.number}`,
    );
  });
});
