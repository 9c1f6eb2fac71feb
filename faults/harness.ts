import { rulesIds } from '../src/features/rules/rules.ids.js';
import type { RuleStatus } from '../src/features/rules/rules.schema.js';
import {
  actionsBlockId,
  OUTCOME_TAGS,
  type Outcome,
  STATUS_LABELS,
} from '../src/features/rules/rules.views.js';
import { nominationState } from '../test/features/rules/rules.helpers.js';
import { FORM, postSigned, sleep, spawnTouchpoint, until } from '../test/support/app-process.js';
import type { FakeSlack, RecordedCall, StoredMessage } from '../test/support/fake-slack.js';
import { blockActions, ids, slashCommand, triggerId, viewSubmission } from '../test/support/payloads.js';
import type { ChildApp } from '../test/support/test-app.js';

/**
 * What every fault scenario shares: a Touchpoint process it can kill and restart, the flows it drives
 * through signed HTTP as Slack would (nominate through the modal, "me too", the CX office's decision),
 * and counting what reached the fake Slack per recipient.
 */

/** One line of the suite's table. `ok` undefined: reported, not judged. */
export interface Row {
  scenario: string;
  figure: string;
  value: string;
  target: string;
  ok: boolean | undefined;
}

export interface Scenario {
  name: string;
  run(context: SuiteContext): Promise<Row[]>;
}

export interface SuiteContext {
  /** A PostgreSQL server to create databases on (the machine's shared one: never stopped). */
  adminUrl: string | undefined;
  /** How the app runs: compiled (`node dist/main.js`) or from the sources through tsx. */
  how: 'dist' | 'tsx';
  /** Registers clean-up that must run even on SIGINT or a failure (private clusters, temp dirs). */
  onExit(cleanup: () => Promise<void> | void): void;
  log(line: string): void;
}

export const row = (
  scenario: string,
  figure: string,
  value: string | number,
  target: string,
  ok: boolean | undefined,
): Row => ({ scenario, figure, value: String(value), target, ok });

/** A Touchpoint process that can be killed and started again on the same database. */
export class AppProcess {
  child: ChildApp | undefined;
  url = '';
  /** Everything every incarnation wrote, for the log checks. */
  private pastOutput = '';

  constructor(
    readonly slack: FakeSlack,
    readonly env: Record<string, string>,
    readonly how: 'dist' | 'tsx',
  ) {}

  async start(): Promise<this> {
    // Voters hear of a decision in their daily summary: here the job ticks every second (the database
    // still sends each voter one a day), so a decision's fan-out starts within a second, as it did at once.
    this.child = spawnTouchpoint(
      this.slack,
      { TOUCHPOINT_VOTER_SUMMARY_SCHEDULE: '* * * * * *', ...this.env },
      this.how,
    );
    const port = await this.child.waitUntilHealthy(60_000);
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  get pid(): number | undefined {
    return this.child?.child.pid;
  }

  get alive(): boolean {
    return this.child?.running ?? false;
  }

  /** stdout and stderr of every incarnation so far. */
  get output(): string {
    return this.pastOutput + (this.child ? this.child.stdout + this.child.stderr : '');
  }

  async kill9(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await child.exited;
    this.pastOutput += child.stdout + child.stderr;
    this.child = undefined;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.running) {
      child.kill('SIGTERM');
      const exited = await Promise.race([child.exited.then(() => true), sleep(15_000).then(() => false)]);
      if (!exited) child.kill('SIGKILL');
      await child.exited;
    }
    this.pastOutput += child.stdout + child.stderr;
    this.child = undefined;
  }

  post(
    body: string,
    contentType = FORM,
    options: { timestamp?: number; secret?: string; signal?: AbortSignal } = {},
  ) {
    return postSigned(this.url, body, contentType, options);
  }

  command(command: string, text: string, overrides: Record<string, string> = {}) {
    return this.post(
      new URLSearchParams(
        slashCommand(command, text, { response_url: this.slack.responseUrl(), ...overrides }),
      ).toString(),
    );
  }

