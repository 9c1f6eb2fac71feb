import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { insertCall, insertFollowUps } from '../../src/features/calls/calls.queries.js';
import { features } from '../../src/features/index.js';
import { itemLinks } from '../../src/features/links/links.schema.js';
import { roadmapItems } from '../../src/features/roadmap/roadmap.schema.js';
import { ruleEvents, rules } from '../../src/features/rules/rules.schema.js';
import { commandCatalogue } from '../../src/features/touchpoint/touchpoint.catalogue.js';
import { findOutboxItemByKey, insertOutboxItems, markFailed } from '../../src/outbox/outbox.queries.js';
import { FAKE_TEAM, type FakeSlack, type RecordedCall } from '../support/fake-slack.js';
import {
  type ActionSpec,
  blockActions,
  eventCallback,
  globalShortcut,
  ids,
  messageShortcut,
} from '../support/payloads.js';
import { recordRegistrations } from '../support/registered-listeners.js';
import { startFakeSlack, startTestApp, type TestApp } from '../support/test-app.js';
import { nominate } from './rules/rules.helpers.js';

// Nothing a person can click or submit goes unanswered: every `action_id` and modal `callback_id` that
// any view renders has a listener. The views are rendered by the app itself, the way people reach them:
// a crawl runs every command of the help, every shortcut, every job and every App Home, submits every
// modal once, then clicks every button and select it was shown, and collects what reached Slack.

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Interactive IDs found in a rendered message or view, each with where it was seen. */
interface RenderedIds {
  actions: Map<string, string>;
  views: Map<string, string>;
}

/**
 * Walks any Block Kit payload. An element's `action_id` reaches the app as a block action, except in an
 * input block (read at submission, unless the block dispatches actions) and on a link button (Slack
 * opens the link; the app only acks). A modal's `callback_id` reaches it when the modal can be submitted.
 */
function collectRenderedIds(payload: unknown, where: string, into: RenderedIds): void {
  if (Array.isArray(payload)) {
    for (const item of payload) collectRenderedIds(item, where, into);
    return;
  }
  if (!isObject(payload)) return;
  if (payload.type === 'input') {
    const element = payload.element;
    if (payload.dispatch_action === true && isObject(element) && typeof element.action_id === 'string')
      into.actions.set(element.action_id, where);
    return;
  }
  if (typeof payload.action_id === 'string' && !(payload.type === 'button' && payload.url))
    into.actions.set(payload.action_id, where);
  if (payload.type === 'modal' && payload.submit && typeof payload.callback_id === 'string')
    into.views.set(payload.callback_id, where);
  for (const value of Object.values(payload)) collectRenderedIds(value, where, into);
}

/** The IDs rendered but not registered, as "id (where)". */
function unanswered(rendered: RenderedIds, registered: { actions: string[]; views: string[] }) {
  const missing = (seen: Map<string, string>, known: string[]) =>
    [...seen].filter(([id]) => !known.includes(id)).map(([id, where]) => `${id} (${where})`);
  return {
    actions: missing(rendered.actions, registered.actions),
    views: missing(rendered.views, registered.views),
  };
}

describe('collectRenderedIds', () => {
  it('finds buttons, selects and submittable modals, and reports one nobody listens to', () => {
    const rendered: RenderedIds = { actions: new Map(), views: new Map() };
    collectRenderedIds(
      {
        text: 'card',
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'x' },
            accessory: { type: 'overflow', action_id: 'a.more' },
          },
          {
            type: 'actions',
            elements: [
              { type: 'button', action_id: 'a.vote', value: '1' },
              { type: 'button', action_id: 'a.link', url: 'https://example.com' },
              { type: 'static_select', action_id: 'a.orphan', options: [] },
            ],
          },
        ],
      },
      'a card',
      rendered,
    );
    collectRenderedIds(
      {
        type: 'modal',
        callback_id: 'a.form',
        submit: { type: 'plain_text', text: 'Save' },
        blocks: [
          { type: 'input', block_id: 'title', element: { type: 'plain_text_input', action_id: 'title' } },
          {
            type: 'input',
            block_id: 'live',
            dispatch_action: true,
            element: { type: 'static_select', action_id: 'a.live' },
          },
        ],
      },
      'a modal',
      rendered,
    );
    collectRenderedIds(
      { type: 'modal', callback_id: 'a.info', blocks: [] },
      'a modal without submit',
      rendered,
    );
    expect([...rendered.actions.keys()].sort()).toEqual(['a.live', 'a.more', 'a.orphan', 'a.vote']);
    expect([...rendered.views.keys()]).toEqual(['a.form']);
    expect(unanswered(rendered, { actions: ['a.more', 'a.vote', 'a.live'], views: [] })).toEqual({
      actions: ['a.orphan (a card)'],
      views: ['a.form (a modal)'],
    });
  });
});

