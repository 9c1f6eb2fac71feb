import { describe, expect, it } from 'vitest';
import type { DigestModel } from '../../../src/features/digest/digest.service.js';
import { renderDigestHeadline, renderDigestThread } from '../../../src/features/digest/digest.views.js';
import { checkMessage } from '../../support/block-kit.js';

type Change = DigestModel['roadmap'][number];
type StoryModel = NonNullable<DigestModel['story']>;

const at = new Date('2026-11-20T10:00:00Z');
/** A roadmap item changed in the window: `status` is where it is now. */
const change = (
  id: number,
  title: string,
  status: Change['item']['status'],
  how: Partial<Change>,
): Change => ({
  item: {
    id,
    title,
    status,
    customerChange: null,
    employeeAsk: null,
    stageId: null,
    ownerId: null,
    targetDate: null,
    createdBy: 'U0CXOFFIC1',
    idempotencyKey: `item-${id}`,
    createdAt: at,
    updatedAt: at,
  } as Change['item'],
  changes: 1,
  lastNote: null,
  created: false,
  statusChanged: false,
  ...how,
});
const killed = (n: number, title = `Rule number ${n}`) => ({
  ref: `RULE-${n}`,
  title,
  decisionNote: 'Gone',
  killedAt: at,
});
const storyOf = (body: string): StoryModel => ({
  story: {
    id: 7,
    body,
    customer: null,
    stageId: null,
    kind: 'delighted',
    shareable: true,
    tellerId: 'U0EMPL0001',
    source: 'command',
    status: 'approved',
    createdAt: at,
  } as StoryModel['story'],
  stageName: 'Onboard',
});

/** The top post's lines (the section under the header). */
function headlineLines(message: ReturnType<typeof renderDigestHeadline>): string[] {
  const block = message.blocks?.find((b) => b.block_id === 'digest.headline');
  return block?.type === 'section' ? (block.text?.text.split('\n') ?? []) : [];
}

const empty: DigestModel = {
  week: '2026-W48',
  window: { start: new Date('2026-11-16T09:00:00Z'), end: new Date('2026-11-23T09:00:00Z') },
  roadmap: [],
  story: undefined,
  rulesKilled: [],
  leaders: [],
  chains: [],
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

  it('the top post says what happened, by name: the items shipped and moved, the story’s headline, the rules killed', () => {
    const model: DigestModel = {
      ...empty,
      roadmap: [
        change(1, 'Refund in one click <!channel>', 'shipped', { statusChanged: true }),
        change(2, 'Callback scheduling', 'in_progress', { statusChanged: true }),
        change(3, 'Chat in the app', 'planned', { created: true }),
        change(4, 'Invoices by email', 'in_progress', { lastNote: 'Half done' }),
        change(5, 'Shipped long ago', 'shipped', { lastNote: 'Still good' }),
      ],
      story: storyOf('A nurse told us the app saved her *night* shift. She wrote to thank us.\nThen more.'),
      rulesKilled: [killed(5, 'Receipts for €2 refunds <!here>'), killed(9, 'Manager sign-off for returns')],
      leaders: [{ userId: 'U0EXEC0001', calls: 2 }],
    };
    const headline = renderDigestHeadline(model);
    const lines = headlineLines(headline);
    expect(lines).toEqual([
      ':rocket: *Roadmap:* shipped: “Refund in one click &lt;!channel&gt;”; moved to In progress: “Callback scheduling”; new: “Chat in the app” (and 2 more in the thread)',
      ':speech_balloon: *Story of the week:* “A nurse told us the app saved her *night* shift.”',
      ':skull: *Rules killed:* “Receipts for €2 refunds &lt;!here&gt;”, “Manager sign-off for returns”',
      ':telephone_receiver: *Leaders who called customers:* <@U0EXEC0001>',
    ]);
    expect(JSON.stringify(headline.blocks?.find((b) => b.block_id === 'digest.details'))).toContain(
      'Details in the thread ↓',
    );
    expect(headline.blocks?.at(-1)?.type).toBe('actions');
    // The notification counts what the post says, in words: an item shipped long ago is not "shipped".
    expect(headline.text).toBe(
      'This week: 1 roadmap item shipped, 4 more moved, a customer story, 2 rules killed, 1 leader who called customers',
    );
    expect(checkMessage(headline)).toEqual([]);
    expect(JSON.stringify(headline)).not.toMatch(/<!channel>|<!here>/);
  });

  it('names at most three rules, then says how many more the thread has; counts in singular and plural', () => {
    const one = renderDigestHeadline({ ...empty, rulesKilled: [killed(1)] });
    expect(one.text).toBe('This week: 1 rule killed');
    expect(JSON.stringify(one.blocks)).toContain('*Rule killed:* “Rule number 1”');
    expect(JSON.stringify(one.blocks)).not.toContain('RULE-1');
    const five = renderDigestHeadline({ ...empty, rulesKilled: [1, 2, 3, 4, 5].map((n) => killed(n)) });
    expect(five.text).toBe('This week: 5 rules killed');
    expect(JSON.stringify(five.blocks)).toContain(
      '*Rules killed:* “Rule number 1”, “Rule number 2”, “Rule number 3” (and 2 more in the thread)',
    );
    const moved = renderDigestHeadline({
      ...empty,
      roadmap: [
        change(1, 'A', 'paused', { statusChanged: true }),
        change(2, 'B', 'paused', { statusChanged: true }),
      ],
      story: storyOf('Short'),
    });
    expect(moved.text).toBe('This week: 2 roadmap items moved, a customer story');
    expect(JSON.stringify(moved.blocks)).toContain('moved to Paused: “A”, “B”');
  });

  it('a long title or story is cut on the top post, never the thread', () => {
    const long = 'word '.repeat(400);
    const model = { ...empty, story: storyOf(long), rulesKilled: [killed(1, long)] };
    const [line1, line2] = headlineLines(renderDigestHeadline(model));
    expect(line1?.length).toBeLessThan(200);
    expect(line2?.length).toBeLessThan(150);
    expect(JSON.stringify(renderDigestThread(model))).toContain(long.trim().slice(0, 1000));
  });
});