  interaction(payload: object) {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }
}

/** A request timed against Slack's 3 seconds: status, body and milliseconds, never throwing. */
export async function timed(
  request: (signal: AbortSignal) => Promise<Response>,
  abortAfterMs = 10_000,
): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  const signal = AbortSignal.timeout(abortAfterMs);
  try {
    const response = await request(signal);
    const body = await response.text();
    return { status: response.status, body, ms: performance.now() - started };
  } catch (error) {
    const aborted = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
    return { status: aborted ? -1 : 0, body: String(error), ms: performance.now() - started };
  }
}

export interface Card {
  ruleId: number;
  number: number;
  cardTs: string;
}

const viewOf = (call: RecordedCall) =>
  call.response.view as { id: string; callback_id: string; private_metadata: string; blocks: unknown[] };

/** `/killrule` as `user`: returns the nomination modal Slack was asked to open. */
export async function openNominationModal(app: AppProcess, user: string, timeoutMs = 10_000) {
  const trigger = triggerId();
  await app.command('/killrule', '', { user_id: user, trigger_id: trigger });
  const opened = await app.slack.waitFor(
    'views.open',
    (call) => call.args.trigger_id === trigger && call.response.ok === true,
    timeoutMs,
  );
  return viewOf(opened);
}

export function nominationSubmission(view: ReturnType<typeof viewOf>, user: string, title: string) {
  return viewSubmission(view, nominationState({ rule: title, user }), user);
}

/** The backlog card of the nomination titled `title`, once it is posted. */
export function cardOf(slack: FakeSlack, title: string): Card | undefined {
  const card = slack
    .postedTo(ids.backlogChannel)
    .find((message) => !message.thread_ts && JSON.stringify(message.blocks ?? '').includes(title));
  if (!card) return undefined;
  const ruleId = Number(/rules\.card\.actions\.(\d+)/.exec(JSON.stringify(card.blocks))?.[1]);
  const number = Number(/RULE-(\d+)/.exec(String(card.text))?.[1]);
  return { ruleId, number, cardTs: card.ts };
}

/** The cards posted for `title` (more than one is a duplicate). */
export const cardsOf = (slack: FakeSlack, title: string) =>
  slack
    .postedTo(ids.backlogChannel)
    .filter((message) => !message.thread_ts && JSON.stringify(message.blocks ?? '').includes(title));

/** The whole employee path: `/killrule`, the modal, submit; waits for the card. */
export async function nominate(app: AppProcess, user: string, title: string, timeoutMs = 20_000) {
  const view = await openNominationModal(app, user);
  const response = await app.interaction(nominationSubmission(view, user, title));
  if (response.status !== 200) throw new Error(`the nomination was answered ${response.status}`);
  await until(() => cardOf(app.slack, title) !== undefined, timeoutMs, `the card of "${title}"`);
  return cardOf(app.slack, title) as Card;
}

/** A "me too" click on the card. */
export const voteClick = (app: AppProcess, card: Card, user: string) =>
  blockActions(
    { action_id: rulesIds.vote, block_id: actionsBlockId(card.ruleId), value: String(card.ruleId) },
    { user, channel: ids.backlogChannel, messageTs: card.cardTs, responseUrl: app.slack.responseUrl() },
  );

/** The vote count the card shows now (its last update), or 0. */
export function shownVotes(slack: FakeSlack, card: Card): number {
  const update = slack
    .callsTo('chat.update')
    .filter((call) => call.args.ts === card.cardTs && call.response.ok === true)
    .at(-1);
  return Number(/Me too \((\d+)\)/.exec(JSON.stringify(update?.args ?? {}))?.[1] ?? 0);
}

