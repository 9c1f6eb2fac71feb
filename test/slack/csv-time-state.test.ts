import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { neutraliseFormula, toCsv } from '../../src/slack/csv.js';
import { readViewState, validateFields } from '../../src/slack/view-state.js';
import { isoWeekKey, localDateKey, workingDaysBetween } from '../../src/time.js';
import { stateValues } from '../support/payloads.js';

describe('CSV', () => {
  it.each(['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])(
    'neutralises %j',
    (cell) => {
      expect(neutraliseFormula(cell).startsWith("'")).toBe(true);
    },
  );

  it('quotes commas, quotes and line breaks and leaves plain text alone', () => {
    const csv = toCsv(
      ['a', 'b'],
      [
        ['x, "y"', 'line\nbreak'],
        ['plain', 3],
      ],
    );
    expect(csv).toContain('"x, ""y"""');
    expect(csv).toContain('"line\nbreak"');
    expect(csv).toContain('plain,3');
    expect(csv).not.toMatch(/(^|,)=/m);
  });
});

describe('time', () => {
  it('keys weeks and days in the given zone', () => {
    const sundayNightUtc = new Date('2026-11-29T23:30:00Z'); // already Monday in Berlin
    expect(isoWeekKey(sundayNightUtc, 'UTC')).toBe('2026-W48');
    expect(isoWeekKey(sundayNightUtc, 'Europe/Berlin')).toBe('2026-W49');
    expect(localDateKey(sundayNightUtc, 'Asia/Tokyo')).toBe('2026-11-30');
  });

  it('counts working days, skipping weekends', () => {
    const friday = new Date('2026-11-20T10:00:00Z');
    expect(workingDaysBetween(friday, new Date('2026-11-23T10:00:00Z'), 'UTC')).toBe(1);
    expect(workingDaysBetween(friday, new Date('2026-12-04T10:00:00Z'), 'UTC')).toBe(10);
    expect(workingDaysBetween(friday, friday, 'UTC')).toBe(0);
  });
});

describe('view state', () => {
  it('flattens every input type and validates with friendly messages keyed by block', () => {
    const fields = readViewState(
      stateValues({
        rule: { type: 'plain_text_input', value: '  ' },
        stage: { type: 'static_select', value: '3' },
        anon: { type: 'checkboxes', values: ['anonymous'] },
        when: { type: 'datepicker', date: '2026-11-20' },
        owner: { type: 'users_select', user: 'U0EXEC0001' },
      }),
    );
    expect(fields).toEqual({
      rule: '  ',
      stage: '3',
      anon: ['anonymous'],
      when: '2026-11-20',
      owner: 'U0EXEC0001',
    });
    const schema = z.object({
      rule: z.string().trim().min(1, 'Tell us the rule.'),
      stage: z.coerce.number(),
    });
    const result = validateFields(schema, fields);
    expect(result).toEqual({ ok: false, errors: { rule: 'Tell us the rule.' } });
  });
});
