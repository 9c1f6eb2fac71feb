import postgres from 'postgres';
import { postSigned, sleep, until } from '../test/support/app-process.js';
import type { FakeSlack } from '../test/support/fake-slack.js';
import { eventCallback, slashCommand, triggerId } from '../test/support/payloads.js';
import { startFakeSlack } from '../test/support/test-app.js';
import {
  AppProcess,
  type Card,
  cardOf,
  confirmations,
  nominate,
  nominationSubmission,
  openNominationModal,
  type Row,
  row,
  type Scenario,
  seconds,
  timed,
  voteClick,
} from './harness.js';
import { PrivateCluster } from './private-postgres.js';

/**
 * PostgreSQL stopped for 20 s under a running Touchpoint (a private cluster: the machine's server is
 * never stopped). Meanwhile a command, a click, a modal submission, an event and /readyz are each
 * answered within Slack's 3 s, and the person is told clearly; nothing is half-done (a nomination the
 * person was told failed does not exist, a vote exists exactly when the voter was not told it failed);
 * once the server is back, Touchpoint recovers without a restart.
 */

const DOWN_MS = 20_000;
const SLACK_DEADLINE_MS = 3_000;
// What "a clear message" says, e.g. "Touchpoint can't reach its database; try again in a minute".
const CLEAR = /database|try again|taking longer|can.t reach|could not|couldn.t/i;

interface Probe {
  what: string;
  /** The start of the HTTP answer's body. */
  answer?: string;
  status: number;
  ms: number;
  /** When the person was told (ms after the request), or undefined. */
  toldMs: number | undefined;
  ok: boolean;
  /** The submission's or vote's own check after recovery. */
  told: boolean;
}

/** How soon after `sent` (up to 10 s): a message that says so, in the HTTP answer, the response URL or an ephemeral. */
async function toldWithin(
  slack: FakeSlack,
  sent: number,
  body: string,
  where: { user: string; responseUrlId?: string; trigger?: string },
  alsoFine: (slack: FakeSlack) => boolean = () => false,
): Promise<number | undefined> {
  const seen = () =>
    CLEAR.test(body) ||
    alsoFine(slack) ||
    slack.calls.some(
      (call) =>
        ((call.method === 'response_url' && call.responseUrlId === where.responseUrlId) ||
          (call.method === 'chat.postEphemeral' && call.args.user === where.user) ||
          (call.method === 'chat.postMessage' && call.args.channel === where.user)) &&
        CLEAR.test(JSON.stringify(call.args)),
    );
  // Watched for longer than 3 s, so that a late answer is told apart from none (it still fails).
  const deadline = sent + 10_000;
  while (Date.now() <= deadline) {
    if (seen()) return Date.now() - sent;
    await sleep(50);
  }
  return seen() ? Date.now() - sent : undefined;
}

type SubmissionAnswer = 'refused' | 'uncertain' | 'saved' | 'unclear';

/**
 * What a nomination's answer told the person: refused (not saved, the typed text kept), uncertain
 * ("taking longer": it may go in; the confirmation DM will say), saved (the thanks view), or unclear.
 */
function submissionAnswer(body: string, title: string): SubmissionAnswer {
  if (/"response_action":"errors"/.test(body))
    return /taking longer/i.test(body) ? 'uncertain' : CLEAR.test(body) ? 'refused' : 'unclear';
  if (/"response_action":"update"/.test(body)) {
    if (/"callback_id":"rules\.nominate"/.test(body))
      return CLEAR.test(body) && body.includes(title) ? 'refused' : 'unclear';
    return /Thank/i.test(body) ? 'saved' : 'unclear';
  }
  return 'unclear';
}

