import { writeFileSync } from 'node:fs';
import {
  AppProcess,
  isOutcomeDm,
  nominate,
  openDecisionModal,
  outcomeDms,
  tally,
  userIds,
  voteAll,
} from '../faults/harness.js';
import type { Outcome } from '../src/features/rules/rules.views.js';
import { processDatabase, sleep, until } from '../test/support/app-process.js';
import { slashCommand } from '../test/support/payloads.js';
import { startFakeSlack } from '../test/support/test-app.js';
import type { BenchRow } from './row.js';

/**
 * 8. A decision fanned out to many voters through the outbox (the submitter's DM at once, the voters'
 * daily summaries queued by their job's next tick), against a fake Slack answering in 50 ms. First one
 * suggestion killed with Slack not pacing: the outbox's own throughput (items/s). Then another "killed" with
 * chat.postMessage paced like Slack (a token bucket; beyond it 429 with Retry-After 1): time to the last
 * DM against the bound the pacing allows, lost and duplicates, and `/killrule` → `views.open` while that
 * fan-out drains under 429s (people waiting must not queue behind it).
 */

export type FanoutRow = BenchRow;

const LATENCY_MS = 50;
// Slack publishes no number for chat.postMessage across many DMs ("special" tier: about 1 a second per
// channel, a workspace ceiling beyond). 20/s with a burst of 5 is the ceiling assumed here: the worker
// starts at 20/s and climbs until Slack's first 429, so it has to find the ceiling through 429s.
const SLACK_POSTS_PER_SECOND = 20;
const SLACK_BURST = 5;
const MODAL_EVERY_MS = 250;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

