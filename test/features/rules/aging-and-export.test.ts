import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { agingJob } from '../../../src/features/rules/rules.jobs.js';
import { listActiveJourneyStages } from '../../../src/features/settings/stages.queries.js';
import { eventCallback, ids } from '../../support/payloads.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import {
  acceptFromCard,
  cardClick,
  decideWithNote,
  markDuplicateFromCard,
  type NominationInput,
  nominateAndWaitForCard,
  parseCsv,
  refsIn,
  textOf,
} from './rules.helpers.js';

const VOTER = 'U0VOTER031';

describe('aging, the CX office’s Home and the export, on a known backlog', () => {
  let app: TestApp;
  let clock = new Date('2026-11-02T10:00:00Z');
  beforeAll(async () => {
    app = await startTestApp({ now: () => clock });
    app.slack.addUser({ id: VOTER });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const at = async (iso: string, input: NominationInput) => {
    clock = new Date(iso);
    return nominateAndWaitForCard(app, input);
  };
  const setStatus = (target: { rule: { id: number }; cardTs: string }, status: string) =>
    app.send.interaction(
      cardClick(
        app,
        target.rule.id,
        target.cardTs,
        { action_id: rulesIds.setStatus, selected_option: { value: `${target.rule.id}:${status}` } },
        ids.cxOfficer,
      ),
    );
  const backlogPosts = () =>
    app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.backlogChannel);

  it('runs on weekday mornings in the company time zone', () => {
    expect(agingJob.schedule(app.config)).toBe('*/15 9-11 * * 1-5');
  });

  it('lists exactly the undecided nominations older than 10 working days, once a day, never on a weekend', async () => {
    // Wednesday 18 November 2026, 09:00. Working days since each creation date, in brackets.
    const late = await at('2026-11-02T10:00:00Z', { rule: 'Late, new' }); // Mon 2 Nov (12)
    const reviewing = await at('2026-11-03T16:00:00Z', { rule: 'Late, under review' }); // Tue 3 Nov (11)
    await at('2026-11-04T08:00:00Z', { rule: 'Exactly at target' }); // Wed 4 Nov (10): not late
    await at('2026-11-06T10:00:00Z', { rule: 'Twelve calendar days, eight working' }); // Fri 6 Nov (8)
    const accepted = await at('2026-11-02T11:00:00Z', { rule: 'Accepted early' });
    const kept = await at('2026-11-02T12:00:00Z', { rule: 'Kept early' });
    const merged = await at('2026-11-02T13:00:00Z', { rule: 'Merged early' });
    await setStatus(reviewing, 'under_review');
    await acceptFromCard(app, { ruleId: accepted.rule.id, cardTs: accepted.cardTs });
    await decideWithNote(app, { ruleId: kept.rule.id, cardTs: kept.cardTs }, 'kept', 'Required by law');
    await markDuplicateFromCard(app, { ruleId: merged.rule.id, cardTs: merged.cardTs }, late.rule.number);
    await app.whenIdle();
    app.slack.calls.length = 0;

    clock = new Date('2026-11-18T09:00:00Z');
    await app.running.runJob('rules.aging', clock);
    await app.running.outbox.drain();
    expect(backlogPosts()).toHaveLength(1);
    const message = backlogPosts()[0];
    expect(refsIn(String(message?.args.text)).sort()).toEqual(
      [late.rule.number, reviewing.rule.number].sort(),
    );
    expect(textOf(message)).toContain('2 suggestions are waiting longer than 10 working days');
    expect(textOf(message)).not.toContain('Exactly at target');
    expect(textOf(message)).not.toContain('Twelve calendar days');

    // Later ticks the same morning post nothing more.
    await app.running.runJob('rules.aging', new Date('2026-11-18T09:15:00Z'));
    await app.running.outbox.drain();
    await app.running.runJob('rules.aging', new Date('2026-11-18T11:45:00Z'));
    await app.running.outbox.drain();
    expect(backlogPosts()).toHaveLength(1);

    // Saturday: nothing, although the same ones are still late.
    await app.running.runJob('rules.aging', new Date('2026-11-21T09:00:00Z'));
    await app.running.outbox.drain();
    await app.whenIdle();
    expect(backlogPosts()).toHaveLength(1);
  });

  it('the CX office’s Home shows the backlog by status and stage, the late ones first, with the card’s controls', async () => {
    clock = new Date('2026-11-18T10:00:00Z');
    app.slack.calls.length = 0;
    await app.send.event(
      eventCallback({ type: 'app_home_opened', user: ids.cxOfficer, channel: 'D0CXOFF001', tab: 'home' }),
    );
    const home = await app.slack.waitFor('views.publish', (c) => c.args.user_id === ids.cxOfficer);
    expect(home.response.ok).toBe(true);
    const blocks = (
      home.args.view as {
        blocks: { block_id?: string; text?: { text: string }; elements?: { action_id: string }[] }[];
      }
    ).blocks;
    const summary = blocks.find((b) => b.block_id === 'rules.home.backlog')?.text?.text ?? '';
    expect(summary).toContain('New 3');
    expect(summary).toContain('Under review 1');
    expect(summary).toContain('Accepted (will kill) 1');
    expect(summary).toContain('*Late* (over 10 working days): 2');
    expect(summary).toContain('*By journey stage*: No stage 5');
    const items = blocks.filter((b) => b.block_id?.startsWith('rules.home.item.'));
    expect(items.slice(0, 2).every((b) => b.text?.text.startsWith(':hourglass_flowing_sand:'))).toBe(true);
    expect(items.slice(2).some((b) => b.text?.text.startsWith(':hourglass_flowing_sand:'))).toBe(false);
    const controls = blocks.filter((b) => b.block_id?.startsWith(`${rulesIds.cardActions}.`));
    expect(controls).toHaveLength(items.length);
    expect(controls[0]?.elements?.map((e) => e.action_id)).toEqual([
      rulesIds.setStatus,
      rulesIds.assignOwner,
      rulesIds.markDuplicate,
      rulesIds.addNote,
      rulesIds.history,
    ]);
  });

  it('exports every nomination with status, votes, stage, owner, decision and dates, and no formula can run', async () => {
    const stage = (await listActiveJourneyStages(app.running.database.db)).find((s) => s.name === 'Get help');
    clock = new Date('2026-11-19T10:00:00Z');
    const starters = ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '-anonymous'];
    const nasty = await nominateAndWaitForCard(app, {
      rule: starters[0],
      why: starters[1],
      replacement: starters[2],
      stage: String(stage?.id),
    });
    await app.send.interaction(
      cardClick(
        app,
        nasty.rule.id,
        nasty.cardTs,
        { action_id: rulesIds.vote, value: String(nasty.rule.id) },
        VOTER,
      ),
    );
    await app.send.interaction(
      cardClick(
        app,
        nasty.rule.id,
        nasty.cardTs,
        { action_id: rulesIds.assignOwner, selected_user: ids.executive },
        ids.cxOfficer,
      ),
    );
    clock = new Date('2026-11-20T10:00:00Z');
    await decideWithNote(app, { ruleId: nasty.rule.id, cardTs: nasty.cardTs }, 'killed', starters[3] ?? '');
    const other = await nominateAndWaitForCard(app, { rule: starters[4], anonymous: true });
    await app.whenIdle();

    await app.command('/touchpoint', 'export rules', { user_id: ids.cxOfficer });
    // The suggestions' CSV, then their audit trail's; then the line where the command was typed.
    await app.slack.waitFor(
      'chat.postEphemeral',
      (c) => c.args.user === ids.cxOfficer && textOf(c).includes('audit trail'),
    );
    const rulesCsv = app.slack.sharedFiles.find((file) => file.title === 'Touchpoint: rules to kill');
    const [header, ...rows] = parseCsv(rulesCsv?.content ?? '');
    expect(header).toEqual([
      'reference',
      'rule',
      'hurts',
      'why it hurts',
      'what could replace it',
      'journey stage',
      'touch-point category',
      'status',
      'votes',
      'owner',
      'decision note',
      'decided at',
      'submitted at',
      'submitted by',
      'source message',
      'came from',
    ]);
    expect(rows).toHaveLength(other.rule.number);
    const row = Object.fromEntries(
      (header ?? []).map((name, i) => [name, rows.find((r) => r[0] === `RULE-${nasty.rule.number}`)?.[i]]),
    );
    expect(row).toMatchObject({
      rule: "'=1+1",
      'why it hurts': "'+SUM(A1)",
      'what could replace it': "'-2+3",
      'journey stage': 'Get help',
      status: 'Killed',
      votes: '1',
      owner: ids.executive,
      'decision note': "'@cmd",
      'decided at': '2026-11-20T10:00:00.000Z',
      'submitted at': '2026-11-19T10:00:00.000Z',
      'submitted by': ids.employee,
    });
    const anonymous = rows.find((r) => r[0] === `RULE-${other.rule.number}`);
    expect(anonymous?.[1]).toBe("'-anonymous");
    expect(anonymous?.[13]).toBe(''); // submitted by
    // No cell of the whole file starts like a formula.
    for (const cells of rows) for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