export const postgresDown: Scenario = {
  name: 'PostgreSQL stopped for 20 s',
  async run(context) {
    const name = 'PostgreSQL stopped 20 s';
    const cluster = await PrivateCluster.create();
    context.onExit(() => cluster.destroy());
    await cluster.start();
    const slack = await startFakeSlack();
    const app = await new AppProcess(slack, { DATABASE_URL: cluster.url }, context.how).start();
    const rows: Row[] = [];
    const probes: Probe[] = [];
    const submissions: { title: string; nominator: string; answer: SubmissionAnswer; probe: string }[] = [];
    const votes: { user: string; told: boolean }[] = [];
    try {
      // The nomination to vote on, found in the database: the card's own delivery is not under test here.
      const target = 'Fault suite: voted on while the database is down';
      const targetView = await openNominationModal(app, 'U0DOWNSUB1');
      await app.interaction(nominationSubmission(targetView, 'U0DOWNSUB1', target));
      const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
      let found: { id: number; number: number } | undefined;
      await until(
        async () => {
          [found] = await admin<
            { id: number; number: number }[]
          >`select id, number from rules where title = ${target}`;
          return found !== undefined;
        },
        20_000,
        'the nomination to vote on',
      ).finally(() => admin.end());
      const card: Card = {
        ruleId: found?.id ?? 0,
        number: found?.number ?? 0,
        cardTs: cardOf(slack, target)?.cardTs ?? '1700000001.000001',
      };
      const views = [
        await openNominationModal(app, 'U0DOWNNOM1'),
        await openNominationModal(app, 'U0DOWNNOM2'),
      ];

      /** One round of requests while the database is down. */
      const round = async (k: number) => {
        const probe = async (
          what: string,
          user: string,
          send: (signal: AbortSignal, responseUrlId: string, trigger: string) => Promise<Response>,
          judge: (answer: { status: number; body: string }) => boolean,
          alsoFine?: (trigger: string) => (slack: FakeSlack) => boolean,
        ) => {
          const responseUrlId = `T0TEAM0001/down/${what}/${k}`;
          const trigger = triggerId();
          const sent = Date.now();
          const answer = await timed((signal) => send(signal, responseUrlId, trigger), 10_000);
          const toldMs = await toldWithin(
            slack,
            sent,
            answer.body,
            { user, responseUrlId, trigger },
            alsoFine?.(trigger),
          );
          const ok =
            answer.ms <= SLACK_DEADLINE_MS &&
            judge(answer) &&
            toldMs !== undefined &&
            toldMs <= SLACK_DEADLINE_MS;
          const result = {
            what: `${what} #${k}`,
            answer: answer.body.slice(0, 100),
            status: answer.status,
            ms: answer.ms,
            toldMs,
            ok,
            told: toldMs !== undefined,
          };
          probes.push(result);
          return { ...result, body: answer.body };
        };
        const form = (fields: Record<string, string>, signal: AbortSignal) =>
          postSigned(app.url, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', {
            signal,
          });
        const commandOf =
          (text: string, user: string) => (signal: AbortSignal, id: string, trigger: string) =>
            form(
              slashCommand('/killrule', text, {
                user_id: user,
                response_url: slack.responseUrl(id),
                trigger_id: trigger,
              }),
              signal,
            );
        const nominator = `U0DOWNNOM${k}`;
        const voter = `U0DOWNVOT${k}`;
        const title = `Fault suite: submitted while the database is down #${k}`;
        const view = views[k - 1] as (typeof views)[number];
        const [, , voted, submitted] = await Promise.all([
          // The modal may still open without the database (it needs none), or the person is told.
          probe(
            '/killrule',
            `U0DOWNCMD${k}`,
            commandOf('', `U0DOWNCMD${k}`),
            (a) => a.status === 200,
            (trigger) => (s) =>
              s.calls.some((c) => c.method === 'views.open' && c.args.trigger_id === trigger),
          ),
          probe(
            '/killrule mine',
            `U0DOWNMIN${k}`,
            commandOf('mine', `U0DOWNMIN${k}`),
            (a) => a.status === 200,
          ),
          probe(
            '"me too"',
            voter,
            (signal, id) => {
              const click = voteClick(app, card, voter) as ReturnType<typeof voteClick> & {
                response_url: string;
              };
              click.response_url = slack.responseUrl(id);
              return form({ payload: JSON.stringify(click) }, signal);
            },
            (a) => a.status === 200,
          ),
          probe(
            'nomination submitted',
            nominator,
            (signal) =>
              form({ payload: JSON.stringify(nominationSubmission(view, nominator, title)) }, signal),
            // The modal stays open with a line saying so and the text kept (errors, or the same modal again).
            (a) => a.status === 200 && submissionAnswer(a.body, title) !== 'unclear',
          ),
          probe(
            'App Home opened',
            `U0DOWNHOM${k}`,
            (signal) =>
              postSigned(
                app.url,
                JSON.stringify(
                  eventCallback({ type: 'app_home_opened', user: `U0DOWNHOM${k}`, tab: 'home' }),
                ),
                'application/json',
                { signal },
              ),
            (a) => a.status === 200,
            // An event has no one waiting on its answer: the ack in time is the answer.
            () => () => true,
          ),
          (async () => {
            const answer = await timed((signal) => fetch(`${app.url}/readyz`, { signal }), 10_000);
            probes.push({
              what: `/readyz #${k}`,
              status: answer.status,
              ms: answer.ms,
              toldMs: 0,
              ok: answer.status === 503 && answer.ms <= SLACK_DEADLINE_MS,
              told: true,
            });
          })(),
        ]);
        votes.push({ user: voter, told: voted.told });
        // Told it was not saved (the modal's answer says so, whatever its form).
        submissions.push({
          title,
          nominator,
          answer: submissionAnswer(submitted.body, title),
          probe: submitted.what,
        });
      };

      const stopped = Date.now();
      await cluster.stop('fast');
      context.log('  PostgreSQL stopped');
      await sleep(1_000);
      await round(1);
      await sleep(Math.max(0, stopped + 12_000 - Date.now()));
      await round(2);
      await sleep(Math.max(0, stopped + DOWN_MS - Date.now()));
      await cluster.start();
      const restarted = Date.now();
      context.log('  PostgreSQL started again');

      const ready = await until(
        async () =>
          (await fetch(`${app.url}/readyz`).then(
            (r) => r.status,
            () => 0,
          )) === 200,
        30_000,
        '/readyz 200',
      ).then(
        () => Date.now() - restarted,
        () => undefined,
      );
      // A person who was told to try again does so: up to three attempts in the next 30 s or so.
      let after: number | string = 'not tried';
      for (let attempt = 1; attempt <= 3 && typeof after !== 'number'; attempt += 1) {
        after = await nominate(app, 'U0DOWNAFT1', 'Fault suite: nominated after the outage', 20_000).then(
          () => Date.now() - restarted,
          (error: Error) => `attempt ${attempt}: ${error.message.slice(0, 120)}`,
        );
      }
      // Let what Touchpoint may have kept for later (a vote, a card) happen before judging.
      await slack.settle(2_000);

      const sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
      const halfDone: string[] = [];
      try {
        for (const submission of submissions) {
          const [found] = await sql<
            { n: number }[]
          >`select count(*)::int as n from rules where title = ${submission.title}`;
          const saved = (found?.n ?? 0) > 0;
          const what = `${submission.probe} (answered: ${submission.answer})`;
          // Told "not saved" and saved anyway; told "saved" and not; saved without its card or its
          // confirmation (after "taking longer", the confirmation DM is what tells the person it went in;
          // after the thanks view none is needed: one more only if the database left before it was taken back).
          if (submission.answer === 'refused' && saved) halfDone.push(`${what}: saved anyway`);
          if ((submission.answer === 'saved' || submission.answer === 'unclear') && !saved)
            halfDone.push(`${what}: not saved`);
          if (saved && !cardOf(slack, submission.title)) halfDone.push(`${what}: saved, no card`);
          const confirmed = confirmations(slack, submission.nominator).length;
          if (saved && (submission.answer === 'saved' ? confirmed > 1 : confirmed !== 1))
            halfDone.push(
              `${what}: saved, ${confirmations(slack, submission.nominator).length} confirmations`,
            );
        }
        for (const vote of votes) {
          const [found] = await sql<
            { n: number }[]
          >`select count(*)::int as n from rule_votes where user_id = ${vote.user}`;
          const counted = (found?.n ?? 0) > 0;
          if (vote.told && counted) halfDone.push('a vote the voter was told failed was counted');
          if (!vote.told && !counted) halfDone.push('a vote was lost without a word');
        }
      } finally {
        await sql.end();
      }

      const answered = probes.filter((probe) => probe.ok).length;
      const slowest = Math.max(...probes.map((probe) => probe.ms));
      const failures = probes
        .filter((probe) => !probe.ok)
        .map(
          (probe) =>
            `${probe.what}: ${probe.status} in ${probe.ms.toFixed(0)} ms, ${probe.toldMs === undefined ? 'not told' : `told in ${probe.toldMs} ms`}${probe.answer ? ` (answer: ${probe.answer})` : ''}`,
        );
      rows.push(
        row(
          name,
          'requests answered < 3 s with a clear message',
          `${answered}/${probes.length} (slowest ${slowest.toFixed(0)} ms)${failures.length ? `; ${failures.join('; ')}` : ''}`,
          `${probes.length}/${probes.length}`,
          answered === probes.length,
        ),
        row(
          name,
          'nothing half-done',
          halfDone.length === 0 ? 'none' : [...new Set(halfDone)].join('; '),
          'none',
          halfDone.length === 0,
        ),
        row(
          name,
          'server back → /readyz 200 (no restart)',
          ready === undefined ? 'not within 30 s' : seconds(ready),
          '≤ 30 s',
          ready !== undefined,
        ),
        row(
          name,
          'a nomination after recovery',
          typeof after === 'number' ? `card ${seconds(after)} after the server was back` : `failed: ${after}`,
          'works',
          typeof after === 'number',
        ),
        row(name, 'process alive throughout', app.alive ? 'yes' : 'no', 'yes', app.alive),
      );
    } finally {
      await app.stop();
      await slack.close();
    }
    return rows;
  },
};
