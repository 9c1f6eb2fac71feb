import { describe, expect, it } from 'vitest';
import { insertCall, insertFollowUps } from '../../../src/features/calls/calls.queries.js';
import { deliveryIds } from '../../../src/features/delivery/delivery.ids.js';
import { HOME_CONTROLS, homeIds } from '../../../src/features/home/home.ids.js';
import { roadmapIds } from '../../../src/features/roadmap/roadmap.ids.js';
import { roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { settingsIds } from '../../../src/features/settings/settings.ids.js';
import { insertStory } from '../../../src/features/stories/stories.queries.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, eventCallback, ids } from '../../support/payloads.js';
import { useTestApp } from '../../support/test-app.js';
import { nominateAndWaitForCard } from '../rules/rules.helpers.js';

type Element = { action_id?: string; text?: { text: string } };
type Block = { block_id?: string; text?: { text: string }; accessory?: Element; elements?: Element[] };

const NOW = new Date('2026-11-25T10:00:00Z');

describe('App Home', () => {
  const app = useTestApp({ now: () => NOW });

  async function homeOf(user: string): Promise<Block[]> {
    app.slack.calls.length = 0;
    await app.send.event(
      eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME0001', tab: 'home' }),
    );
    const publish = await app.slack.waitFor('views.publish', (c) => c.args.user_id === user);
    expect(publish.response.ok).toBe(true);
    return (publish.args.view as { blocks: Block[] }).blocks;
  }
  const actionIdsOf = (blocks: Block[]) =>
    blocks
      .flatMap((block) => [block.accessory, ...(block.elements ?? [])])
      .flatMap((e) => e?.action_id ?? []);

  /** A click on a button of someone's App Home (no channel, no response URL: answers go by DM). */
  async function clickOnHome(user: string, actionId: string) {
    app.slack.calls.length = 0;
    const response = await app.send.interaction(
      blockActions(
        { action_id: actionId, value: actionId },
        { user, responseUrl: app.slack.responseUrl(), view: { id: 'V0HOME0001', type: 'home' } },
      ),
    );
    expect(response.status).toBe(200);
    await app.whenIdle();
    return app.slack.calls.filter(
      (call) => call.method !== 'users.info' && !call.method.startsWith('usergroups'),
    );
  }
  const dmsTo = (calls: RecordedCall[], user: string) =>
    calls
      .filter((c) => c.method === 'chat.postMessage' && c.args.channel === user)
      .map((c) => String(c.args.text));

  it('publishes the Home tab when someone opens it', async () => {
    const response = await app.send.event(
      eventCallback({ type: 'app_home_opened', user: ids.employee, channel: 'D0EMPL0001', tab: 'home' }),
    );
    expect(response.status).toBe(200);
    const publish = await app.slack.waitFor('views.publish', (c) => c.args.user_id === ids.employee);
    expect(publish.response.ok).toBe(true);
    expect((publish.args.view as { type: string }).type).toBe('home');
  });

  it('ignores the Messages tab', async () => {
    app.slack.calls.length = 0;
    await app.send.event(
      eventCallback({
        type: 'app_home_opened',
        user: ids.otherEmployee,
        channel: 'D0EMPL0002',
        tab: 'messages',
      }),
    );
    await app.whenIdle();
    expect(app.slack.callsTo('views.publish')).toEqual([]);
  });

  it('the CX office’s Home is its control room: what waits for it, the roadmap, a button per command; others see none of it', async () => {
    const { db } = app.running.database;
    const empty = await homeOf(ids.cxOfficer);
    expect(empty.find((b) => b.block_id === homeIds.queues)?.text?.text).toBe(
      '*Waiting for you*\n• Suggestions without a decision: none\n• Stories waiting for review: none\n• Follow-ups overdue: none',
    );

    await nominateAndWaitForCard(app);
    await insertStory(db, {
      body: 'The courier waited while the customer found her glasses',
      kind: 'delighted',
      tellerId: ids.employee,
      source: 'command',
      idempotencyKey: 'home-story-1',
      createdAt: new Date('2026-11-20T09:00:00Z'),
    });
    const call = await insertCall(db, {
      loggedBy: ids.executive,
      customer: 'Acme',
      callDate: '2026-11-10',
      kind: 'call',
      result: 'reached',
      learned: 'Invoices are confusing',
      idempotencyKey: 'home-call-1',
      createdAt: new Date('2026-11-10T12:00:00Z'),
    });
    await insertFollowUps(db, [
      {
        callId: call?.id ?? 0,
        ownerId: ids.executive,
        action: 'Send the new invoice',
        dueDate: '2026-11-20',
        createdAt: NOW,
      },
      {
        callId: call?.id ?? 0,
        ownerId: ids.executive,
        action: 'Call back',
        dueDate: '2026-12-20',
        createdAt: NOW,
      },
    ]);
    await db.insert(roadmapItems).values([
      {
        title: 'Refunds in one click',
        status: 'in_progress',
        createdBy: ids.cxOfficer,
        idempotencyKey: 'home-rm-1',
        createdAt: NOW,
        updatedAt: NOW,
      },
      {
        title: 'Plain invoices',
        status: 'planned',
        createdBy: ids.cxOfficer,
        idempotencyKey: 'home-rm-2',
        createdAt: NOW,
        updatedAt: NOW,
      },
      {
        title: 'Live chat',
        status: 'planned',
        createdBy: ids.cxOfficer,
        idempotencyKey: 'home-rm-3',
        createdAt: NOW,
        updatedAt: NOW,
      },
    ]);

    const home = await homeOf(ids.cxOfficer);
    const queues = home.find((b) => b.block_id === homeIds.queues)?.text?.text ?? '';
    expect(queues).toMatch(
      /• Suggestions without a decision: \*1\* \(the oldest since <!date\^\d+\^\{date_short_pretty\}\|\w{3} \d{1,2} \w{3} \d{4}>\)/,
    );
    expect(queues).toContain(
      '• Stories waiting for review: *1* (the oldest since <!date^1795165200^{date_short_pretty}|Fri 20 Nov 2026>)',
    );
    expect(queues).toContain('• Follow-ups overdue: *1*');
    const roadmap = home.find((b) => b.block_id === homeIds.roadmap);
    expect(roadmap?.text?.text).toBe('*Roadmap:* 2 planned · 1 in progress · 0 shipped · 0 paused');
    expect(roadmap?.accessory?.action_id).toBe(roadmapIds.open);
    expect(actionIdsOf(home)).toEqual(
      expect.arrayContaining([...Object.keys(HOME_CONTROLS), roadmapIds.open]),
    );
    expect(home.length).toBeLessThanOrEqual(100);

    for (const user of [ids.employee, ids.executive]) {
      const theirs = await homeOf(user);
      expect(theirs.find((b) => b.block_id === homeIds.controlRoom)).toBeUndefined();
      expect(actionIdsOf(theirs).filter((id) => id.startsWith('home.') || id === roadmapIds.open)).toEqual(
        [],
      );
    }
  });

  it('each button does what its /touchpoint command does, for the CX office, answered by DM', async () => {
    const cx = ids.cxOfficer;
    const settings = await clickOnHome(cx, homeIds.settings);
    expect(
      settings.some(
        (c) =>
          c.method === 'views.open' &&
          (c.args.view as { callback_id?: string }).callback_id === settingsIds.modal,
      ),
    ).toBe(true);

    expect(dmsTo(await clickOnHome(cx, homeIds.roster), cx).join('\n')).toMatch(/roster/i);
    expect(dmsTo(await clickOnHome(cx, homeIds.health), cx).join('\n')).toMatch(/^Delivery: \d+ waiting/m);
    expect(dmsTo(await clickOnHome(cx, homeIds.nudgesRun), cx)).toHaveLength(1);
    expect(dmsTo(await clickOnHome(cx, homeIds.digestPreview), cx).length).toBeGreaterThanOrEqual(1);
    expect(dmsTo(await clickOnHome(cx, roadmapIds.open), cx).join('\n')).toContain('CX roadmap');

    for (const [actionId, what] of [
      [homeIds.exportRules, 'rules'],
      [homeIds.exportCalls, 'calls'],
      [homeIds.exportStories, 'stories'],
    ] as const) {
      const calls = await clickOnHome(cx, actionId);
      const upload = calls.find(
        (c) => c.method === 'files.uploadV2' || c.method === 'files.completeUploadExternal',
      );
      expect(upload, what).toBeDefined();
      expect(dmsTo(calls, cx).join('\n')).toMatch(/CSV/);
    }

    // Skip, then send: the week is skipped, so send says so (the same answers as the commands).
    const skipped = dmsTo(await clickOnHome(cx, homeIds.digestSkip), cx);
    expect(skipped).toHaveLength(1);
    const sent = await clickOnHome(cx, homeIds.digestSend);
    expect(dmsTo(sent, cx)).toHaveLength(1);
    expect(
      sent.filter((c) => c.method === 'chat.postMessage' && c.args.channel === ids.digestChannel),
    ).toEqual([]);
  });

  it('refuses every control-room button to someone outside the CX office, politely, and does nothing else', async () => {
    for (const actionId of Object.keys(HOME_CONTROLS)) {
      const calls = await clickOnHome(ids.employee, actionId);
      expect(
        calls.map((c) => c.method),
        actionId,
      ).toEqual(['chat.postMessage']);
      expect(calls[0]?.args.channel).toBe(ids.employee);
      expect(String(calls[0]?.args.text)).toMatch(
        /^Only the CX office can run `\/touchpoint [a-z ]+`\. Nothing happened\.$/,
      );
    }
    // "Retry all" from the Home's delivery line checks the role too.
    const retry = await clickOnHome(ids.employee, deliveryIds.retryAll);
    expect(retry.map((c) => c.method)).toEqual(['chat.postMessage']);
    expect(String(retry[0]?.args.text)).toMatch(/^Only the CX office/);
    // The roadmap is anyone's to read: without the CX office's editing hints.
    const roadmap = dmsTo(await clickOnHome(ids.employee, roadmapIds.open), ids.employee).join('\n');
    expect(roadmap).toContain('CX roadmap');
    expect(JSON.stringify(app.slack.calls)).not.toContain('/roadmap add');
  });
});
