/**
 * Every command of the product, as `/touchpoint help` lists it, in words written for people. Tests keep
 * it true: test/features/touchpoint/catalogue.test.ts checks it against the commands and `/touchpoint`
 * subcommands the features register (each line, its CX-office mark), test/manifest.test.ts against
 * manifest.yml, so help, manifest and code cannot drift apart silently.
 */
export interface CommandHelp {
  usage: string;
  description: string;
  cxOfficeOnly: boolean;
}

export interface CommandGroup {
  command: string;
  title: string;
  entries: CommandHelp[];
}

export const commandCatalogue: CommandGroup[] = [
  {
    command: '/killrule',
    title: 'Kill a stupid rule',
    entries: [
      {
        usage: '/killrule [the rule]',
        description: 'Suggest a rule, policy or process that hurts customers or makes no sense.',
        cxOfficeOnly: false,
      },
      {
        usage: '/killrule mine',
        description: 'See your suggestions and what was decided.',
        cxOfficeOnly: false,
      },
      {
        usage: '/killrule search [words]',
        description: 'Find open suggestions and add “me too” to the ones you want gone.',
        cxOfficeOnly: false,
      },
    ],
  },
  {
    command: '/story',
    title: 'Customer stories',
    entries: [
      {
        usage: '/story [what happened]',
        description: 'Share a customer story for the weekly update.',
        cxOfficeOnly: false,
      },
    ],
  },
  {
    command: '/logcall',
    title: 'Calling customers',
    entries: [
      {
        usage: '/logcall',
        description: 'Log a call or visit with a customer: what you learned and what follows.',
        cxOfficeOnly: false,
      },
    ],
  },
  {
    command: '/roadmap',
    title: 'Roadmap',
    entries: [
      { usage: '/roadmap', description: 'See the CX roadmap by journey stage.', cxOfficeOnly: false },
      { usage: '/roadmap add', description: 'Add a roadmap item.', cxOfficeOnly: true },
      {
        usage: '/roadmap edit [item]',
        description: 'Change a roadmap item or its status.',
        cxOfficeOnly: true,
      },
      { usage: '/roadmap note [item]', description: 'Add a progress note to an item.', cxOfficeOnly: true },
      {
        usage: '/roadmap why [item]',
        description:
          'Say why an item you own matters; the weekly update quotes it (owners and the CX office).',
        cxOfficeOnly: false,
      },
    ],
  },
  {
    command: '/touchpoint',
    title: 'Running Touchpoint',
    entries: [
      { usage: '/touchpoint help', description: 'This list.', cxOfficeOnly: false },
      {
        usage: '/touchpoint digest preview',
        description: 'See the weekly update as it would go out (only you see it).',
        cxOfficeOnly: true,
      },
      { usage: '/touchpoint digest send', description: 'Post this week’s update now.', cxOfficeOnly: true },
      { usage: '/touchpoint digest skip', description: 'Skip this week’s update.', cxOfficeOnly: true },
      {
        usage: '/touchpoint nudges run',
        description: 'Nudge now every executive behind pace who has not had this week’s nudge.',
        cxOfficeOnly: true,
      },
      {
        usage: '/touchpoint roster',
        description: 'The executive roster: targets, time zones, pace and pauses.',
        cxOfficeOnly: true,
      },
      {
        usage: '/touchpoint export rules|calls|stories',
        description: 'Get a CSV of nominations, calls or stories.',
        cxOfficeOnly: true,
      },
      {
        usage: '/touchpoint health',
        description:
          'Delivery: messages waiting and being sent, and those that could not be delivered, with Retry.',
        cxOfficeOnly: true,
      },
      {
        usage: '/touchpoint stages [YYYY-MM]',
        description:
          'The journey-stage review of a month (last month if none): numbers, gaps, a picture and a CSV, by DM. CX office: every stage; a stage owner: their stages.',
        cxOfficeOnly: false,
      },
      {
        usage: '/touchpoint settings',
        description: 'Journey stages, targets, schedules and other settings.',
        cxOfficeOnly: true,
      },
    ],
  },
];
