import type { Logger } from '@slack/logger';
import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rulesIds } from '../../../src/features/rules/rules.ids.js';
import { ruleEvents, rules, ruleVotes } from '../../../src/features/rules/rules.schema.js';
import { actionsBlockId } from '../../../src/features/rules/rules.views.js';
import { countOutboxByStatus, rowsOf } from '../../../src/outbox/outbox.queries.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { blockActions, ids, type StateInput, viewSubmission } from '../../support/payloads.js';
import type { TestApp } from '../../support/test-app.js';

export interface NominationInput {
  user?: string;
  rule?: string | null;
  hurts?: string | null;
  why?: string | null;
  stage?: string | null;
  category?: string | null;
  replacement?: string | null;
  anonymous?: boolean;
}

export function nominationState(input: NominationInput): Record<string, StateInput> {
  return {
    [rulesIds.rule]: {
      type: 'plain_text_input',
      value: input.rule === undefined ? 'Refunds need a manager signature' : input.rule,
    },
    [rulesIds.hurts]: { type: 'radio_buttons', value: input.hurts === undefined ? 'customers' : input.hurts },
    [rulesIds.why]: {
      type: 'plain_text_input',
      value: input.why === undefined ? 'Customers wait three days for €20.' : input.why,
    },
    [rulesIds.stage]: { type: 'static_select', value: input.stage ?? null },
    [rulesIds.category]: { type: 'static_select', value: input.category ?? null },
    [rulesIds.replacement]: { type: 'plain_text_input', value: input.replacement ?? null },
    [rulesIds.anonymous]: { type: 'checkboxes', values: input.anonymous ? ['anonymous'] : [] },
  };
}

type OpenedView = {
  id: string;
  callback_id?: string;
  private_metadata?: string;
  blocks: { block_id?: string; element?: { initial_value?: string } }[];
};

/** Opens the nomination modal with `/killrule` and returns the view the fake Slack received. */
export async function openModalWithCommand(app: TestApp, user: string, text = ''): Promise<OpenedView> {
  const before = app.slack.callsTo('views.open').length;
  await app.command('/killrule', text, { user_id: user });
  await app.slack.waitFor('views.open', () => app.slack.callsTo('views.open').length > before);
  const call = app.slack.callsTo('views.open')[before] as RecordedCall;
  expect(call.response.ok, JSON.stringify(call.response)).toBe(true);
  return call.response.view as OpenedView;
}

/** The whole employee path: `/killrule`, fill the modal, submit. Returns the submission's HTTP answer. */
export async function nominate(app: TestApp, input: NominationInput = {}) {
  const user = input.user ?? ids.employee;
  const view = await openModalWithCommand(app, user);
  const response = await app.send.interaction(viewSubmission(view, nominationState(input), user));
  return { view, response };
}