describe('the chains and what roadmap items mean for people', () => {
  it('tells a named submitter, a story, a call; a thousand chains and long texts stay within Block Kit limits', () => {
    const long = `<!channel> ${'&'.repeat(3000)}`;
    const roadmap = Array.from({ length: 1000 }, (_, i) => ({
      ...change(i + 1, long, 'shipped', { statusChanged: true, lastNote: long }),
      item: {
        ...change(i + 1, long, 'shipped', {}).item,
        customerChange: long,
        employeeAsk: long,
        whyItMatters: long,
      },
    }));
    const chains: DigestModel['chains'] = Array.from({ length: 1000 }, (_, i) => ({
      steps: [
        { kind: 'call', userId: 'U0EXEC0001', callKind: 'call', reached: true, learned: long },
        { kind: 'story', tellerId: undefined },
        { kind: 'roadmap_item', id: 5000 + i, title: long },
        { kind: 'rule', ref: `RULE-${i}`, submitterId: undefined, killed: true },
      ],
      end: i % 2 === 0 ? { kind: 'roadmap_item', id: i + 1 } : { kind: 'rule', ref: `RULE-${i}` },
      roots: 3,
    }));
    const messages = renderDigestThread({ ...empty, roadmap, chains });
    for (const message of messages) expect(checkMessage(message)).toEqual([]);
    expect(JSON.stringify(messages)).not.toMatch(/<!channel>/);
    const loop = messages.find((m) => m.text.startsWith('Closing the loop'));
    expect(JSON.stringify(loop?.blocks)).toContain('…and 960 more.');

    const small = renderDigestThread({
      ...empty,
      roadmap: [change(1, 'Online returns', 'in_progress', { statusChanged: true })],
      chains: [
        {
          steps: [{ kind: 'rule', ref: 'RULE-4', submitterId: 'U0EMPL0001', killed: false }],
          end: { kind: 'roadmap_item', id: 1 },
          roots: 1,
        },
        {
          steps: [
            {
              kind: 'call',
              userId: 'U0EXEC0001',
              callKind: 'frontline',
              reached: true,
              learned: 'Too many forms',
            },
          ],
          end: { kind: 'rule', ref: 'RULE-7' },
          roots: 1,
        },
        {
          steps: [
            {
              kind: 'call',
              userId: 'U0EXEC0001',
              callKind: 'call',
              reached: false,
              learned: 'Left a message',
            },
          ],
          end: { kind: 'rule', ref: 'RULE-8' },
          roots: 1,
        },
      ],
    });
    const lines = JSON.stringify(small.find((m) => m.text.startsWith('Closing the loop'))?.blocks);
    expect(lines).toContain(
      '<@U0EMPL0001> suggested RULE-4 → removed by “Online returns” → moved to In progress',
    );
    expect(lines).toContain(
      'Front-line employees told <@U0EXEC0001> about “Too many forms” → RULE-7 → killed',
    );
    expect(lines).toContain('A call by <@U0EXEC0001> about “Left a message” → RULE-8 → killed');
  });
});
