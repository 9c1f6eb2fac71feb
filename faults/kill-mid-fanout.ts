import { processDatabase, sleep, until } from '../test/support/app-process.js';
import { startFakeSlack } from '../test/support/test-app.js';
import {
  AppProcess,
  nominate,
  openDecisionModal,
  outcomeDms,
  type Row,
  row,
  type Scenario,
  seconds,
  tally,
  threadLines,
  userIds,
  voteAll,
} from './harness.js';

/**
 * `kill -9` in the middle of a "killed" decision going to its submitter and 200 voters, Slack answering
 * in 20-50 ms; the process is started again on the same database and must finish the fan-out: every
 * recipient gets the DM, none is lost, and the duplicates (the window Slack leaves open) are counted.
 */
export const killMidFanout: Scenario = {
  name: 'kill -9 mid fan-out',
  async run(context) {
    const name = 'kill -9 mid fan-out (201 DMs)';
    const slack = await startFakeSlack();
    const database = await processDatabase('pglite', undefined, 'touchpoint_faults');
    context.onExit(() => database.drop());
    const submitter = 'U0KILLSUB1';
    const voters = userIds('KILV', 200);
    const recipients = [submitter, ...voters];
    for (const id of recipients) slack.addUser({ id });
    const app = await new AppProcess(slack, database.env, context.how).start();
    const rows: Row[] = [];
    try {
      context.log('  started');
      const card = await nominate(app, submitter, 'Fault suite: kill -9 during the fan-out');
      context.log(`  RULE-${card.number} nominated`);
      await voteAll([app], card, voters);
      context.log(`  ${voters.length} votes counted on RULE-${card.number}`);
      const decision = await openDecisionModal(app, card, 'killed');

      slack.latencyMs = 20;
      slack.latencyJitterMs = 30;
      await decision.submit('Gone for good: the fault suite decided.');
      const reachedNow = () => tally(outcomeDms(slack, recipients, card.number)).reached;
      const half = Math.ceil(recipients.length / 2);
      const reachedHalf = await until(() => reachedNow() >= half, 60_000, 'half of the DMs').then(
        () => true,
        () => false,
      );
      const atKill = reachedNow();
      await app.kill9();
      context.log(`  killed at ${atKill}/${recipients.length} DMs`);

      const restarted = Date.now();
      await app.start();
      const done = await until(() => reachedNow() >= recipients.length, 90_000, 'every DM').then(
        () => true,
        () => false,
      );
      const afterRestart = Date.now() - restarted;
      // Let anything still queued arrive, so that late duplicates are counted too.
      await slack.settle(2_000);
      const { lost, duplicates } = tally(outcomeDms(slack, recipients, card.number));
      const lines = threadLines(slack, card).length;
      rows.push(
        row(
          name,
          'DMs delivered when killed',
          `${atKill}/${recipients.length}`,
          '≈ half (the kill lands mid fan-out)',
          reachedHalf && atKill < recipients.length ? undefined : false,
        ),
        row(name, 'lost after restart', lost, '0', lost === 0),
        row(name, 'duplicate DMs', duplicates, '0 (reported)', duplicates === 0),
        row(name, 'thread line in the card', `${lines}×`, '1×', lines === 1),
        row(
          name,
          'restart → last DM',
          done ? seconds(afterRestart) : `not within ${seconds(90_000)}`,
          'reported',
          undefined,
        ),
      );
    } finally {
      slack.latencyMs = 0;
      slack.latencyJitterMs = 0;
      await app.stop();
      await slack.close();
      await sleep(0);
    }
    return rows;
  },
};
