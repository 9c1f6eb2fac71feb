import { describe, expect, it } from 'vitest';
import { features } from '../../../src/features/index.js';
import { type CommandHelp, commandCatalogue } from '../../../src/features/touchpoint/touchpoint.catalogue.js';
import { touchpointIds } from '../../../src/features/touchpoint/touchpoint.ids.js';
import { matchSubcommand } from '../../../src/features/touchpoint/touchpoint.listeners.js';
import { recordRegistrations } from '../../support/registered-listeners.js';

// The help is written by hand (its words matter); these tests keep it to what the code registers.

const subcommands = features.flatMap((feature) => feature.subcommands ?? []);
const touchpointGroup = commandCatalogue.find((group) => group.command === touchpointIds.command);

/**
 * What a help line's usage stands for, as typed after `/touchpoint`: `[arguments]` dropped and
 * `a|b` alternatives spelled out (`export rules|calls` → `export rules`, `export calls`).
 */
function typedForms(entry: CommandHelp): string[] {
  const words = entry.usage
    .replace(/\[[^\]]*\]/g, '')
    .split(/\s+/)
    .slice(1)
    .filter((word) => word !== '');
  return words.reduce<string[]>(
    (forms, word) => forms.flatMap((form) => word.split('|').map((choice) => `${form} ${choice}`.trim())),
    [''],
  );
}

describe('the /touchpoint help catalogue', () => {
  it('lists exactly the slash commands the features register', () => {
    expect(commandCatalogue.map((group) => group.command).sort()).toEqual(
      recordRegistrations(features).commands.sort(),
    );
  });

  it('has a line for every /touchpoint subcommand a feature contributes, marked as it is', () => {
    expect(subcommands.length).toBeGreaterThan(0);
    const lines = (touchpointGroup?.entries ?? []).flatMap((entry) =>
      typedForms(entry).map((typed) => ({ typed, entry })),
    );
    for (const subcommand of subcommands) {
      const described = lines.filter(({ typed }) => matchSubcommand(typed, [subcommand]));
      expect(described.length, `no help line for /touchpoint ${subcommand.name}`).toBeGreaterThan(0);
      for (const { entry } of described)
        expect(entry.cxOfficeOnly, entry.usage).toBe(subcommand.cxOfficeOnly);
    }
  });

  it('describes no /touchpoint subcommand that does not exist (help itself is /touchpoint’s own)', () => {
    for (const entry of touchpointGroup?.entries ?? []) {
      for (const typed of typedForms(entry)) {
        if (typed === 'help') {
          expect(entry.cxOfficeOnly).toBe(false);
          continue;
        }
        expect(matchSubcommand(typed, subcommands), `/touchpoint ${typed} runs nothing`).toBeDefined();
      }
    }
  });

  it('reads usages the way the tests above expect', () => {
    const entry = {
      usage: '/touchpoint export rules|calls [from when]',
      description: '',
      cxOfficeOnly: true,
    };
    expect(typedForms(entry)).toEqual(['export rules', 'export calls']);
  });
});
