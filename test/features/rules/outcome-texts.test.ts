import { describe, expect, it } from 'vitest';
import type { Rule, RuleEvent } from '../../../src/features/rules/rules.service.js';
import { type Outcome, renderOutcomeDm } from '../../../src/features/rules/rules.views.js';
import { checkMessage } from '../../support/block-kit.js';

// What the submitter and the voters read after each kind of change, side by side: the outcome in words,
// naming the rule, never "it is now Killed". The title carries markup a user might type.

const SUBMITTER = 'U0EMPL0001';
const OWNER = 'U0EXEC0001';
const TITLE = 'Refund receipts <!channel> for *bold* €2 refunds';
const SHOWN = '“Refund receipts &lt;!channel&gt; for *bold* €2 refunds”';
const at = new Date('2026-11-20T10:00:00Z');

const rule = (status: Rule['status'], overrides: Partial<Rule> = {}): Rule => ({
  id: 5,
  number: 5,
  title: TITLE,
  hurts: 'customers',
  why: 'Nobody reads them',
  stageId: null,
  categoryId: null,
  replacementIdea: null,
  anonymous: true,
  creditOptOut: false,
  livesIn: null,
  ruleOwnerId: null,
  ease: null,
  impact: null,
  killBy: null,
  reopenedFromId: null,
  submitterId: SUBMITTER,
  status,
  ownerId: null,
  duplicateOfId: null,
  decisionNote: null,
  decidedAt: null,
  source: 'command',
  sourcePermalink: null,
  cardChannel: 'C0BACKLOG1',
  cardTs: '1700000000.000100',
  idempotencyKey: 'outcome-texts',
  createdAt: at,
  updatedAt: at,
  ...overrides,
});

const event = (overrides: Partial<RuleEvent>): RuleEvent => ({
  id: 9,
  ruleId: 5,
  actorId: 'U0CXOFFIC1',
  action: 'status',
  fromStatus: 'under_review',
  toStatus: null,
  ownerId: null,
  note: null,
  idempotencyKey: null,
  createdAt: at,
  ...overrides,
});

interface Case {
  outcome: Outcome;
  rule: Rule;
  event: RuleEvent;
  /** The notification `text` each side gets. */
  submitter: string;
  voter: string;
}

const NOTE = 'Agents decide from Monday <@U0EMPL0002>';
const NOTE_SHOWN = 'Agents decide from Monday &lt;@U0EMPL0002&gt;';

