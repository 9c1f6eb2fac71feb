import { context, cxOnly, divider, header, notice, type SlackMessage, section } from '../../slack/blocks.js';
import { escapeAndTruncate } from '../../slack/mrkdwn.js';
import type { CommandGroup } from './touchpoint.catalogue.js';
import { touchpointIds } from './touchpoint.ids.js';

const CX_MARK = ':lock: _CX office_';

export interface HelpContext {
  catalogue: CommandGroup[];
  /** What the user typed after `/touchpoint` when it was not a known subcommand. */
  unknownSubcommand?: string;
}

export function renderHelp({ catalogue, unknownSubcommand }: HelpContext): SlackMessage {
  const blocks: SlackMessage['blocks'] = [];
  if (unknownSubcommand !== undefined) {
    blocks.push(
      section(
        `I don’t know \`/touchpoint ${escapeAndTruncate(unknownSubcommand, 100)}\`. Here is what I can do:`,
        touchpointIds.helpUnknown,
      ),
    );
  }
  blocks.push(header('Touchpoint commands'));
  for (const group of catalogue) {
    const lines = group.entries.map(
      (entry) => `\`${entry.usage}\` ${entry.cxOfficeOnly ? `${CX_MARK} ` : ''}— ${entry.description}`,
    );
    blocks.push(section(`*${group.title}*\n${lines.join('\n')}`, touchpointIds.helpGroup(group.command)));
  }
  blocks.push(divider());
  blocks.push(
    context(
      `${CX_MARK}: only the CX office can run these. Shortcuts (the ⚡ menu and a message’s ⋯ menu) suggest a rule, share a story or log a call too.`,
      touchpointIds.helpLegend,
    ),
  );
  const commands = catalogue.flatMap((group) => group.entries.map((entry) => entry.usage));
  return { text: `Touchpoint commands: ${commands.join(', ')}`, blocks };
}

/** A CX-office-only subcommand run by someone else. */
export function renderSubcommandRefusal(name: string): SlackMessage {
  return notice(cxOnly(`run \`/touchpoint ${name}\``, 'If you think you should, ask them to add you.'));
}
