import { describe, expect, it } from 'vitest';
import type { DigestModel } from '../../../src/features/digest/digest.service.js';
import { renderDigestHeadline, renderDigestThread } from '../../../src/features/digest/digest.views.js';
import { checkMessage } from '../../support/block-kit.js';

const empty: DigestModel = {
  week: '2026-W48',
  window: { start: new Date('2026-11-16T09:00:00Z'), end: new Date('2026-11-23T09:00:00Z') },
  roadmap: [],
  story: undefined,
  rulesKilled: [],
  leaders: [],
};

describe('digest views', () => {
  it('recognises the leaders who called (a contribution of the calls feature), and only them', () => {
    const leaders = Array.from({ length: 30 }, (_, i) => ({
      userId: `U0LEAD${String(i).padStart(4, '0')}`,
      calls: i + 1,
    }));
    const model = { ...empty, leaders };
    const headline = renderDigestHeadline(model);
    expect(JSON.stringify(headline.blocks)).toContain('<@U0LEAD0000>');
    expect(JSON.stringify(headline.blocks)).toContain('and 22 more');
    const [thread] = renderDigestThread(model);
    expect(JSON.stringify(thread?.blocks)).toContain('<@U0LEAD0029> — 30 conversations');
    expect(JSON.stringify(thread?.blocks)).toContain('thank you');
    for (const message of [headline, ...renderDigestThread(model)]) expect(checkMessage(message)).toEqual([]);
  });

  it('stays within Block Kit limits with a thousand rules killed and a thousand leaders', () => {
    const model = {
      ...empty,
      rulesKilled: Array.from({ length: 1000 }, (_, i) => ({
        ref: `RULE-${i}`,
        title: `<!channel> ${'&'.repeat(1000)}`,
        decisionNote: '<@U0EMPL0001> '.repeat(300),
        killedAt: new Date(),
      })),
      leaders: Array.from({ length: 1000 }, (_, i) => ({
        userId: `U0L${String(i).padStart(6, '0')}`,
        calls: i,
      })),
    };
    const messages = [renderDigestHeadline(model), ...renderDigestThread(model)];
    for (const message of messages) expect(checkMessage(message)).toEqual([]);
    expect(JSON.stringify(messages)).not.toMatch(/<!channel>|<@U0EMPL0001>/);
  });

  it('leaves empty sections out', () => {
    expect(renderDigestThread(empty)).toEqual([]);
    const killed = {
      ...empty,
      rulesKilled: [{ ref: 'RULE-1', title: 'x', decisionNote: null, killedAt: new Date() }],
    };
    const thread = renderDigestThread(killed);
    expect(thread).toHaveLength(1);
    expect(JSON.stringify(renderDigestHeadline(killed).blocks)).not.toContain('Roadmap');
  });
});
