import { processDatabase, until } from '../test/support/app-process.js';
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
 * Two replicas on one PostgreSQL database, both draining the outbox while a decision goes to its
 * submitter and 200 voters (votes came in through both): nobody hears twice, nobody is missed.
 */
export const replicasDraining: Scenario = {
  name: 'two replicas, one outbox',
  async run(context) {
    const name = 'two replicas on PostgreSQL (201 DMs)';
    if (!context.adminUrl)
      return [row(name, 'ran', 'skipped: no DATABASE_URL / FAULTS_DATABASE_URL', 'PostgreSQL', false)];
    const slack = await startFakeSlack();
    const database = await processDatabase('postgres', context.adminUrl, 'touchpoint_faults');
    context.onExit(() => database.drop());
    const submitter = 'U0REPLSUB1';
    const voters = userIds('REPV', 200);
    const recipients = [submitter, ...voters];
    for (const id of recipients) slack.addUser({ id });
    // The first runs the migrations; the second starts on a migrated database, as a scaled-out replica.
    const first = await new AppProcess(slack, database.env, context.how).start();
    const second = new AppProcess(slack, database.env, context.how);
    const rows: Row[] = [];
    try {
      await second.start();
      const card = await nominate(first, submitter, 'Fault suite: decided with two replicas');
      await voteAll([first, second], card, voters);
      const decision = await openDecisionModal(second, card, 'killed');
      slack.latencyMs = 20;
      slack.latencyJitterMs = 30;
      const started = Date.now();
      await decision.submit('Killed; two replicas tell everyone.');
      const reachedNow = () => tally(outcomeDms(slack, recipients, card.number)).reached;
      const done = await until(() => reachedNow() >= recipients.length, 60_000, 'every DM').then(
        () => Date.now() - started,
        () => undefined,
      );
      await slack.settle(2_000);
      const { lost, duplicates } = tally(outcomeDms(slack, recipients, card.number));
      const lines = threadLines(slack, card).length;
      rows.push(
        row(name, 'duplicate DMs', duplicates, '0', duplicates === 0),
        row(name, 'lost', lost, '0', lost === 0),
        row(name, 'thread line in the card', `${lines}×`, '1×', lines === 1),
        row(
          name,
          'decision → last DM',
          done === undefined ? 'not within 60 s' : seconds(done),
          'reported',
          undefined,
        ),
        row(
          name,
          'both replicas alive',
          first.alive && second.alive ? 'yes' : 'no',
          'yes',
          first.alive && second.alive,
        ),
      );
    } catch (error) {
      context.log(`  replicas' last distinct log lines:\n${distinctTail(first.output + second.output)}`);
      throw error;
    } finally {
      slack.latencyMs = 0;
      slack.latencyJitterMs = 0;
      await Promise.all([first.stop(), second.stop()]);
      await slack.close();
    }
    return rows;
  },
};

/** The last few distinct messages of a JSON-lines log, to say why without a wall of repeats. */
function distinctTail(output: string, count = 5): string {
  const messages = output
    .split('\n')
    .map((line) => /"msg":"((?:[^"\\]|\\.)*)"/.exec(line)?.[1] ?? line.trim())
    .filter((message) => message !== '');
  return [...new Set(messages.reverse())]
    .slice(0, count)
    .reverse()
    .map((message) => `    ${message.slice(0, 300)}`)
    .join('\n');
}
