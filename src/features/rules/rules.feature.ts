import { section } from '../../slack/blocks.js';
import { sendCsvToUser, toCsv } from '../../slack/csv.js';
import { replyEphemeral } from '../../slack/reply.js';
import { localDateKey } from '../../time.js';
import type { Feature } from '../feature.js';
import { readSetting } from '../settings/settings.keys.js';
import { agingJob } from './rules.jobs.js';
import { registerRulesListeners } from './rules.listeners.js';
import { rulesRenderers } from './rules.notify.js';
import { listAllRules, listRulesKilledBetween } from './rules.queries.js';
import { buildRulesHome, ruleRef, withCountsAndStages } from './rules.service.js';
import { HURTS_LABELS, renderRulesHomeSection, STATUS_LABELS } from './rules.views.js';

/** Job 1, "kill a stupid rule": nominations, the triage backlog and closing the loop. */
export const rulesFeature: Feature = {
  name: 'rules',
  register: registerRulesListeners,
  jobs: [agingJob],
  outboxRenderers: rulesRenderers,

  subcommands: [
    {
      name: 'export rules',
      cxOfficeOnly: true,
      async run({ command, client, respond, deps }) {
        const items = await withCountsAndStages(deps.db, await listAllRules(deps.db));
        const csv = toCsv(
          [
            'reference',
            'rule',
            'hurts',
            'why it hurts',
            'what could replace it',
            'journey stage',
            'status',
            'votes',
            'owner',
            'decision note',
            'decided at',
            'submitted at',
            'submitted by',
            'source message',
          ],
          items.map(({ rule, votes, stageName }) => [
            ruleRef(rule),
            rule.title,
            HURTS_LABELS[rule.hurts],
            rule.why,
            rule.replacementIdea,
            stageName,
            STATUS_LABELS[rule.status],
            votes,
            rule.ownerId,
            rule.decisionNote,
            rule.decidedAt,
            rule.createdAt,
            // Anonymous means anonymous: no submitter in the export.
            rule.anonymous ? '' : rule.submitterId,
            rule.sourcePermalink,
          ]),
        );
        const now = deps.now();
        await sendCsvToUser(client, command.user_id, {
          filename: `touchpoint-rules-${localDateKey(now, deps.config.timeZone)}.csv`,
          title: 'Touchpoint: rules to kill',
          csv,
          comment: `Every nomination (${items.length}), with status, votes, stage, owner and decision.`,
        });
        const text = `I sent you the CSV of ${items.length} nominations in a direct message.`;
        await replyEphemeral(
          client,
          { channel: command.channel_id, user: command.user_id, respond },
          { text, blocks: [section(text)] },
        );
      },
    },
  ],

  home: {
    maxBlocks: 30,
    async render({ deps, userId, now, isCxOffice }) {
      const targetWorkingDays = await readSetting(deps.db, deps.config, 'rules.responseTargetWorkingDays');
      const model = await buildRulesHome(deps.db, {
        userId,
        isCxOffice,
        now,
        zone: deps.config.timeZone,
        targetWorkingDays,
      });
      return renderRulesHomeSection(model, { now });
    },
  },

  async digest(db, window) {
    const killed = await listRulesKilledBetween(db, window.start, window.end);
    return {
      kind: 'rules_killed',
      rules: killed.map((rule) => ({
        ref: ruleRef(rule),
        title: rule.title,
        decisionNote: rule.decisionNote,
        killedAt: rule.decidedAt ?? rule.updatedAt,
      })),
    };
  },
};
