import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import { readSetting } from '../../../src/features/settings/settings.keys.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { eventCallback, ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  acceptFromCard,
  cardClick,
  decideWithNote,
  dmsTo,
  eventsOf,
  findRule,
  nominateAndWaitForCard,
  textOf,
} from './rules.helpers.js';

const OWNER = ids.executive;
const OUTSIDER = ids.otherEmployee;

type Block = { block_id?: string; text?: { text: string } };

/**
 * Issue 17, points 2 and 4: ease × impact rated from the card, the quick-kill lane (first on the CX office's
 * Home, its own shorter response target), kill-by dates on accepting, the owner told what they own and by
 * when, the owner's Home, and the daily call-out of overdue accepted rules. Time is the test's clock.
 */
describe('quick kills, owners and kill-by dates', () => {
  let app: TestApp;
  let clock = new Date('2026-11-02T09:00:00Z'); // a Monday (the company zone is UTC)
  let normal: Awaited<ReturnType<typeof nominateAndWaitForCard>>;
  let quick: Awaited<ReturnType<typeof nominateAndWaitForCard>>;
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const at = (iso: string) => {
    clock = new Date(iso);
  };
  /** Lets the outbox send what is due at the test's clock (card updates are held a second apart). */
  // Idle first (nothing in flight), then 2 s on: past the card's pacing, well inside a send's 15 s lease.
  const settle = async () => {
    await app.whenIdle();
    clock = new Date(clock.getTime() + 2_000);
    await app.running.outbox.drain();
    await app.whenIdle();
  };
  const rate = (
    target: { rule: { id: number }; cardTs: string },
    actionId: string,
    level: string,
    user: string = ids.cxOfficer,
    actionTs?: string,
  ) =>
    app.send.interaction(
      cardClick(
        app,
        target.rule.id,
        target.cardTs,
        { action_id: actionId, selected_option: { value: `${target.rule.id}:${level}` } },
        user,
        actionTs,
      ),
    );
  const backlogPosts = () =>
    app.slack
      .callsTo('chat.postMessage')
      .filter((c) => c.args.channel === ids.backlogChannel && c.args.thread_ts === undefined);
  const cardUpdates = (cardTs: string) =>
    app.slack.callsTo('chat.update').filter((c) => c.args.ts === cardTs);
  async function home(user: string): Promise<Block[]> {
    const before = app.slack.callsTo('views.publish').length;
    await app.send.event(
      eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0171', tab: 'home' }),
    );
    const published = await app.slack.waitFor(
      'views.publish',
      (c) => c.args.user_id === user && app.slack.callsTo('views.publish').indexOf(c) >= before,
    );
    expect(published.response.ok, JSON.stringify(published.response)).toBe(true);
    return (published.args.view as { blocks: Block[] }).blocks;
  }

  it('the CX office rates ease and impact on the card: refused to others, audited, a quick kill is marked, nobody is sent a DM', async () => {
    normal = await nominateAndWaitForCard(app, { rule: 'Refunds need a fax' });
    at('2026-11-02T10:00:00Z');
    quick = await nominateAndWaitForCard(app, { rule: 'Address changes need a letter' });
    await settle();
    app.slack.calls.length = 0;

    // Someone outside the CX office: told privately, nothing changes.
    await rate(quick, rulesIds.rateEase, 'easy', OUTSIDER);
    const refusal = await app.slack.waitFor('chat.postEphemeral', (c) => c.args.user === OUTSIDER);
    expect(textOf(refusal)).toContain('Only the CX office');
    expect(await findRule(app, quick.rule.id)).toMatchObject({ ease: null, impact: null });

    await rate(quick, rulesIds.rateEase, 'easy');
    await settle();
    await rate(quick, rulesIds.rateImpact, 'high', ids.cxOfficer, '1700000900.000001');
    await settle();
    // A replayed click changes nothing, and neither does the level it has already.
    await rate(quick, rulesIds.rateImpact, 'high', ids.cxOfficer, '1700000900.000001');
    await rate(quick, rulesIds.rateImpact, 'high');
    await settle();

    expect(await findRule(app, quick.rule.id)).toMatchObject({ ease: 'easy', impact: 'high' });
    const events = await eventsOf(app, quick.rule.id);
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ['rating', ids.cxOfficer],
      ['rating', ids.cxOfficer],
    ]);
    expect(events[1]?.note).toBe('Ease: easy · Impact: high (quick kill)');
    const card = cardUpdates(quick.cardTs).at(-1);
    expect(textOf(card)).toContain('Quick kill');
    expect(textOf(card)).toContain(`rules.card.rating.${quick.rule.id}`);
    const thread = app.slack.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === quick.cardTs);
    expect(thread).toHaveLength(2);
    expect(textOf(thread[0])).toContain('rated ease and impact');
    // Nobody hears of a rating by DM: not the submitter, not the people who backed it.
    expect(
      app.slack.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('U')),
    ).toEqual([]);
  });

  it('quick kills lead the CX office’s Home and are late after their own, shorter target', async () => {
    // Friday 6 November: four working days after both were suggested. The normal target is 10, the
    // quick-kill target 3 (its default).
    at('2026-11-06T09:00:00Z');
    app.slack.calls.length = 0;
    await app.running.runJob('rules.aging', clock);
    await app.running.outbox.drain();
    expect(backlogPosts()).toHaveLength(1);
    const aging = textOf(backlogPosts()[0]);
    expect(aging).toContain(`RULE-${quick.rule.number}`);
    expect(aging).not.toContain(`RULE-${normal.rule.number}`);
    expect(aging).toContain('Quick kills (easy, high impact) are late after 3 working days');

    const blocks = await home(ids.cxOfficer);
    const items = blocks.filter((b) => b.block_id?.startsWith('rules.home.item.'));
    // Suggested after the other one, and still first: a quick kill leads the grid.
    expect(items[0]?.block_id).toBe(`rules.home.item.${quick.rule.id}`);
    expect(items[0]?.text?.text).toMatch(/^:hourglass_flowing_sand: .*quick kill/);
    expect(items[1]?.block_id).toBe(`rules.home.item.${normal.rule.id}`);
  });

  it('the owner named hears what they own; accepting takes a kill-by date (not a past one), and the owner hears by when, once', async () => {
    app.slack.calls.length = 0;
    await app.send.interaction(
      cardClick(
        app,
        quick.rule.id,
        quick.cardTs,
        { action_id: rulesIds.assignOwner, selected_user: OWNER },
        ids.cxOfficer,
      ),
    );
    const named = await app.slack.waitFor('chat.postMessage', (c) => c.args.channel === OWNER);
    expect(textOf(named)).toContain(`You own RULE-${quick.rule.number}`);
    expect(textOf(named)).toContain('made you the owner');

    // The date offered is today plus the setting (30 days by default); a day gone by is refused.
    const past = await acceptFromCard(
      app,
      { ruleId: quick.rule.id, cardTs: quick.cardTs },
      { killBy: '2026-11-05' },
    );
    expect(past.offered).toBe('2026-12-06');
    expect(past.response.json<{ errors: Record<string, string> }>().errors[rulesIds.killBy]).toContain(
      'That day has passed',
    );
    expect((await findRule(app, quick.rule.id))?.status).toBe('new');
    const missing = await acceptFromCard(
      app,
      { ruleId: quick.rule.id, cardTs: quick.cardTs },
      { killBy: null },
    );
    expect(missing.response.json<{ errors: Record<string, string> }>().errors[rulesIds.killBy]).toContain(
      'Pick the date',
    );

    const accepted = await acceptFromCard(app, { ruleId: quick.rule.id, cardTs: quick.cardTs });
    expect(accepted.response.json<{ response_action: string }>().response_action).toBe('update');
    await app.send.interaction(accepted.payload); // Slack's retry of the same submission
    await settle();
    expect(await findRule(app, quick.rule.id)).toMatchObject({ status: 'accepted', killBy: '2026-12-06' });
    const ownerDms = dmsTo(app, OWNER);
    expect(ownerDms).toHaveLength(2); // named, then accepted: one each
    expect(textOf(ownerDms[1])).toContain('to be killed by');
    expect(textOf(ownerDms[1])).toContain('<!date^');
    expect(textOf(cardUpdates(quick.cardTs).at(-1))).toContain('*Kill by*');
  });

  it('the owner’s Home lists what they own; overdue accepted rules are called out to the CX office and the owner once a day', async () => {
    at('2026-12-04T10:00:00Z');
    let owned = (await home(OWNER)).filter((b) => b.block_id?.startsWith(rulesIds.homeOwned));
    expect(owned.map((b) => b.text?.text).join('\n')).toContain(`RULE-${quick.rule.number}`);
    expect(owned.map((b) => b.text?.text).join('\n')).not.toContain(':hourglass_flowing_sand:');
    // Nothing is overdue yet: the job says nothing.
    app.slack.calls.length = 0;
    await app.running.runJob('rules.overdue', clock);
    await app.running.outbox.drain();
    await app.whenIdle();
    expect(backlogPosts()).toEqual([]);

    // Monday 7 December: the kill-by date (Sunday 6th) has passed.
    at('2026-12-07T09:00:00Z');
    await app.running.runJob('rules.overdue', clock);
    await settle();
    await app.running.runJob('rules.overdue', new Date('2026-12-07T09:15:00Z'));
    await app.running.runJob('rules.overdue', new Date('2026-12-07T11:45:00Z'));
    await settle();
    const posts = backlogPosts().filter((c) => textOf(c).includes('past the date'));
    expect(posts).toHaveLength(1);
    expect(textOf(posts[0])).toContain(`RULE-${quick.rule.number}`);
    expect(textOf(posts[0])).toContain(`<@${OWNER}>`);
    const reminders = dmsTo(app, OWNER).filter((c) => textOf(c).includes('past the date'));
    expect(reminders).toHaveLength(1);
    expect(textOf(reminders[0])).toContain('1 rule you own is past the date');
    expect(textOf(cardUpdates(quick.cardTs).at(-1))).toContain('*Overdue*');

    owned = (await home(OWNER)).filter((b) => b.block_id?.startsWith(rulesIds.homeOwned));
    expect(owned.map((b) => b.text?.text).join('\n')).toContain(':hourglass_flowing_sand:');
    const cx = await home(ids.cxOfficer);
    expect(cx.find((b) => b.block_id === 'rules.home.backlog')?.text?.text).toContain(
      '*Overdue* (accepted, past the kill-by date): 1',
    );

    // The next working day: once more; killed since, it is not called out again.
    at('2026-12-08T09:00:00Z');
    await app.running.runJob('rules.overdue', clock);
    await settle();
    expect(backlogPosts().filter((c) => textOf(c).includes('past the date'))).toHaveLength(2);
    expect(dmsTo(app, OWNER).filter((c) => textOf(c).includes('past the date'))).toHaveLength(2);
    await decideWithNote(
      app,
      { ruleId: quick.rule.id, cardTs: quick.cardTs },
      'killed',
      'Gone: change it online.',
    );
    await app.whenIdle();
    at('2026-12-09T09:00:00Z');
    await app.running.runJob('rules.overdue', clock);
    await settle();
    expect(backlogPosts().filter((c) => textOf(c).includes('past the date'))).toHaveLength(2);
    expect(dmsTo(app, OWNER).filter((c) => textOf(c).includes('past the date'))).toHaveLength(2);
  });

  it('the CX office sets the quick-kill target (shorter than the response target) and the days to kill in settings', async () => {
    app.slack.calls.length = 0;
    await app.command('/touchpoint', 'settings', { user_id: ids.cxOfficer });
    const opened = await app.slack.waitFor(
      'views.open',
      (c) => (c.args.view as { callback_id?: string }).callback_id === settingsIds.modal,
    );
    const view = opened.response.view as { id: string; callback_id: string; private_metadata: string };
    const state = (quickTarget: string, days: string): Record<string, StateInput> => ({
      [settingsIds.stages]: {
        type: 'plain_text_input',
        value: 'Discover\nBuy\nOnboard\nUse\nGet help\nRenew',
      },
      [settingsIds.responseTarget]: { type: 'plain_text_input', value: '10' },
      [settingsIds.quickKillTarget]: { type: 'plain_text_input', value: quickTarget },
      [settingsIds.killByDays]: { type: 'plain_text_input', value: days },
      [settingsIds.callTarget]: { type: 'plain_text_input', value: '2' },
      [settingsIds.nudgeDay]: { type: 'static_select', value: '2' },
      [settingsIds.nudgeTime]: { type: 'timepicker', time: '10:00' },
      [settingsIds.digestDay]: { type: 'static_select', value: '1' },
      [settingsIds.digestTime]: { type: 'timepicker', time: '09:00' },
    });
    const longer = await app.send.interaction(viewSubmission(view, state('10', '14'), ids.cxOfficer));
    expect(longer.json<{ errors: Record<string, string> }>().errors[settingsIds.quickKillTarget]).toBe(
      'Shorter than the response target (10 working days).',
    );
    const saved = await app.send.interaction(viewSubmission(view, state('2', '14'), ids.cxOfficer));
    const text = JSON.stringify(saved.json());
    expect(text).toContain('quick-kill target 3 → 2 working days');
    expect(text).toContain('days to kill an accepted rule 30 → 14 days');
    const { db } = app.running.database;
    expect(await readSetting(db, app.config, 'rules.quickKillTargetWorkingDays')).toBe(2);

    // The decision modal now offers today plus 14 days.
    at('2026-12-09T10:00:00Z');
    const other = await acceptFromCard(
      app,
      { ruleId: normal.rule.id, cardTs: normal.cardTs },
      { killBy: '2026-12-31', ownerId: OUTSIDER },
    );
    expect(other.offered).toBe('2026-12-23');
    await settle();
    expect(await findRule(app, normal.rule.id)).toMatchObject({
      status: 'accepted',
      killBy: '2026-12-31',
      ownerId: OUTSIDER,
    });
    // The owner the decision named hears it, once; the audit row names them.
    const told = dmsTo(app, OUTSIDER).filter((c: RecordedCall) =>
      textOf(c).includes(`You own RULE-${normal.rule.number}`),
    );
    expect(told).toHaveLength(1);
    expect(textOf(told[0])).toContain('to be killed by');
    const events = await eventsOf(app, normal.rule.id);
    expect(events.at(-1)).toMatchObject({ action: 'status', toStatus: 'accepted', ownerId: OUTSIDER });
    expect(
      dmsTo(app, OWNER).filter((c: RecordedCall) => textOf(c).includes(`RULE-${normal.rule.number}`)),
    ).toEqual([]);
  });
});