// ---- The crawl ---------------------------------------------------------------------------------------

interface Manifest {
  features: { shortcuts: { type: 'global' | 'message'; callback_id: string }[] };
}
const manifest = parse(readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8')) as Manifest;

const today = () => new Date().toISOString().slice(0, 10);

/** A plausible answer for each input of a modal (its initial value where it has one), as Slack sends it. */
function filledState(blocks: unknown[]): { values: Record<string, Record<string, Json>> } {
  const values: Record<string, Record<string, Json>> = {};
  for (const block of blocks) {
    if (!isObject(block) || block.type !== 'input' || typeof block.block_id !== 'string') continue;
    const element = block.element;
    if (!isObject(element) || typeof element.action_id !== 'string') continue;
    const options = (Array.isArray(element.options) ? element.options : []) as Json[];
    const first = (element.initial_option as Json | undefined) ?? options[0];
    let entry: Json;
    switch (element.type) {
      case 'static_select':
      case 'radio_buttons':
        entry = { selected_option: first ? { value: first.value } : null };
        break;
      case 'checkboxes':
        entry = { selected_options: element.initial_options ?? [] };
        break;
      case 'datepicker':
        entry = { selected_date: element.initial_date ?? today() };
        break;
      case 'timepicker':
        entry = { selected_time: element.initial_time ?? '10:00' };
        break;
      case 'users_select':
        entry = { selected_user: element.initial_user ?? ids.employee };
        break;
      case 'number_input':
        entry = { value: element.initial_value ?? '2' };
        break;
      default:
        entry = { value: element.initial_value ?? 'Printed receipts for every purchase' };
    }
    values[block.block_id] = { [element.action_id]: { type: element.type, ...entry } };
  }
  return { values };
}

/** The clicks Slack can send for an element: a button's value, each option of a select, a user, a date. */
function clicksOn(element: Json, blockId: string | undefined): ActionSpec[] {
  const base: ActionSpec = {
    action_id: String(element.action_id),
    block_id: blockId,
    type: String(element.type),
    ...(typeof element.value === 'string' ? { value: element.value } : {}),
    ...(element.type === 'users_select' ? { selected_user: ids.employee } : {}),
    ...(element.type === 'datepicker' ? { selected_date: today() } : {}),
  };
  const options = (Array.isArray(element.options) ? element.options : []) as Json[];
  if (options.length === 0) return [base];
  return options.map((option) => ({ ...base, selected_option: { value: String(option.value) } }));
}

/** Every clickable element of a list of blocks, with its block ID. */
function clickables(blocks: unknown): { element: Json; blockId: string | undefined }[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((block) => {
    if (!isObject(block)) return [];
    const blockId = typeof block.block_id === 'string' ? block.block_id : undefined;
    const elements = [
      ...(block.type === 'actions' && Array.isArray(block.elements) ? block.elements : []),
      ...(isObject(block.accessory) ? [block.accessory] : []),
    ];
    return elements
      .filter(
        (element): element is Json =>
          isObject(element) && typeof element.action_id === 'string' && !element.url,
      )
      .map((element) => ({ element, blockId }));
  });
}

/**
 * What a help line's usage stands for as typed: `a|b` alternatives spelled out, and each `[argument]`
 * left out or given as `1` (the first item of whatever it names, once the crawl made one).
 */
function typedCommands(usage: string): { command: string; text: string }[] {
  const [command = '', ...words] = usage.replace(/\[[^\]]*\]/g, '[argument]').split(/\s+/);
  const texts = words.reduce<string[]>(
    (forms, word) =>
      forms.flatMap((form) =>
        word.startsWith('[') ? [form, `${form} 1`] : word.split('|').map((choice) => `${form} ${choice}`),
      ),
    [''],
  );
  return texts.map((text) => ({ command, text: text.trim() }));
}