export async function benchFanout(
  kind: 'pglite' | 'postgres',
  adminUrl: string | undefined,
  voterCount: number,
): Promise<FanoutRow[]> {
  const slack = await startFakeSlack();
  const database = await processDatabase(kind, adminUrl, 'touchpoint_bench');
  const submitter = 'U0FANSUB01';
  // Two suggestions, each backed by its own voters: a voter hears of status changes in one summary a day,
  // so each fan-out needs people who have not had theirs today.
  const firstVoters = userIds('FANU', voterCount);
  const voters = userIds('FANV', voterCount);
  const firstRecipients = [submitter, ...firstVoters];
  const recipients = [submitter, ...voters];
  for (const id of [...firstRecipients, ...voters]) slack.addUser({ id });
  const app = await new AppProcess(slack, database.env, 'dist').start();
  const rows: FanoutRow[] = [];
  const path = `decision → ${voterCount.toLocaleString('en-US')} voters (+ submitter)`;
  try {
    const first = await nominate(app, submitter, 'Benchmark: a rule many people hate');
    await voteAll([app], first, firstVoters, 300_000);
    const card = await nominate(app, submitter, 'Benchmark: another rule many people hate');
    await voteAll([app], card, voters, 300_000);
    slack.latencyMs = LATENCY_MS;

    // Throughput: Slack does not pace; the outbox goes as fast as its own pace and concurrency allow.
    const firstDecision = await openDecisionModal(app, first, 'killed');
    const decided = Date.now();
    await firstDecision.submit('Killed: the benchmark measures the outbox.');
    const firstDms = () => outcomeDms(slack, firstRecipients, first.number, 'killed');
    await until(
      () => tally(firstDms()).reached >= firstRecipients.length,
      600_000,
      'every "killed" DM of the first suggestion',
    ).catch(() => undefined);
    const firstLast = lastDmAt(slack, firstRecipients, first.number, 'killed');
    const throughput = firstRecipients.length / ((firstLast - decided) / 1000);
    const firstTally = tally(firstDms());
    rows.push({
      path: `outbox throughput, ${path}`,
      measure: 'DMs/s, Slack answering in 50 ms, not pacing; lost; duplicates',
      touchpoint: `${throughput.toFixed(1)}/s; ${firstTally.lost}; ${firstTally.duplicates}`,
      baseline: '—',
      ratio: '—',
      target: 'reported; 0; 0',
      ok: firstTally.lost === 0 && firstTally.duplicates === 0 ? undefined : false,
      broken: firstTally.lost > 0,
    });
    await slack.settle(1_000);

    // Paced like Slack: the "killed" decision, and people opening the nomination modal meanwhile.
    slack.paceMethod('chat.postMessage', SLACK_POSTS_PER_SECOND, SLACK_BURST);
    const decision = await openDecisionModal(app, card, 'killed');
    const started = Date.now();
    await decision.submit('Killed: the benchmark says so.');
    const killedDms = () => outcomeDms(slack, recipients, card.number, 'killed');
    const sentAt = new Map<string, number>();
    let n = 0;
    const done = until(
      () => tally(killedDms()).reached >= recipients.length,
      900_000,
      'every "killed" DM',
    ).then(
      () => true,
      () => false,
    );
    let finished = false;
    void done.then(() => {
      finished = true;
    });
    while (!finished) {
      const trigger = `${Date.now()}.${n}.fanout`;
      sentAt.set(trigger, Date.now());
      void app.post(
        new URLSearchParams(
          slashCommand('/killrule', '', {
            user_id: `U0FANMOD${String(n % 100).padStart(2, '0')}`,
            trigger_id: trigger,
            response_url: slack.responseUrl(),
          }),
        ).toString(),
      );
      n += 1;
      await sleep(MODAL_EVERY_MS);
    }
    const allArrived = await done;
    // FANOUT_DUMP=<file>: every post's time and whether Slack took it, to see where the pacing lost time.
    if (process.env.FANOUT_DUMP) {
      const posts = slack
        .callsTo('chat.postMessage')
        .map((call) => ({ at: call.at - started, ok: call.response.ok }));
      writeFileSync(process.env.FANOUT_DUMP, JSON.stringify(posts));
    }
    await slack.settle(2_000);
    const last = lastDmAt(slack, recipients, card.number, 'killed');
    const elapsed = (last - started) / 1000;
    // The pacing's bound: the burst at once, then one call per 1/rate; plus one answer's latency, plus the
    // voters' summary job's tick (every second here: faults/harness.ts) that queues their DMs.
    const bound =
      Math.max(0, recipients.length + 1 - SLACK_BURST) / SLACK_POSTS_PER_SECOND + LATENCY_MS / 1000 + 1;
    const killed = tally(killedDms());
    rows.push({
      path,
      measure: `time to last DM (bound at ${SLACK_POSTS_PER_SECOND}/s); lost; duplicates`,
      touchpoint: `${allArrived ? `${elapsed.toFixed(1)} s` : 'not all'} (${bound.toFixed(1)} s); ${killed.lost}; ${killed.duplicates}`,
      baseline: '—',
      ratio: `${(elapsed / bound).toFixed(2)}×`,
      target: '≤ 1.2× bound; 0; 0',
      ok: allArrived && elapsed <= 1.2 * bound && killed.lost === 0 && killed.duplicates === 0,
      broken: killed.lost > 0 || killed.duplicates > 0,
    });
    const modalTimes = slack
      .callsTo('views.open')
      .filter((call) => sentAt.has(String(call.args.trigger_id)))
      .map((call) => call.at - (sentAt.get(String(call.args.trigger_id)) ?? call.at));
    const refused = slack.calls.filter(
      (call) => call.method === 'chat.postMessage' && call.response.status === 429,
    ).length;
    const p99 = percentile(modalTimes, 99);
    rows.push({
      path: '/killrule while that fan-out drains',
      measure: `command → views.open p50 / p99 (${modalTimes.length} of ${sentAt.size}; ${refused} posts answered 429)`,
      touchpoint: `${percentile(modalTimes, 50).toFixed(0)} ms / ${p99.toFixed(0)} ms`,
      baseline: '—',
      ratio: '—',
      target: '≤ 1 s p99',
      ok: modalTimes.length === sentAt.size && p99 <= 1_000,
      broken: modalTimes.length === 0,
    });
  } finally {
    slack.latencyMs = 0;
    await app.stop();
    await database.drop();
    await slack.close();
  }
  return rows;
}

/** When the last of the outcome DMs arrived (the fake's clock, which is this process's). */
function lastDmAt(
  slack: Awaited<ReturnType<typeof startFakeSlack>>,
  recipients: string[],
  number: number,
  outcome: Outcome,
): number {
  let last = 0;
  for (const call of slack.callsTo('chat.postMessage')) {
    if (call.response.ok !== true || !isOutcomeDm(call.args, number, outcome)) continue;
    last = Math.max(last, call.at);
  }
  return recipients.length > 0 ? last : Number.NaN;
}
