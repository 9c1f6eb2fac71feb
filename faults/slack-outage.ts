import { processDatabase, sleep, until } from '../test/support/app-process.js';
import type { Fault } from '../test/support/fake-slack.js';
import { startFakeSlack } from '../test/support/test-app.js';
import {
  AppProcess,
  cardsOf,
  confirmations,
  nominate,
  nominationSubmission,
  openDecisionModal,
  openNominationModal,
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
 * chat.postMessage answers 429 for 20 s (Retry-After 5), then 500 for 12 s, each while a decision goes
 * to 21 people and a nomination is submitted (its card; its one thank-you is the modal's, or the
 * confirmation DM when the modal could not say it): once the window is over, every message arrives,
 * exactly once.
 */

const WINDOWS: { label: string; ms: number; fault: Fault }[] = [
  { label: '429 for 20 s', ms: 20_000, fault: { status: 429, retryAfter: 5 } },
  { label: '500 for 12 s', ms: 12_000, fault: { status: 500 } },
];
// After the window: time for Retry-After, backoff and the queue to drain.
const AFTER_WINDOW_MS = 45_000;

export const slackOutage: Scenario = {
  name: 'Slack 429 / 500 on chat.postMessage',
  async run(context) {
    const slack = await startFakeSlack();
    const database = await processDatabase('pglite', undefined, 'touchpoint_faults');
    context.onExit(() => database.drop());
    const app = await new AppProcess(slack, database.env, context.how).start();
    const rows: Row[] = [];
    try {
      for (const [k, window] of WINDOWS.entries()) {
        const name = `chat.postMessage ${window.label}`;
        const submitter = `U0OUTSUB0${k}`;
        const nominator = `U0OUTNOM0${k}`;
        const voters = userIds(`OU${k}V`, 20);
        const recipients = [submitter, ...voters];
        for (const id of [...recipients, nominator]) slack.addUser({ id });
        const card = await nominate(app, submitter, `Fault suite: decided during ${window.label}`);
        await voteAll([app], card, voters);
        const decision = await openDecisionModal(app, card, 'killed');
        const title = `Fault suite: nominated during ${window.label}`;
        const view = await openNominationModal(app, nominator);

        slack.failFor('chat.postMessage', window.ms, window.fault);
        const windowEnds = Date.now() + window.ms;
        const [decided, nominated] = await Promise.all([
          decision.submit('Killed while Slack was failing.'),
          app.interaction(nominationSubmission(view, nominator, title)),
        ]);
        context.log(`  ${window.label}: decision answered ${decided.status}, nomination ${nominated.status}`);
        const answer = await nominated.text();
        const thankedInModal = /"response_action":"update"/.test(answer) && /What happens next/.test(answer);
        await sleep(Math.max(0, windowEnds - Date.now()));

        const complete = () =>
          tally(outcomeDms(slack, recipients, card.number)).reached === recipients.length &&
          threadLines(slack, card).length >= 1 &&
          cardsOf(slack, title).length >= 1 &&
          (thankedInModal || confirmations(slack, nominator).length >= 1);
        const done = await until(complete, AFTER_WINDOW_MS, 'every message').then(
          () => Date.now() - windowEnds,
          () => undefined,
        );
        await slack.settle(2_000);
        const dms = tally(outcomeDms(slack, recipients, card.number));
        const lines = threadLines(slack, card).length;
        const cards = cardsOf(slack, title).length;
        const thanks = (thankedInModal ? 1 : 0) + confirmations(slack, nominator).length;
        const refused = slack.calls.filter(
          (call) => call.method === 'chat.postMessage' && call.response.status !== undefined,
        ).length;
        rows.push(
          row(
            name,
            'decision DMs exactly once',
            `${dms.reached}/${recipients.length} reached; lost ${dms.lost}; duplicates ${dms.duplicates}`,
            `${recipients.length}/${recipients.length}; 0; 0`,
            dms.lost === 0 && dms.duplicates === 0,
          ),
          row(name, 'decision thread line', `${lines}×`, '1×', lines === 1),
          row(name, 'nomination card', `${cards}×`, '1×', cards === 1),
          row(name, 'thank-you (the modal, or a DM)', `${thanks}×`, '1×', thanks === 1),
          row(
            name,
            'window end → all delivered',
            done === undefined ? `not within ${seconds(AFTER_WINDOW_MS)}` : seconds(done),
            `reported (${refused} calls refused so far)`,
            undefined,
          ),
        );
        slack.clearFaults();
      }
    } finally {
      await app.stop();
      await slack.close();
    }
    return rows;
  },
};
