import { notice } from '../../slack/blocks.js';
import { sendCsvToUser, toCsv } from '../../slack/csv.js';
import { replyEphemeral } from '../../slack/reply.js';
import { localDateKey } from '../../time.js';
import type { Feature } from '../feature.js';
import { followUpsJob, nudgesJob, rosterJob, sendDueNudges, summaryJob } from './calls.jobs.js';
import { registerCallsListeners } from './calls.listeners.js';
import {
  countCallsLoggedBetween,
  findExecutive,
  listActiveExecutives,
  listAllCalls,
  listAllFollowUps,
  listOpenFollowUps,
  listRecentCalls,
} from './calls.queries.js';
import { paceForExecutives } from './calls.service.js';
import { KIND_LABELS, RESULT_LABELS, renderCallsHome, renderRoster } from './calls.views.js';

/** Job 2: executives calling customers — the roster, the call log, nudges and the CX office's summary. */
export const callsFeature: Feature = {
  name: 'calls',
  register: registerCallsListeners,
  jobs: [rosterJob, nudgesJob, followUpsJob, summaryJob],
  subcommands: [
    {
      name: 'roster',
      cxOfficeOnly: true,
      async run({ command, client, respond, deps }) {
        const roster = await listActiveExecutives(deps.db);
        const paces = await paceForExecutives(deps.db, deps.config, roster, deps.now());
        const rows = roster.flatMap((executive) => {
          const pace = paces.get(executive.userId);
          return pace ? [{ executive, pace }] : [];
        });
        await replyEphemeral(
          client,
          { channel: command.channel_id, user: command.user_id, respond },
          renderRoster(rows),
        );
      },
    },
    {
      name: 'nudges run',
      cxOfficeOnly: true,
      async run({ command, client, respond, deps }) {
        const sent = await sendDueNudges(deps, deps.now(), true);
        await replyEphemeral(
          client,
          { channel: command.channel_id, user: command.user_id, respond },
          notice(
            `Sent ${sent} ${sent === 1 ? 'nudge' : 'nudges'} to executives behind pace who had not had this week’s.`,
          ),
        );
      },
    },
    {
      name: 'export calls',
      cxOfficeOnly: true,
      async run({ command, client, respond, deps }) {
        const [allCalls, followUps] = await Promise.all([listAllCalls(deps.db), listAllFollowUps(deps.db)]);
        const byCall = new Map<number, string[]>();
        for (const f of followUps) {
          byCall.set(f.callId, [
            ...(byCall.get(f.callId) ?? []),
            `${f.action} (${f.ownerId}${f.dueDate ? `, due ${f.dueDate}` : ''}${f.doneAt ? ', done' : ''})`,
          ]);
        }
        const csv = toCsv(
          [
            'id',
            'logged by',
            'date',
            'customer',
            'contact',
            'kind',
            'result',
            'minutes',
            'what we learned',
            'sentiment',
            'shared as story',
            'follow-ups',
          ],
          allCalls.map((c) => [
            c.id,
            c.loggedBy,
            c.callDate,
            c.customer,
            c.contact,
            KIND_LABELS[c.kind],
            RESULT_LABELS[c.result],
            c.durationMinutes,
            c.learned,
            c.sentiment,
            c.shareAsStory ? 'yes' : 'no',
            (byCall.get(c.id) ?? []).join('; '),
          ]),
        );
        await sendCsvToUser(client, command.user_id, {
          filename: `touchpoint-calls-${localDateKey(deps.now(), deps.config.timeZone)}.csv`,
          title: 'Touchpoint: customer calls',
          csv,
          comment: `Every logged call (${allCalls.length}) with its follow-ups.`,
        });
        await replyEphemeral(
          client,
          { channel: command.channel_id, user: command.user_id, respond },
          notice(`I sent you the CSV of ${allCalls.length} calls in a direct message.`),
        );
      },
    },
  ],
  home: {
    maxBlocks: 14,
    async render({ deps, userId, now }) {
      const executive = await findExecutive(deps.db, userId);
      const [pace, recent, followUps] = await Promise.all([
        executive?.active
          ? paceForExecutives(deps.db, deps.config, [executive], now).then((p) => p.get(userId))
          : Promise.resolve(undefined),
        executive?.active ? listRecentCalls(deps.db, userId, 5) : Promise.resolve([]),
        listOpenFollowUps(deps.db, userId),
      ]);
      return renderCallsHome({ pace, calls: recent, followUps });
    },
  },
  async digest(db, window) {
    return { kind: 'leaders_called', leaders: await countCallsLoggedBetween(db, window.start, window.end) };
  },
};
