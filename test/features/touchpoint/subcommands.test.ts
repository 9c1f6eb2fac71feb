import { describe, expect, it } from 'vitest';
import type { TouchpointSubcommand } from '../../../src/features/feature.js';
import { matchSubcommand } from '../../../src/features/touchpoint/touchpoint.listeners.js';

const sub = (name: string): TouchpointSubcommand => ({ name, cxOfficeOnly: true, run: async () => {} });

describe('matchSubcommand', () => {
  const subs = [sub('export rules'), sub('export calls'), sub('digest'), sub('roster')];

  it('matches multi-word names and returns the rest', () => {
    expect(matchSubcommand('Export  Calls  2026', subs)).toMatchObject({
      subcommand: { name: 'export calls' },
      rest: '2026',
    });
    expect(matchSubcommand('digest preview', subs)).toMatchObject({
      subcommand: { name: 'digest' },
      rest: 'preview',
    });
    expect(matchSubcommand('roster', subs)).toMatchObject({ subcommand: { name: 'roster' }, rest: '' });
  });

  it('matches nothing for unknown or partial names', () => {
    expect(matchSubcommand('export', subs)).toBeUndefined();
    expect(matchSubcommand('rosters', subs)).toBeUndefined();
    expect(matchSubcommand('', subs)).toBeUndefined();
  });
});
