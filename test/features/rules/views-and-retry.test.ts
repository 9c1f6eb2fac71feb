import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Rule } from '../../../src/features/rules/rules.queries.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import {
  renderAgingMessage,
  renderBacklogCard,
  renderMyRules,
} from '../../../src/features/rules/rules.views.js';
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
  replacementIdea: 'r'.repeat(1000),
  anonymous: false,
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
  cardClaimedAt: null,
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

describe('a card Slack could not take is posted later, once', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('retries through the rules.cards job and never posts twice', async () => {
    app.slack.channels.delete(ids.backlogChannel); // e.g. the bot was removed from the channel
    const { view } = await nominate(app, { rule: 'Card later' });
    await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === ids.backlogChannel);
    await app.slack.settle();
    const { db } = app.running.database;
    const [stored] = await db
      .select()
      .from(rules)
      .where(eq(rules.idempotencyKey, `view:${view.id}`));
    expect(stored?.cardTs).toBeNull();

    app.slack.addChannel(ids.backlogChannel);
    app.slack.calls.length = 0;
    // Within two minutes of the nomination, the job leaves it to the submission's own queue.
    await app.running.runJob('rules.cards', new Date(Date.now() + 30_000));
    expect(app.slack.callsTo('chat.postMessage')).toHaveLength(0);
    const later = new Date(Date.now() + 3 * 60_000);
    await Promise.all([app.running.runJob('rules.cards', later), app.running.runJob('rules.cards', later)]);
    await app.running.runJob('rules.cards', new Date(later.getTime() + 60_000));
    const posted = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.response.ok).toBe(true);
    expect((await findRule(app, stored?.id ?? 0))?.cardTs).toBe(posted[0]?.response.ts);
  });
});
