import { callsIds } from '../src/features/calls/calls.ids.js';
import { roadmapIds } from '../src/features/roadmap/roadmap.ids.js';
import { rulesIds } from '../src/features/rules/rules.ids.js';
import { settingsIds } from '../src/features/settings/settings.ids.js';
import { storiesIds } from '../src/features/stories/stories.ids.js';
import { nominationState } from '../test/features/rules/rules.helpers.js';
import { processDatabase, rssMb, sleep } from '../test/support/app-process.js';
import {
  blockActions,
  eventCallback,
  ids,
  slashCommand,
  triggerId,
  viewSubmission,
} from '../test/support/payloads.js';
import { TEST_SIGNING_SECRET } from '../test/support/slack-requests.js';
import { startFakeSlack } from '../test/support/test-app.js';
import {
  AppProcess,
  type Card,
  nominate,
  openNominationModal,
  type Row,
  row,
  type Scenario,
  timed,
  voteClick,
} from './harness.js';

/**
 * 1,000 correctly signed requests that no real Slack would send — null, arrays, wrong types, 1 MB
 * strings, unknown IDs, tampered `private_metadata` — as commands, clicks, view submissions and events:
 * the process stays up, every answer comes within Slack's 3 s, nothing is left unhandled, memory does
 * not grow. Then forged, stale and future-dated (10 min) requests are refused.
 */

const COUNT = 1_000;
const IN_FLIGHT = 10;
const MB = 'x'.repeat(1024 * 1024);
const SLACK_DEADLINE_MS = 3_000;

