import type { App } from '@slack/bolt';
import { section } from '../../slack/blocks.js';
import type { AppDeps, Feature, TouchpointSubcommand } from '../../slack/feature.js';
import { slashCommandSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import { commandCatalogue } from './touchpoint.catalogue.js';
import { renderHelp } from './touchpoint.views.js';

/** Splits `/touchpoint digest preview` into the subcommand that matches and the rest. */
export function matchSubcommand(
  text: string,
  subcommands: TouchpointSubcommand[],
): { subcommand: TouchpointSubcommand; rest: string } | undefined {
  const trimmed = text.trim();
  const name = trimmed.split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  const subcommand = subcommands.find((candidate) => candidate.name === name);
  return subcommand && { subcommand, rest: trimmed.slice(name.length).trim() };
}

/** `/touchpoint`: help for everyone, and the CX office's subcommands contributed by the features. */
export function touchpointCommandFeature(subcommands: TouchpointSubcommand[]): Feature {
  return {
    name: 'touchpoint',
    register(app: App, deps: AppDeps) {
      app.command('/touchpoint', async ({ ack, body, client, respond }) => {
        await ack();
        const command = slashCommandSchema.parse(body);
        const target = { channel: command.channel_id, user: command.user_id, respond };
        const match = matchSubcommand(command.text, subcommands);
        if (!match) {
          const typed = command.text.trim();
          const unknown = typed === '' || typed.toLowerCase() === 'help' ? undefined : typed;
          await replyEphemeral(
            client,
            target,
            renderHelp({ catalogue: commandCatalogue, unknownSubcommand: unknown }),
          );
          return;
        }
        if (match.subcommand.cxOfficeOnly && !(await deps.roles.isCxOffice(command.user_id))) {
          const text = `Only the CX office can run \`/touchpoint ${match.subcommand.name}\`. If you think you should, ask them to add you.`;
          await replyEphemeral(client, target, { text, blocks: [section(text)] });
          return;
        }
        await match.subcommand.run({ rest: match.rest, command, client, respond, deps });
      });
    },
  };
}
