import { describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import { insertCall, insertFollowUps } from '../../../src/features/calls/calls.queries.js';
import { blockActions, eventCallback, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

type Element = { action_id?: string; value?: string; text?: { text: string } | string };
type Block = { block_id?: string; text?: { text: string }; accessory?: Element; elements?: Element[] };
type HomeView = { id: string; type: 'home'; private_metadata?: string; blocks: Block[] };

const rows = (home: HomeView) => home.blocks.filter((b) => b.block_id?.startsWith('calls.home.followup.'));
const showing = (home: HomeView) =>
  (
    home.blocks.find((b) => b.block_id === `${callsIds.followUpsPager}.showing`)?.elements?.[0] as {
      text?: string;
    }
  )?.text;
const pager = (home: HomeView) =>
  (home.blocks.find((b) => b.block_id === callsIds.followUpsPager)?.elements ?? []).map((e) => [
    e.action_id,
    e.value,
  ]);

describe('App Home pages someone’s open follow-ups', () => {
  const app = useTestApp();

  async function published(from: number): Promise<HomeView> {
    const call = await app.slack.waitFor(
      'views.publish',
      (c) => c.args.user_id === ids.employee && app.slack.calls.indexOf(c) >= from,
    );
    expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
    return call.response.view as HomeView;
  }

  async function click(home: HomeView, action: { action_id: string; value?: string }) {
    const from = app.slack.calls.length;
    await app.send.interaction(
      blockActions(action, { user: ids.employee, responseUrl: app.slack.responseUrl(), view: home }),
    );
    return published(from);
  }

  it('10 follow-ups: 8 and "Showing 1–8 of 10", Next shows 2; marking one done there keeps the page', async () => {
    const { db } = app.running.database;
    const call = await insertCall(db, {
      loggedBy: ids.executive,
      customer: 'Acme',
      callDate: '2026-11-10',
      kind: 'call',
      result: 'reached',
      learned: 'Lots to do',
      idempotencyKey: 'paging-call-1',
      createdAt: new Date(),
    });
    await insertFollowUps(
      db,
      Array.from({ length: 10 }, (_, i) => ({
        callId: call?.id ?? 0,
        ownerId: ids.employee,
        action: `Follow-up ${i + 1}`,
        dueDate: `2026-12-${String(i + 1).padStart(2, '0')}`,
        createdAt: new Date(),
      })),
    );
    const from = app.slack.calls.length;
    await app.send.event(
      eventCallback({ type: 'app_home_opened', user: ids.employee, channel: 'D0HOME0001', tab: 'home' }),
    );
    const first = await published(from);
    expect(rows(first)).toHaveLength(8);
    expect(showing(first)).toBe('Showing 1–8 of 10');
    expect(pager(first)).toEqual([[callsIds.followUpsNext, '2']]);

    const second = await click(first, { action_id: callsIds.followUpsNext, value: '2' });
    expect(rows(second).map((b) => b.text?.text)).toEqual([
      expect.stringContaining('Follow-up 9'),
      expect.stringContaining('Follow-up 10'),
    ]);
    expect(showing(second)).toBe('Showing 9–10 of 10');
    expect(pager(second)).toEqual([[callsIds.followUpsPrevious, '1']]);

    const done = rows(second)[0]?.accessory ?? {};
    const after = await click(second, { action_id: callsIds.followUpDone, value: String(done.value) });
    expect(showing(after)).toBe('Showing 9–9 of 9');
    expect(rows(after).map((b) => b.text?.text)).toEqual([expect.stringContaining('Follow-up 10')]);
  });
});