/** Nominates and waits for the card; returns the rule row and its card's ts. */
export async function nominateAndWaitForCard(app: TestApp, input: NominationInput = {}) {
  const { view, response } = await nominate(app, input);
  expect(response.status).toBe(200);
  const db = app.running.database.db;
  const [rule] = await db
    .select()
    .from(rules)
    .where(eq(rules.idempotencyKey, `view:${view.id}`));
  expect(rule).toBeDefined();
  const card = await app.slack.waitFor(
    'chat.postMessage',
    (c) => c.args.channel === ids.backlogChannel && String(c.args.text).startsWith(`RULE-${rule?.number} `),
  );
  // The card is recorded on the row once Slack answered.
  for (let i = 0; i < 50; i += 1) {
    const [row] = await db
      .select()
      .from(rules)
      .where(eq(rules.id, rule?.id ?? 0));
    if (row?.cardTs) return { rule: row, cardTs: row.cardTs, card, view };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('card ts never stored');
}

/**
 * Resolves when the app is idle and the outbox holds nothing waiting, not even a card update held back
 * to once a second (`whenIdle` sends only what is due now): after it, nothing more will be sent. Only
 * for apps on the real clock (a frozen clock never makes a held-back update due).
 */
export async function untilNothingWaits(app: TestApp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await app.whenIdle();
    const counts = await countOutboxByStatus(app.running.database.db);
    if (counts.pending === 0 && counts.sending === 0) return;
    if (Date.now() > deadline) throw new Error(`the outbox still holds ${JSON.stringify(counts)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function findRule(app: TestApp, id: number) {
  const [row] = await app.running.database.db.select().from(rules).where(eq(rules.id, id));
  return row;
}

export async function eventsOf(app: TestApp, ruleId: number) {
  return app.running.database.db.select().from(ruleEvents).where(eq(ruleEvents.ruleId, ruleId));
}

export async function votersOf(app: TestApp, ruleId: number) {
  const rows = await app.running.database.db.select().from(ruleVotes).where(eq(ruleVotes.ruleId, ruleId));
  return rows.map((row) => row.userId).sort();
}

/** A click on the card's controls, as Slack sends it. */
export function cardClick(
  app: TestApp,
  ruleId: number,
  cardTs: string,
  action: { action_id: string; value?: string; selected_option?: { value: string }; selected_user?: string },
  user: string,
  actionTs = `${Date.now() / 1000}`,
) {
  return blockActions(
    { block_id: actionsBlockId(ruleId), action_ts: actionTs, ...action },
    { user, channel: ids.backlogChannel, messageTs: cardTs, responseUrl: app.slack.responseUrl() },
  );
}

export function dmsTo(app: TestApp, user: string): RecordedCall[] {
  return app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === user);
}

export function textOf(call: RecordedCall | undefined): string {
  return JSON.stringify(call?.args ?? {});
}

/** The CX office picks a status that needs a note: the click opens the decision modal, which is submitted. */
export async function decideWithNote(
  app: TestApp,
  target: { ruleId: number; cardTs: string },
  status: 'killed' | 'kept' | 'not_a_rule' | 'required_by_law',
  note: string,
  actor: string = ids.cxOfficer,
) {
  const modal = await openCardModal(
    app,
    target,
    { action_id: rulesIds.setStatus, selected_option: { value: `${target.ruleId}:${status}` } },
    rulesIds.decisionModal,
    actor,
  );
  const submit = (value: string) =>
    app.send.interaction(
      viewSubmission(modal, { [rulesIds.note]: { type: 'plain_text_input', value } }, actor),
    );
  return { modal, submit, response: note === '' ? undefined : await submit(note) };
}

/** Clicks a card control that opens a modal and returns the modal Slack was asked to open. */
async function openCardModal(
  app: TestApp,
  target: { ruleId: number; cardTs: string },
  action: Parameters<typeof cardClick>[3],
  callbackId: string,
  actor: string,
) {
  const before = app.slack.callsTo('views.open').length;
  await app.send.interaction(cardClick(app, target.ruleId, target.cardTs, action, actor));
  const opened = await app.slack.waitFor(
    'views.open',
    (c) =>
      app.slack.callsTo('views.open').indexOf(c) >= before &&
      (c.args.view as { callback_id: string }).callback_id === callbackId,
  );
  return opened.response.view as { id: string; callback_id: string; private_metadata: string };
}

/** A card control that opens a modal: click it, wait for the modal, submit it with `inputs`. */
async function submitCardModal(
  app: TestApp,
  target: { ruleId: number; cardTs: string },
  control: { actionId: string; callbackId: string },
  inputs: Record<string, StateInput>,
  actor: string,
) {
  const modal = await openCardModal(
    app,
    target,
    { action_id: control.actionId, value: String(target.ruleId) },
    control.callbackId,
    actor,
  );
  const payload = viewSubmission(modal, inputs, actor);
  return { modal, payload, response: await app.send.interaction(payload) };
}

/** The CX office adds a note from the card: the click opens the note modal, which is submitted. */
export function addNoteFromCard(
  app: TestApp,
  target: { ruleId: number; cardTs: string },
  note: string,
  actor: string = ids.cxOfficer,
) {
  return submitCardModal(
    app,
    target,
    { actionId: rulesIds.addNote, callbackId: rulesIds.noteModal },
    { [rulesIds.note]: { type: 'plain_text_input', value: note } },
    actor,
  );
}

/** The CX office marks a nomination as a duplicate of RULE-n through the card's modal. */
export function markDuplicateFromCard(
  app: TestApp,
  target: { ruleId: number; cardTs: string },
  originalNumber: number,
  actor: string = ids.cxOfficer,
) {
  return submitCardModal(
    app,
    target,
    { actionId: rulesIds.markDuplicate, callbackId: rulesIds.duplicateModal },
    { [rulesIds.duplicateOf]: { type: 'plain_text_input', value: `RULE-${originalNumber}` } },
    actor,
  );
}

/** Every `RULE-n` reference in a text, in order. */
export function refsIn(text: string): number[] {
  return [...text.matchAll(/RULE-(\d+)/g)].map((match) => Number(match[1]));
}

/** A small RFC 4180 reader for the exports (quotes, doubled quotes, CRLF, a leading BOM). */
export function parseCsv(csv: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const text = csv.replace(/^\uFEFF/, '');
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** A logger that keeps every info, warn and error line (debug is Bolt's and the Web API's tracing). */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (...parts: unknown[]) => {
    const show = (part: unknown) =>
      part instanceof Error
        ? `${part.message} ${String((part as { cause?: unknown }).cause ?? '')}`
        : typeof part === 'object'
          ? JSON.stringify(part)
          : String(part);
    lines.push(parts.map(show).join(' '));
  };
  return {
    lines,
    debug: () => {},
    info: keep,
    warn: keep,
    error: keep,
    setLevel: () => {},
    getLevel: () => 'info' as ReturnType<Logger['getLevel']>,
    setName: () => {},
  };
}

/** The tables (public schema) with a row whose text holds `needle`, by name: where an ID is stored. */
export async function tablesNaming(app: TestApp, needle: string): Promise<string[]> {
  const { db } = app.running.database;
  const tables = rowsOf(
    await db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
    ),
  ) as { table_name: string }[];
  const naming: string[] = [];
  for (const { table_name: table } of tables) {
    const found = rowsOf(
      await db.execute(
        sql`select 1 from ${sql.identifier(table)} t where t::text like ${`%${needle}%`} limit 1`,
      ),
    );
    if (found.length > 0) naming.push(table);
  }
  return naming;
}

/**
 * The CX office accepts from the card: "Accepted (will kill)…" opens the decision modal with its kill-by
 * date (today plus the setting), which is submitted with `killBy` (or the date offered) and a note.
 */
export async function acceptFromCard(
  app: TestApp,
  target: { ruleId: number; cardTs: string },
  options: { killBy?: string | null; note?: string; actor?: string; ownerId?: string } = {},
) {
  const actor = options.actor ?? ids.cxOfficer;
  const modal = await openCardModal(
    app,
    target,
    { action_id: rulesIds.setStatus, selected_option: { value: `${target.ruleId}:accepted` } },
    rulesIds.decisionModal,
    actor,
  );
  const offered = (
    modal as unknown as { blocks: { block_id?: string; element?: { initial_date?: string } }[] }
  ).blocks.find((b) => b.block_id === rulesIds.killBy)?.element?.initial_date;
  const killBy = options.killBy === undefined ? (offered ?? null) : options.killBy;
  const payload = viewSubmission(
    modal,
    {
      [rulesIds.killBy]: { type: 'datepicker', date: killBy },
      [rulesIds.note]: { type: 'plain_text_input', value: options.note ?? null },
      ...(options.ownerId
        ? { [rulesIds.decisionOwner]: { type: 'users_select' as const, user: options.ownerId } }
        : {}),
    },
    actor,
  );
  return { modal, offered, payload, response: await app.send.interaction(payload) };
}