describe('every rendered action and modal has a listener', () => {
  let app: TestApp;
  const registered = recordRegistrations(features);
  const rendered: RenderedIds = { actions: new Map(), views: new Map() };

  // More than a page of each paged list, so its buttons show: 41 executives (the roster shows 40 at a time)
  // 6 suggestions someone can back (App Home shows 5), 9 open follow-ups (App Home shows 8), and more.
  const crawlExecutives = Array.from({ length: 41 }, (_, i) => `U0EXCR${String(i + 1).padStart(4, '0')}`);
  let slack: FakeSlack | undefined;
  beforeAll(async () => {
    slack = await startFakeSlack();
    for (const id of crawlExecutives) slack.addUser({ id, tz: 'UTC' });
    slack.addUsergroup('S0CRAWLEX1', crawlExecutives);
    app = await startTestApp({ slack, env: { TOUCHPOINT_EXECUTIVES: `${ids.executive},S0CRAWLEX1` } });
    for (let n = 1; n <= 6; n += 1) await nominate(app, { user: ids.otherEmployee, rule: `Crawl rule ${n}` });
    // An anonymous one: its card offers "Ask the submitter", whose DM offers "Answer".
    await nominate(app, { user: ids.otherEmployee, rule: 'Crawl anonymous rule', anonymous: true });
    // And 10 more that `/killrule search 1` finds with "Crawl rule 1" (the search modal shows 10 a page).
    for (let n = 1; n <= 10; n += 1)
      await nominate(app, { user: ids.otherEmployee, rule: `Searched rule 1, number ${n + 1}` });
    // And 9 open follow-ups for one person (App Home shows 8).
    const { db } = app.running.database;
    // And 41 roadmap items (`/roadmap` shows 40).
    await db.insert(roadmapItems).values(
      Array.from({ length: 41 }, (_, i) => ({
        title: `Crawl item ${i + 1}`,
        // The CX officer owns one: `/roadmap` shows them "Why it matters" on it.
        ownerId: i === 0 ? ids.cxOfficer : null,
        createdBy: ids.cxOfficer,
        idempotencyKey: `crawl-roadmap-${i + 1}`,
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    );
    // And 26 decided suggestions of the CX officer's own (`/killrule mine` lists 25).
    await db.insert(rules).values(
      Array.from({ length: 26 }, (_, i) => ({
        number: 9001 + i,
        title: `Crawl rule of mine ${i + 1}`,
        hurts: 'customers' as const,
        why: 'It hurts',
        submitterId: ids.cxOfficer,
        status: 'killed' as const,
        source: 'command' as const,
        idempotencyKey: `crawl-mine-${i + 1}`,
        createdAt: new Date(),
        updatedAt: new Date(),
      })),
    );
    // And one killed 31 days ago: "still dead?" asks its submitter ("Gone", then "It's back", which opens its form).
    await db.insert(rules).values(
      [1].map((n) => ({
        number: 9100 + n,
        title: `Crawl rule killed a month ago ${n}`,
        hurts: 'customers' as const,
        why: 'It hurts',
        submitterId: ids.employee,
        status: 'killed' as const,
        decidedAt: new Date(Date.now() - 31 * 86_400_000),
        source: 'command' as const,
        idempotencyKey: `crawl-killed-${n}`,
        createdAt: new Date(Date.now() - 40 * 86_400_000),
        updatedAt: new Date(),
      })),
    );
    const call = await insertCall(db, {
      loggedBy: ids.executive,
      customer: 'Crawl Ltd',
      callDate: '2026-11-02',
      kind: 'call',
      result: 'reached',
      learned: 'Many things to follow up',
      idempotencyKey: 'crawl-call-1',
      createdAt: new Date(),
    });
    await insertFollowUps(
      db,
      Array.from({ length: 9 }, (_, i) => ({
        callId: call?.id ?? 0,
        ownerId: ids.employee,
        action: `Crawl follow-up ${i + 1}`,
        createdAt: new Date(),
      })),
    );
    // One open suggestion came from that call: killing it sends its executive "Log the follow-up call".
    const [fromCall] = await db.select().from(rules).where(eq(rules.title, 'Crawl rule 1'));
    await db.insert(itemLinks).values({
      originKind: 'call',
      originId: call?.id ?? 0,
      itemKind: 'rule',
      itemId: fromCall?.id ?? 0,
      createdBy: ids.executive,
      createdAt: new Date(),
    });
    // And 16 changes to it (its History modal shows 15 a page).
    await db.insert(ruleEvents).values(
      Array.from({ length: 16 }, (_, i) => ({
        ruleId: fromCall?.id ?? 0,
        actorId: ids.cxOfficer,
        action: 'note' as const,
        fromStatus: 'new' as const,
        toStatus: 'new' as const,
        note: `Crawl note ${i + 1}`,
        createdAt: new Date(),
      })),
    );
  }, 30_000);
  afterAll(async () => {
    await app?.stop();
    await slack?.close();
  });

  /** Sends a click or a submission; returns its answer's body, if it has one. */
  async function interact(payload: object): Promise<Json | undefined> {
    const response = await app.send.interaction(payload);
    if (!response.body.startsWith('{')) return undefined;
    const answer = response.json<Json>();
    // A submission's answer can update or push a modal: rendered there, not through the Web API.
    collectRenderedIds(answer, 'an interaction’s answer', rendered);
    return answer;
  }

  /**
   * Submits each modal opened since `from` (once each), filled in, as the CX office. A field the form
   * refuses is given a number once (a duration, a target), so the form saves and shows what follows.
   */
  async function submitModals(from: number, submitted: Set<string>) {
    for (const call of app.slack.calls.slice(from)) {
      if (!['views.open', 'views.push'].includes(call.method) || !call.response.ok) continue;
      const view = call.response.view as Json;
      if (view.type !== 'modal' || !view.submit || submitted.has(String(view.id))) continue;
      submitted.add(String(view.id));
      const state = filledState((view.blocks ?? []) as unknown[]);
      const submit = () =>
        interact({
          type: 'view_submission',
          team: { id: FAKE_TEAM, domain: 'touchpoint-test' },
          api_app_id: ids.appId,
          user: { id: ids.cxOfficer, username: 'cx', name: 'cx', team_id: FAKE_TEAM },
          trigger_id: `${Date.now()}.1.crawl`,
          view: { ...view, state },
          response_urls: [],
        });
      const answer = await submit();
      const refused = isObject(answer?.errors) ? Object.keys(answer.errors) : [];
      for (const blockId of refused) {
        for (const entry of Object.values(state.values[blockId] ?? {}))
          if ('value' in entry) entry.value = '30';
      }
      if (refused.length > 0) await submit();
    }
  }

  /**
   * Clicks each element shown since `from` that was not clicked yet: a button once per action ID and
   * person, a select once per option (a status that asks for a note opens a modal). Messages are
   * clicked by the CX office.
   */
  async function clickEverything(from: number, clicked: Set<string>) {
    // Each App Home is clicked by its owner (a "me too" there re-renders it with "✓ Me too"), and
    // everyone else's before the CX office's: its controls, on its Home and on the cards, close suggestions.
    const order = (source: { homeOf?: string }) =>
      source.homeOf === undefined ? 2 : source.homeOf === ids.cxOfficer ? 1 : 0;
    const sources = app.slack.calls
      .slice(from)
      .flatMap((call) => messageOrHome(call) ?? [])
      .sort((a, b) => order(a) - order(b));
    for (const source of sources) {
      // A DM (channel D…) is clicked by the person it went to: some answer only their own (a check's question).
      const user =
        source.homeOf ?? (source.channel?.startsWith('D') ? `U${source.channel.slice(1)}` : ids.cxOfficer);
      for (const { element, blockId } of clickables(source.blocks)) {
        for (const action of clicksOn(element, blockId)) {
          const key = `${user}:${action.action_id}:${action.selected_option?.value ?? ''}`;
          if (clicked.has(key)) continue;
          clicked.add(key);
          const where = source.home
            ? { view: source.home }
            : { channel: source.channel, messageTs: source.ts };
          await interact(blockActions(action, { user, responseUrl: app.slack.responseUrl(), ...where }));
          // A Retry's sends are done before the next click (on any database, however fast the worker):
          // what Slack refuses again is a dead letter again when the health modal pages them.
          if (action.action_id.startsWith('delivery.retry')) await app.whenIdle();
        }
      }
    }
  }

  /** Something to deliver that could not be: `/touchpoint health` shows Retry and Retry all. */
  async function seedDeadLetter() {
    const db = app.running.database.db;
    const key = 'rules:aging:2026-11-27';
    const notYet = new Date(Date.now() + 365 * 86_400_000);
    await insertOutboxItems(
      db,
      [
        {
          key,
          method: 'chat.postMessage',
          channel: ids.backlogChannel,
          args: { text: 'x' },
          notBefore: notYet,
        },
      ],
      new Date(),
    );
    const dead = await findOutboxItemByKey(db, key);
    if (!dead) throw new Error('the dead letter was not queued');
    const failure = { retryAt: null, error: 'channel_not_found', countsAsAttempt: true, uncertain: false };
    await markFailed(db, dead.id, failure);
    // And more than a page of them (the health message lists 10, its modal 20 a page), to a channel that
    // is gone: a Retry sends them to a refusal, so they are dead letters again when the crawl pages them.
    for (let n = 1; n <= 24; n += 1) {
      const gone = `rules:aging:2026-10-${String(n).padStart(2, '0')}`;
      await insertOutboxItems(
        db,
        [
          {
            key: gone,
            method: 'chat.postMessage',
            channel: 'C0GONE0001',
            args: { text: 'x' },
            notBefore: notYet,
          },
        ],
        new Date(),
      );
      const row = await findOutboxItemByKey(db, gone);
      if (row) await markFailed(db, row.id, failure);
    }
  }

  it('crawls the product and finds no action or modal nobody listens to', async () => {
    await seedDeadLetter();
    const jobs = features.flatMap((feature) => feature.jobs ?? []);
    for (const job of jobs.filter((j) => j.runAtStart)) await app.running.runJob(job.name, new Date());
    const commands = commandCatalogue.flatMap((group) =>
      group.entries.flatMap((e) => typedCommands(e.usage)),
    );
    const submitted = new Set<string>();
    const clicked = new Set<string>();

    // What one pass makes (a nomination, a skipped week, a vote) shows more in the next: until nothing new.
    for (let pass = 0, seen = -1; pass < 4; pass += 1) {
      const from = app.slack.calls.length;
      for (const { command, text } of commands) {
        await app.command(command, text, { user_id: ids.cxOfficer, channel_id: ids.generalChannel });
      }
      for (const shortcut of manifest.features.shortcuts) {
        await interact(
          shortcut.type === 'global'
            ? globalShortcut(shortcut.callback_id, ids.cxOfficer)
            : messageShortcut(
                shortcut.callback_id,
                { text: 'The customer had to print the form and fax it' },
                { user: ids.cxOfficer, responseUrl: app.slack.responseUrl() },
              ),
        );
      }
      await app.whenIdle();
      await submitModals(from, submitted);
      await app.whenIdle();
      for (const job of jobs) await app.running.runJob(job.name, new Date());
      for (const user of [ids.cxOfficer, ids.executive, ids.employee]) {
        await app.send.event(
          eventCallback({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME0001' }),
        );
      }
      await app.whenIdle();
      const clicksFrom = app.slack.calls.length;
      await clickEverything(from, clicked);
      await app.whenIdle();
      await submitModals(clicksFrom, submitted);
      await app.whenIdle();
      // What the clicks showed (a modal's pages, a Home's next page) is clicked too.
      await clickEverything(clicksFrom, clicked);
      await app.whenIdle();

      for (const call of app.slack.calls.slice(from)) {
        collectRenderedIds(call.args, call.method, rendered);
        collectRenderedIds(call.response.view, `${call.method} answer`, rendered);
      }
      const now = rendered.actions.size + rendered.views.size;
      if (now === seen) break;
      seen = now;
    }

    expect(unanswered(rendered, registered)).toEqual({ actions: [], views: [] });
    // The crawl reached the whole product, not an empty App Home: every listener's control or modal showed.
    const shown = [...rendered.actions.keys(), ...rendered.views.keys()];
    expect([...registered.actions, ...registered.views].filter((id) => !shown.includes(id))).toEqual([]);
  }, 180_000);
});

/** Where a recorded call's blocks can be clicked: a message (its channel and ts), an App Home or a modal. */
function messageOrHome(
  call: RecordedCall,
): { blocks: unknown; channel?: string; ts?: string; home?: Json; homeOf?: string } | undefined {
  if (!call.response.ok && call.method !== 'response_url') return undefined;
  switch (call.method) {
    case 'chat.postMessage':
      return {
        blocks: call.args.blocks,
        channel: String(call.response.channel),
        ts: String(call.response.ts),
      };
    case 'chat.update':
      return { blocks: call.args.blocks, channel: String(call.response.channel), ts: String(call.args.ts) };
    case 'chat.postEphemeral':
    case 'response_url':
      return {
        blocks: call.args.blocks,
        channel: ids.generalChannel,
        ts: String(call.response.message_ts ?? ''),
      };
    case 'views.publish':
      return {
        blocks: (call.args.view as Json).blocks,
        home: call.response.view as Json,
        homeOf: String(call.args.user_id),
      };
    // A modal's buttons (a paged list): clicked by the CX office, in the modal (Slack sends the view).
    case 'views.open':
    case 'views.push':
    case 'views.update': {
      const view = call.response.view as Json | undefined;
      return view?.type === 'modal' ? { blocks: view.blocks, home: view } : undefined;
    }
    default:
      return undefined;
  }
}