/** Deterministic: the same 1,000 requests every run. */
function prng(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

interface Malformed {
  kind: string;
  body: string;
  contentType: string;
}

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
const dotted = (idsObject: Record<string, string>) =>
  Object.values(idsObject).filter((id) => id.includes('.'));
const ACTION_IDS = [rulesIds, callsIds, storiesIds, roadmapIds, settingsIds].flatMap((x) =>
  dotted(x as Record<string, string>),
);
const COMMANDS = [rulesIds.command, storiesIds.command, callsIds.command, roadmapIds.command, '/touchpoint'];
const WEIRD: unknown[] = [
  null,
  [],
  [null],
  {},
  0,
  -1,
  1e308,
  true,
  '',
  ' ',
  'null',
  MB,
  { $gt: '' },
  '<!channel>',
];

/** The generators: each makes one malformed request from a random source and the real objects. */
function generators(card: Card, view: { id: string; callback_id: string; private_metadata: string }) {
  const json = (kind: string, value: unknown): Malformed => ({
    kind,
    body: typeof value === 'string' ? value : JSON.stringify(value),
    contentType: JSON_TYPE,
  });
  const payload = (kind: string, value: unknown): Malformed => ({
    kind,
    body: new URLSearchParams({
      payload: typeof value === 'string' ? value : JSON.stringify(value),
    }).toString(),
    contentType: FORM_TYPE,
  });
  const fields = (kind: string, value: Record<string, unknown>): Malformed => ({
    kind,
    body: new URLSearchParams(
      Object.fromEntries(
        Object.entries(value).map(([key, v]) => [key, typeof v === 'string' ? v : JSON.stringify(v)]),
      ),
    ).toString(),
    contentType: FORM_TYPE,
  });
  type Pick = <T>(values: readonly T[]) => T;
  const list: ((pick: Pick) => Malformed)[] = [
    (pick) =>
      json('json body not an object', pick(['null', '[]', '[1,2]', '123', '"text"', 'true', '{', '{"a":'])),
    (pick) => payload('payload not an object', pick(['null', '[]', '123', '"text"', '{', 'true', MB])),
    (pick) => fields('form without payload or command', { foo: pick(WEIRD), bar: pick(WEIRD) }),
    (pick) =>
      json('event with a bad event', {
        ...eventCallback({}),
        event: pick([null, [], 'x', 1, { type: null }]),
      }),
    (pick) =>
      json(
        'app_home_opened, wrong types',
        eventCallback({
          type: 'app_home_opened',
          user: pick(WEIRD),
          tab: pick(['home', null, 1, MB]),
          view: pick(WEIRD),
        }),
      ),
    (pick) =>
      json('url_verification, bad challenge', {
        type: 'url_verification',
        challenge: pick(WEIRD),
        token: pick(WEIRD),
      }),
    (pick) =>
      json(
        'event of an unknown type',
        eventCallback({
          type: pick(['message', 'team_join', 'x', '']),
          text: pick(WEIRD),
          user: pick(WEIRD),
        }),
      ),
    (pick) =>
      json('event_callback, envelope fields wrong', {
        type: 'event_callback',
        event_id: pick(WEIRD),
        team_id: pick(WEIRD),
        event: { type: 'app_home_opened' },
      }),
    (pick) => {
      const fieldsOf = slashCommand(
        pick(COMMANDS),
        pick([
          '',
          'mine',
          'search x',
          'digest send',
          'export rules',
          'nudges run',
          'add',
          'edit 999999',
          MB.slice(0, pick([10, 4000, 100_000])),
        ]),
        {
          response_url: pick(['not a url', 'http://127.0.0.1:1/nowhere', '']),
          user_id: pick(['', 'U0MALF0001', ids.cxOfficer, 'not-a-user', MB.slice(0, 5000)]),
          trigger_id: pick(['', 'x', triggerId()]),
        },
      );
      return fields('slash command, wrong fields', fieldsOf);
    },
    (pick) =>
      fields(
        'unknown slash command',
        slashCommand(pick(['/nope', '', '/', MB.slice(0, 300)]), 'x', { response_url: '' }),
      ),
    (pick) => {
      const click = blockActions(
        {
          action_id: pick(ACTION_IDS),
          block_id: pick([`rules.card.actions.${card.ruleId}`, 'rules.card.actions.999999', 'x', '']),
          value: pick(['999999', '-1', 'abc', String(card.ruleId), `${card.ruleId}:exploded`, MB]) as string,
        },
        {
          user: pick(['U0MALF0002', ids.cxOfficer]),
          messageTs: pick([card.cardTs, '1.1', 'x']),
          responseUrl: 'http://127.0.0.1:1/nowhere',
        },
      );
      return payload('click with unknown IDs or values', click);
    },
    (pick) => {
      const click = voteClick(
        { slack: { responseUrl: () => 'http://127.0.0.1:1/nowhere' } } as never,
        card,
        'U0MALF0003',
      ) as Record<string, unknown>;
      const broken = pick(['actions', 'user', 'container', 'message', 'channel', 'team', 'trigger_id']);
      return payload(`click with ${broken} wrong`, { ...click, [broken]: pick(WEIRD) });
    },
    (pick) => {
      const click = voteClick({ slack: { responseUrl: () => '' } } as never, card, 'U0MALF0004') as {
        actions: Record<string, unknown>[];
      };
      return payload('click, action wrong types', {
        ...click,
        actions: [
          { ...click.actions[0], action_id: pick(WEIRD), value: pick(WEIRD), selected_option: pick(WEIRD) },
        ],
      });
    },
    (pick) => {
      const submission = viewSubmission(view, nominationState({}), 'U0MALF0005') as {
        view: Record<string, unknown>;
      };
      return payload('nomination, tampered private_metadata', {
        ...submission,
        view: {
          ...submission.view,
          private_metadata: pick([
            '{',
            'null',
            '[]',
            '{"source":"command","permalink":"javascript:alert(1)"}',
            '{"source":123}',
            JSON.stringify({ ruleId: 999999, toStatus: 'killed' }),
            JSON.stringify({ ruleId: card.ruleId, toStatus: 'exploded' }),
            'x'.repeat(4000),
            MB,
          ]),
        },
      });
    },
    (pick) => {
      const submission = viewSubmission(
        {
          id: 'V0MALF0001',
          callback_id: pick(ACTION_IDS),
          private_metadata: pick([
            JSON.stringify({ ruleId: card.ruleId }),
            JSON.stringify({ ruleId: 999999 }),
            '{',
            '',
          ]),
        },
        {},
        pick(['U0MALF0006', ids.cxOfficer]),
      ) as { view: Record<string, unknown> };
      const key = pick([
        rulesIds.note,
        rulesIds.rule,
        callsIds.customer,
        storiesIds.body,
        roadmapIds.title,
        rulesIds.duplicateOf,
      ]);
      return payload('modal submission, wrong state types', {
        ...submission,
        view: {
          ...submission.view,
          state: pick([
            null,
            [],
            { values: null },
            { values: [] },
            { values: { [key]: pick(WEIRD) } },
            { values: { [key]: { [key]: { type: 'plain_text_input', value: pick(WEIRD) } } } },
          ]),
        },
      });
    },
    (pick) =>
      payload('view submission with view wrong', {
        type: 'view_submission',
        user: { id: 'U0MALF0007' },
        view: pick(WEIRD),
        team: pick(WEIRD),
      }),
    (pick) =>
      payload('shortcut with wrong fields', {
        type: pick(['shortcut', 'message_action']),
        callback_id: pick(ACTION_IDS),
        trigger_id: pick(WEIRD),
        user: pick(WEIRD),
        message: pick(WEIRD),
        channel: pick(WEIRD),
      }),
    (pick) =>
      payload('unknown interaction type', {
        type: pick(['view_closed', 'block_suggestion', 'interactive_message', 'x', null]),
        view: pick(WEIRD),
        user: pick(WEIRD),
        value: pick(WEIRD),
      }),
  ];
  return list;
}

export const malformedPayloads: Scenario = {
  name: '1,000 malformed signed payloads',
  async run(context) {
    const name = '1,000 malformed signed payloads';
    const slack = await startFakeSlack();
    const database = await processDatabase('pglite', undefined, 'touchpoint_faults');
    context.onExit(() => database.drop());
    const app = await new AppProcess(slack, database.env, context.how).start();
    const rows: Row[] = [];
    try {
      const card = await nominate(app, 'U0MALFSUB1', 'Fault suite: the target of malformed clicks');
      const view = await openNominationModal(app, 'U0MALFSUB2');
      const list = generators(card, view);
      const random = prng(12);
      const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
      const requests = Array.from({ length: COUNT }, (_, i) =>
        (list[i % list.length] as (p: typeof pick) => Malformed)(pick),
      );

      const rssStart = await rssMb(app.pid);
      let rssMid = Number.NaN;
      const answers: { kind: string; status: number; ms: number }[] = [];
      let next = 0;
      const worker = async () => {
        while (next < requests.length) {
          const i = next++;
          const request = requests[i] as Malformed;
          const answer = await timed(
            (signal) => app.post(request.body, request.contentType, { signal }),
            10_000,
          );
          answers.push({ kind: request.kind, status: answer.status, ms: answer.ms });
          if (i === COUNT / 2) rssMid = await rssMb(app.pid);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      await sleep(1_000);
      const rssEnd = await rssMb(app.pid);
      const healthy = await fetch(`${app.url}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );

      const late = answers.filter((a) => a.ms > SLACK_DEADLINE_MS || a.status <= 0);
      const serverErrors = answers.filter((a) => a.status >= 500);
      const slowest = Math.max(...answers.map((a) => a.ms));
      const lateKinds = [...new Set(late.map((a) => a.kind))].slice(0, 4).join(', ');
      const errorKinds = [...new Set(serverErrors.map((a) => a.kind))].slice(0, 4).join(', ');
      const unhandled = app.output.split('\n').filter((line) => /unhandled|uncaught/i.test(line)).length;
      rows.push(
        row(
          name,
          'process alive, /healthz 200',
          app.alive && healthy ? 'yes' : 'no',
          'yes',
          app.alive && healthy,
        ),
        row(
          name,
          'answered under 3 s',
          `${answers.length - late.length}/${answers.length} (slowest ${slowest.toFixed(0)} ms)${late.length ? `; late or none: ${lateKinds}` : ''}`,
          `${COUNT}/${COUNT}`,
          late.length === 0,
        ),
        row(name, 'answers by status', statuses(answers), 'reported', undefined),
        row(
          name,
          'answers 5xx',
          `${serverErrors.length}${errorKinds ? ` (${errorKinds})` : ''}`,
          '0',
          serverErrors.length === 0,
        ),
        row(name, 'unhandled rejections / exceptions in logs', unhandled, '0', unhandled === 0),
        row(
          name,
          'RSS start / halfway / end',
          `${rssStart.toFixed(0)} / ${rssMid.toFixed(0)} / ${rssEnd.toFixed(0)} MB`,
          'end ≤ halfway + 32 MB',
          Number.isFinite(rssEnd) && rssEnd <= (Number.isFinite(rssMid) ? rssMid : rssStart) + 32,
        ),
      );

      // Refused: a forged signature, a timestamp 10 minutes old, one 10 minutes ahead.
      const now = Math.floor(Date.now() / 1000);
      const refusals = [
        { what: 'forged', user: 'U0FORGED01', options: { secret: `${TEST_SIGNING_SECRET}-not` } },
        { what: 'stale (−10 min)', user: 'U0STALE001', options: { timestamp: now - 600 } },
        { what: 'future (+10 min)', user: 'U0FUTURE01', options: { timestamp: now + 600 } },
      ];
      for (const refusal of refusals) {
        const responseUrlId = `T0TEAM0001/refused/${refusal.user}`;
        const answer = await timed(() =>
          app.post(
            new URLSearchParams(
              slashCommand('/killrule', 'mine', {
                user_id: refusal.user,
                response_url: slack.responseUrl(responseUrlId),
              }),
            ).toString(),
            FORM_TYPE,
            refusal.options,
          ),
        );
        await sleep(500);
        const acted = slack.calls.some(
          (call) => call.responseUrlId === responseUrlId || JSON.stringify(call.args).includes(refusal.user),
        );
        const refused = answer.status >= 400 && answer.status < 500 && !acted;
        rows.push(
          row(
            name,
            `${refusal.what} request`,
            `${answer.status}${acted ? ', and acted on' : ''}`,
            'refused (401), no effect',
            refused,
          ),
        );
      }
    } finally {
      await app.stop();
      await slack.close();
    }
    return rows;
  },
};

/** `200×612, 400×301, …`: what the malformed requests got. */
function statuses(answers: { status: number }[]): string {
  const counts = new Map<number, number>();
  for (const answer of answers) counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
  return [...counts]
    .sort((a, b) => a[0] - b[0])
    .map(([status, n]) => `${status <= 0 ? 'none' : status}×${n}`)
    .join(', ');
}