const cases: Case[] = [
  {
    outcome: 'killed',
    rule: rule('killed'),
    event: event({ toStatus: 'killed', note: NOTE }),
    submitter: `Your suggestion worked: the rule ${SHOWN} is gone — ${NOTE_SHOWN}`,
    voter: `A rule you backed is gone: ${SHOWN} — ${NOTE_SHOWN}`,
  },
  {
    outcome: 'kept',
    rule: rule('kept'),
    event: event({ toStatus: 'kept', note: 'Required by law (PSD2)' }),
    submitter: `The rule you suggested killing, ${SHOWN}, stays, and here is why: Required by law (PSD2)`,
    voter: `A rule you backed stays: ${SHOWN}, and here is why: Required by law (PSD2)`,
  },
  {
    outcome: 'accepted',
    rule: rule('accepted', { ownerId: OWNER }),
    event: event({ toStatus: 'accepted' }),
    submitter: `Your suggestion is accepted: the rule ${SHOWN} will go, and <@${OWNER}> sees it through.`,
    voter: `A rule you backed will go: the CX office agreed to get rid of ${SHOWN}.`,
  },
  {
    outcome: 'under_review',
    rule: rule('under_review'),
    event: event({ fromStatus: 'new', toStatus: 'under_review' }),
    submitter: `The CX office is now looking into your suggestion to kill the rule ${SHOWN}.`,
    voter: `The CX office is now looking into a rule you backed: ${SHOWN}.`,
  },
  {
    outcome: 'new',
    rule: rule('new'),
    event: event({ fromStatus: 'kept', toStatus: 'new' }),
    submitter: `Your suggestion to kill the rule ${SHOWN} is open again.`,
    voter: `A rule you backed is open again: ${SHOWN}.`,
  },
  {
    outcome: 'duplicate',
    rule: rule('duplicate', { duplicateOfId: 3 }),
    event: event({ action: 'duplicate', toStatus: 'duplicate' }),
    submitter: `Your suggestion to kill the rule ${SHOWN} was already on the list as RULE-3: the CX office merged the two, and your voice counts there now.`,
    voter: `A rule you backed, ${SHOWN}, was already on the list as RULE-3: the CX office merged the two, and your “me too” counts there now.`,
  },
  {
    outcome: 'owner',
    rule: rule('accepted', { ownerId: OWNER }),
    event: event({ action: 'owner', fromStatus: null, ownerId: OWNER }),
    submitter: `<@${OWNER}> now looks after your suggestion to kill the rule ${SHOWN}.`,
    voter: `<@${OWNER}> now looks after a rule you backed: ${SHOWN}.`,
  },
  {
    outcome: 'no_owner',
    rule: rule('accepted'),
    event: event({ action: 'owner', fromStatus: null, ownerId: null }),
    submitter: `Your suggestion to kill the rule ${SHOWN} has no owner for now.`,
    voter: `A rule you backed has no owner for now: ${SHOWN}.`,
  },
  {
    outcome: 'note',
    rule: rule('under_review'),
    event: event({ action: 'note', fromStatus: null, note: 'Talking to finance *today*' }),
    submitter: `The CX office added a note to your suggestion to kill the rule ${SHOWN}: Talking to finance *today*`,
    voter: `The CX office added a note to a rule you backed, ${SHOWN}: Talking to finance *today*`,
  },
];

const render = (c: Case, forSubmitter: boolean) =>
  renderOutcomeDm(c.rule, c.event, {
    forSubmitter,
    duplicateOfRef: c.outcome === 'duplicate' ? 'RULE-3' : undefined,
  });

describe('the outcome DMs, for the submitter and for the voters', () => {
  it('cover every outcome a change can have', () => {
    expect(cases.map((c) => c.outcome).sort()).toEqual(
      ['accepted', 'duplicate', 'kept', 'killed', 'new', 'no_owner', 'note', 'owner', 'under_review'].sort(),
    );
  });

  it.each(cases)('$outcome: says what happened to the rule, in words, differently to each side', (c) => {
    const submitter = render(c, true);
    const voter = render(c, false);
    // The push notification: the same, in one line.
    expect(submitter.text).toBe(c.submitter);
    expect(voter.text).toBe(c.voter);
    expect(submitter.text).not.toBe(voter.text);
    for (const message of [submitter, voter]) {
      const all = JSON.stringify(message);
      expect(message.text).not.toContain('\n');
      expect(all).toContain(SHOWN); // the rule's title, quoted as typed
      expect(all).not.toMatch(/it is now|Update on|:skull:/);
      // User text is escaped: no ping, no mention from what someone typed; the submitter is never named.
      expect(all).not.toMatch(/<!channel>|<@U0EMPL0002>/);
      expect(all).not.toContain(SUBMITTER);
      expect(checkMessage(message)).toEqual([]);
      // The reference and the outcome in small print, for whoever needs to find it again.
      const ref = message.blocks?.find((b) => b.block_id === 'rules.outcome.ref');
      expect(JSON.stringify(ref)).toContain('RULE-5 · ');
    }
  });

  it('the blocks lead into the note: "here is why", then the reason as a quote', () => {
    const kept = cases.find((c) => c.outcome === 'kept') as Case;
    const [headline, note] = render(kept, true).blocks ?? [];
    expect(JSON.stringify(headline)).toContain(`, stays, and here is why:"`);
    expect(JSON.stringify(note)).toContain('>Required by law (PSD2)');
    const killed = cases.find((c) => c.outcome === 'killed') as Case;
    const blocks = JSON.stringify(render(killed, true).blocks);
    expect(blocks).toContain(`is gone.`);
    expect(blocks).toContain(`From the CX office:*\\n>${NOTE_SHOWN}`);
  });
});
