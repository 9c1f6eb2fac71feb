import type { AppDeps } from '../../slack/deps.js';
import type { CommandArgs, Listeners } from '../../slack/listeners.js';
import { slashCommandSchema } from '../../slack/payloads.js';
import { replyEphemeral } from '../../slack/reply.js';
import type { Feature, TouchpointSubcommand } from '../feature.js';
import { commandCatalogue } from './touchpoint.catalogue.js';
import { touchpointIds } from './touchpoint.ids.js';
import { renderHelp, renderSubcommandRefusal } from './touchpoint.views.js';

/**
 * Finds the subcommand whose name (one or more words: `roster`, `export rules`) starts the text, the
 * longest first, and returns it with the rest of the text.
 */
export function matchSubcommand(
  text: string,
  subcommands: TouchpointSubcommand[],
): { subcommand: TouchpointSubcommand; rest: string } | undefined {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  const candidates = [...subcommands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const subcommand of candidates) {
    const nameWords = subcommand.name.split(' ');
    if (nameWords.every((word, i) => words[i]?.toLowerCase() === word)) {
      return { subcommand, rest: words.slice(nameWords.length).join(' ') };
    }
  }
  return undefined;
}

/** `/touchpoint`: help for everyone, and the CX office's subcommands contributed by the features. */
export function touchpointCommandFeature(subcommands: TouchpointSubcommand[]): Feature {
  return {
    name: 'touchpoint',
    register(slack: Listeners, deps: AppDeps) {
      slack.command(touchpointIds.command, (args) => onTouchpointCommand(args, deps, subcommands));
    },
  };
}

/** Runs the subcommand typed (the role checked here for the CX office's); anything else gets the help. */
async function onTouchpointCommand(
  { ack, body, client, respond }: CommandArgs,
  deps: AppDeps,
  subcommands: TouchpointSubcommand[],
): Promise<void> {
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
    await replyEphemeral(client, target, renderSubcommandRefusal(match.subcommand.name));
    return;
  }
  await match.subcommand.run({ rest: match.rest, command, client, respond, deps });
}
