/** Slack IDs of `/touchpoint` itself (its subcommands belong to the features that contribute them). */
export const touchpointIds = {
  command: '/touchpoint',
  // Blocks of the help message.
  helpUnknown: 'touchpoint.help.unknown',
  helpGroup: (command: string) => `touchpoint.help.${command.replace('/', '')}`,
  helpLegend: 'touchpoint.help.legend',
} as const;