/** `users` click "me too" (a few at a time, as people do), then waits until the card counts them all. */
export async function voteAll(apps: AppProcess[], card: Card, users: string[], timeoutMs = 60_000) {
  const slack = apps[0]?.slack as FakeSlack;
  for (let i = 0; i < users.length; i += 20) {
    await Promise.all(
      users.slice(i, i + 20).map((user, j) => {
        const app = apps[(i + j) % apps.length] as AppProcess;
        return app.interaction(voteClick(app, card, user));
      }),
    );
  }
  await until(
    () => shownVotes(slack, card) >= users.length,
    timeoutMs,
    `the card showing ${users.length} votes`,
  );
}

/** The CX office picks `status` on the card: the decision modal opens (Slack is asked to). */
export async function openDecisionModal(
  app: AppProcess,
  card: Card,
  status: 'killed' | 'kept',
  actor: string = ids.cxOfficer,
) {
  const click = blockActions(
    {
      action_id: rulesIds.setStatus,
      block_id: actionsBlockId(card.ruleId),
      selected_option: { value: `${card.ruleId}:${status}` },
    },
    {
      user: actor,
      channel: ids.backlogChannel,
      messageTs: card.cardTs,
      responseUrl: app.slack.responseUrl(),
    },
  );
  await app.interaction(click);
  const opened = await app.slack.waitFor(
    'views.open',
    (call) => call.args.trigger_id === click.trigger_id && call.response.ok === true,
    10_000,
  );
  const view = viewOf(opened);
  return {
    submit: (note: string) =>
      app.interaction(
        viewSubmission(view, { [rulesIds.note]: { type: 'plain_text_input', value: note } }, actor),
      ),
  };
}

/**
 * Whether a message tells RULE-<number>'s `outcome`: the submitter's outcome DM, whose small print reads
 * "RULE-n · gone" (rules.views.ts), or a voter's daily summary with the line "*RULE-n* “…”: New → *Killed*".
 */
export function isOutcomeDm(message: { blocks?: unknown }, number: number, outcome: Outcome = 'killed') {
  const blocks = JSON.stringify(message.blocks ?? []);
  if (blocks.includes(`"RULE-${number} · ${OUTCOME_TAGS[outcome]}"`)) return true;
  if (!(outcome in STATUS_LABELS) || !blocks.includes('rules.voters.headline')) return false;
  // The summary's line of this rule, up to the next line break (JSON keeps it as the two characters \n).
  const start = blocks.indexOf(`*RULE-${number}*`);
  if (start < 0) return false;
  const end = blocks.indexOf('\\n', start);
  const line = blocks.slice(start, end < 0 ? undefined : end);
  return line.includes(`→ *${STATUS_LABELS[outcome as RuleStatus]}*`);
}

/** How many outcome DMs (by default "killed": "RULE-n · gone") each recipient got. */
export function outcomeDms(
  slack: FakeSlack,
  recipients: string[],
  number: number,
  outcome: Outcome = 'killed',
) {
  const counts = new Map<string, number>();
  for (const user of recipients)
    counts.set(user, slack.postedTo(user).filter((message) => isOutcomeDm(message, number, outcome)).length);
  return counts;
}

/** Lost (never got one), duplicated (got more than one: the extra copies) and reached. */
export function tally(counts: Map<string, number>) {
  let lost = 0;
  let duplicates = 0;
  for (const count of counts.values()) {
    if (count === 0) lost += 1;
    if (count > 1) duplicates += count - 1;
  }
  return { lost, duplicates, reached: counts.size - lost };
}

/** The decision's line in the card's thread. */
export const threadLines = (slack: FakeSlack, card: Card) =>
  slack.postedTo(ids.backlogChannel).filter((message: StoredMessage) => message.thread_ts === card.cardTs);

/** The submitter's confirmation DMs for nomination number `number` (or any number). */
export const confirmations = (slack: FakeSlack, user: string, number?: number) =>
  slack
    .postedTo(user)
    .filter((message) =>
      String(message.text).startsWith(
        `Thanks! Your suggestion RULE-${number === undefined ? '' : `${number} `}`,
      ),
    );

/** Distinct Slack-looking user IDs: `U0` + a tag + a number. */
export const userIds = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `U0${tag}${String(i + 1).padStart(4, '0')}`);

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
