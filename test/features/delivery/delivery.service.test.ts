import { describe, expect, it } from 'vitest';
import { describeOutboxKey, safeDeliveryError } from '../../../src/features/delivery/delivery.service.js';

// What the CX office reads about a dead letter comes from the fixed words of its key: never a person.

describe('describeOutboxKey', () => {
  const cases: [string, string, string, number?][] = [
    ['rule:7:card', 'chat.postMessage', 'backlog card', 7],
    ['rule:7:card:update', 'chat.update', 'backlog card update', 7],
    ['rule:7:submitted:dm', 'chat.postMessage', 'confirmation DM', 7],
    ['rule:7:event:3:thread', 'chat.postMessage', 'thread line', 7],
    ['rule:7:event:3:dm:U0ANONSUB1', 'chat.postMessage', 'outcome DM', 7],
    ['rules:aging:2026-11-27', 'chat.postMessage', 'aging list for 2026-11-27'],
    ['story:5:card', 'chat.postMessage', 'story card for customer story #5'],
    ['story:5:dm:approved:1764000000000', 'chat.postMessage', 'DM to the teller for customer story #5'],
    ['calls:nudge:U0EXEC0001:2026-W48', 'chat.postMessage', 'nudge for 2026-W48'],
    ['calls:call:12:thanks', 'chat.postMessage', 'thank-you for a logged call'],
    ['calls:followup:4:due', 'chat.postMessage', 'follow-up reminder'],
    [
      'calls:summary:2026-W48:dm:U0CXOFF001',
      'chat.postMessage',
      'calls summary to the CX office for 2026-W48',
    ],
    ['digest:2026-W48:headline', 'chat.postMessage', 'weekly update for 2026-W48'],
    ['digest:2026-W48:headline:thread:2', 'chat.postMessage', 'weekly update thread line for 2026-W48'],
    [
      'digest:2026-W48:again:U0CXOFF001:1764000000.000100',
      'chat.postMessage',
      'weekly update posted again for 2026-W48',
    ],
    [
      'digest:2026-W48:nothing:dm:U0CXOFF001',
      'chat.postMessage',
      '“nothing to say” DM to the CX office for 2026-W48',
    ],
    ['export:U0EMPL0001:rules', 'files.uploadV2', 'file'],
    ['U0EMPL0001:whatever', 'chat.postMessage', 'message'],
    ['rule:U0EMPL0001:card', 'chat.postMessage', 'message'],
  ];
  it.each(cases)('%s → %s', (key, method, label, ruleId) => {
    const description = describeOutboxKey(key, method);
    expect(description.label).toBe(label);
    expect(description.ruleId).toBe(ruleId);
    expect(description.label).not.toMatch(/[UW][A-Z0-9]{6,}/);
  });
});

describe('safeDeliveryError', () => {
  it('masks anything shaped like a Slack ID and keeps the reason', () => {
    expect(safeDeliveryError('user_not_found (U0ANONSUB1 in D0ANONSUB1)')).toBe(
      'user_not_found ([id] in [id])',
    );
    expect(safeDeliveryError('')).toBeNull();
    expect(safeDeliveryError(null)).toBeNull();
  });
});
