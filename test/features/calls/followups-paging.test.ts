import { describe, expect, it } from 'vitest';
import { callsIds } from '../../../src/features/calls/calls.ids.js';
import { insertCall, insertFollowUps } from '../../../src/features/calls/calls.queries.js';
import { clickOnHome, type HomeView, openHome, pagerButtons, showing } from '../../support/paging.js';
import { ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';

const rows = (home: HomeView) => home.blocks.filter((b) => b.block_id?.startsWith('calls.home.followup.'));

describe('App Home pages someone’s open follow-ups', () => {
  const app = useTestApp();
  const pagerId = callsIds.followUpsPager;

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
    const first = await openHome(app, ids.employee);
    expect(rows(first)).toHaveLength(8);
    expect(showing(first.blocks, pagerId)).toBe('Showing 1–8 of 10');
    expect(pagerButtons(first.blocks, pagerId)).toEqual([[callsIds.followUpsNext, '2']]);

    const second = await clickOnHome(app, ids.employee, first, {
      action_id: callsIds.followUpsNext,
      value: '2',
    });
    expect(rows(second).map((b) => b.text?.text)).toEqual([
      expect.stringContaining('Follow-up 9'),
      expect.stringContaining('Follow-up 10'),
    ]);
    expect(showing(second.blocks, pagerId)).toBe('Showing 9–10 of 10');
    expect(pagerButtons(second.blocks, pagerId)).toEqual([[callsIds.followUpsPrevious, '1']]);

    const done = rows(second)[0]?.accessory ?? {};
    const after = await clickOnHome(app, ids.employee, second, {
      action_id: callsIds.followUpDone,
      value: String(done.value),
    });
    expect(showing(after.blocks, pagerId)).toBe('Showing 9–9 of 9');
    expect(rows(after).map((b) => b.text?.text)).toEqual([expect.stringContaining('Follow-up 10')]);
  });
});
