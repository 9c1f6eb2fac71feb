import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../src/config.js';
import type { DbOrTx } from '../../../src/db/client.js';
import { type Database, openDatabase } from '../../../src/db/client.js';
import { insertCall, insertFollowUps } from '../../../src/features/calls/calls.queries.js';
import { buildDigest } from '../../../src/features/digest/digest.service.js';
import { itemLinks, type LinkKind } from '../../../src/features/links/links.schema.js';
import { addRoadmapItem, editRoadmapItem } from '../../../src/features/roadmap/roadmap.service.js';
import { rules } from '../../../src/features/rules/rules.schema.js';
import { insertStory, updateStory } from '../../../src/features/stories/stories.queries.js';
import { freshDatabase } from '../../support/db.js';
import type { RecordedCall } from '../../support/fake-slack.js';
import { ids, viewSubmission } from '../../support/payloads.js';
import { startFakeSlack, testEnv, useTestApp } from '../../support/test-app.js';
import { decideWithNote, nominateAndWaitForCard, untilNothingWaits } from '../rules/rules.helpers.js';

// The weekly update tells each chain in one line: where a killed rule or a changed roadmap item came from
// (a customer conversation, a story, a suggestion), read from item_links (origin led to item).

const text = (call: RecordedCall | undefined) => JSON.stringify(call?.args ?? {});

async function link(db: DbOrTx, origin: [LinkKind, number], item: [LinkKind, number]) {
  await db.insert(itemLinks).values({
    originKind: origin[0],
    originId: origin[1],
    itemKind: item[0],
    itemId: item[1],
    createdBy: ids.cxOfficer,
    createdAt: new Date(),
  });
}

async function logCall(db: DbOrTx, key: string, learned: string) {
  const call = await insertCall(db, {
    loggedBy: ids.executive,
    customer: 'Acme Rockets',
    callDate: '2026-11-20',
    kind: 'call',
    result: 'reached',
    learned,
    sentiment: 'negative',
    idempotencyKey: key,
    createdAt: new Date(),
  });
  if (!call) throw new Error('call not logged');
  return call;
}

async function roadmapItem(
  db: Database['db'],
  key: string,
  fields: Parameters<typeof addRoadmapItem>[1]['fields'],
) {
  const { item } = await addRoadmapItem(
    db,
    { fields, actorId: ids.cxOfficer, idempotencyKey: key },
    new Date(),
  );
  return item;
}

describe('the weekly update tells the chain', () => {
  const app = useTestApp();

  it('one line per chain, anonymous submitters never named; roadmap items say what they mean for people', async () => {
    const { db } = app.running.database;
    // A customer told the executive about the fax form → RULE (by a named employee) → killed.
    const call = await logCall(
      db,
      'chain-call-1',
      'The fax form <!channel> drives them mad. They want email.',
    );
    const fax = await nominateAndWaitForCard(app, { rule: 'Refunds need a fax form', user: ids.employee });
    await link(db, ['call', call.id], ['rule', fax.rule.id]);
    await decideWithNote(app, { ruleId: fax.rule.id, cardTs: fax.cardTs }, 'killed', 'Email is fine now');

    // An anonymous suggestion → the roadmap item that removes it → shipped, with why it matters.
    const signature = await nominateAndWaitForCard(app, {
      rule: 'Manager signature on every refund',
      user: ids.otherEmployee,
      anonymous: true,
    });
    const refunds = await roadmapItem(db, 'chain-refunds', {
      title: 'Refund in one click',
      status: 'in_progress',
      ownerId: ids.executive,
      customerChange: 'Money back the same day <!here>',
      employeeAsk: 'Agents approve refunds up to €100 & log them',
    });
    await link(db, ['rule', signature.rule.id], ['roadmap_item', refunds.id]);
    await editRoadmapItem(
      db,
      {
        itemId: refunds.id,
        fields: {
          title: 'Refund in one click',
          status: 'shipped',
          ownerId: ids.executive,
          customerChange: 'Money back the same day <!here>',
          employeeAsk: 'Agents approve refunds up to €100 & log them',
        },
        actorId: ids.cxOfficer,
        idempotencyKey: 'chain-refunds-shipped',
      },
      new Date(),
    );

    // An approved, shareable story → a new roadmap item; a follow-up of the call led there too.
    const { story } = await insertStory(db, {
      body: 'A customer waited 40 minutes on hold.',
      kind: 'pain_point',
      tellerId: ids.employee,
      source: 'command',
      shareable: true,
      idempotencyKey: 'chain-story-1',
      createdAt: new Date(),
    });
    await updateStory(db, story.id, { status: 'approved' });
    const callbacks = await roadmapItem(db, 'chain-callbacks', {
      title: 'Callback scheduling',
      status: 'planned',
    });
    await link(db, ['story', story.id], ['roadmap_item', callbacks.id]);
    const [followUp] = await insertFollowUps(db, [
      { callId: call.id, ownerId: ids.executive, action: 'Ask about hold times', createdAt: new Date() },
    ]);
    await link(db, ['follow_up', followUp?.id ?? 0], ['roadmap_item', callbacks.id]);

    // A story not cleared for sharing: its teller is "a colleague".
    const { story: quiet } = await insertStory(db, {
      body: 'Letters full of jargon.',
      kind: 'pain_point',
      tellerId: ids.otherEmployee,
      source: 'command',
      shareable: false,
      idempotencyKey: 'chain-story-2',
      createdAt: new Date(),
    });
    const letters = await roadmapItem(db, 'chain-letters', {
      title: 'Plain-language letters',
      status: 'planned',
    });
    await link(db, ['story', quiet.id], ['roadmap_item', letters.id]);
    // Without a link, nothing is told as a chain.
    await roadmapItem(db, 'chain-alone', { title: 'Unlinked item', status: 'planned' });

    // The owner says why it matters, through Slack: the update quotes it under the item.
    await app.command('/roadmap', `why #${refunds.id}`, { user_id: ids.executive });
    const opened = await app.slack.waitFor('views.open', (c) => text(c).includes('roadmap.why_modal'));
    await app.send.interaction(
      viewSubmission(
        opened.response.view as { id: string; callback_id: string; private_metadata: string },
        {
          why_it_matters: {
            type: 'plain_text_input',
            value: 'Refunds are the first thing <@U0NOBODY01> hears about',
          },
        },
        ids.executive,
      ),
    );
    await untilNothingWaits(app);
    app.slack.calls.length = 0;

    await app.command('/touchpoint', 'digest send', { user_id: ids.cxOfficer });
    const chains = await app.slack.waitFor(
      'chat.postMessage',
      (c) => c.args.channel === ids.digestChannel && text(c).includes('Closing the loop'),
    );
    await untilNothingWaits(app);
    expect(chains.response.ok).toBe(true);
    const lines = (chains.args.blocks as { block_id?: string; text?: { text: string } }[])
      .filter((b) => b.block_id?.startsWith('digest.chains.') && b.block_id !== 'digest.chains.title')
      .flatMap((b) => b.text?.text.split('\n') ?? []);
    const faxRef = `RULE-${fax.rule.number}`;
    const signatureRef = `RULE-${signature.rule.number}`;
    // Shipped first, then the others in the update's order, then the rule killed.
    expect(lines).toEqual([
      `:link: A colleague suggested ${signatureRef} → removed by “Refund in one click” → shipped`,
      `:link: A story from <@${ids.employee}> → “Callback scheduling” → new on the roadmap _(raised 2 times)_`,
      ':link: A story from a colleague → “Plain-language letters” → new on the roadmap',
      `:link: A customer told <@${ids.executive}> about “The fax form &lt;!channel&gt; drives them mad. They want email.” → ${faxRef} → killed`,
    ]);
    const posts = app.slack.callsTo('chat.postMessage').filter((c) => c.args.channel === ids.digestChannel);
    const all = posts.map(text).join('\n');
    // The anonymous submitter is named nowhere in the update.
    expect(all).not.toContain(ids.otherEmployee);
    // Roadmap items say what they change for customers, what they ask of employees, and why they matter.
    expect(all).toContain('For customers: Money back the same day &lt;!here&gt;');
    expect(all).toContain('Asks of employees: Agents approve refunds up to €100 &amp; log them');
    expect(all).toContain('Why this matters: “Refunds are the first thing &lt;@U0NOBODY01&gt; hears about”');
    for (const post of posts)
      expect(JSON.stringify(post.args)).not.toMatch(/<!channel>|<!here>|<@U0NOBODY01>/);
  });
});

describe('the chains cost one statement, however many there are', () => {
  let config: Config;
  let database: Database | undefined;
  const statements: string[] = [];

  beforeAll(async () => {
    const slack = await startFakeSlack(); // only for a valid environment: nothing here calls Slack
    config = loadConfig(testEnv(slack));
    await slack.close();
  });
  afterEach(async () => {
    await database?.close();
  });

  async function killedRuleFromCall(db: Database['db'], n: number, anonymous: boolean) {
    const now = new Date();
    const call = await logCall(db, `count-call-${n}`, `Learning ${n}`);
    const [rule] = await db
      .insert(rules)
      .values({
        number: n,
        title: `Rule ${n}`,
        hurts: 'customers',
        why: 'Because',
        anonymous,
        submitterId: 'U0SECRET01',
        status: 'killed',
        decidedAt: now,
        source: 'command',
        idempotencyKey: `count-rule-${n}`,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await link(db, ['call', call.id], ['rule', rule?.id ?? 0]);
    // …and the item that removed it, shipped.
    const item = await roadmapItem(db, `count-item-${n}`, { title: `Item ${n}`, status: 'shipped' });
    await link(db, ['rule', rule?.id ?? 0], ['roadmap_item', item.id]);
  }

  it('builds the update with the same number of statements for 1 chain and for 12; never reads an anonymous submitter', async () => {
    const fresh = await freshDatabase();
    database = await openDatabase(fresh.config, {
      ...fresh.options,
      logQuery: (query) => statements.push(query),
    });
    const { db } = database;
    await killedRuleFromCall(db, 1, true);
    statements.length = 0;
    const one = await buildDigest(db, config, [], new Date());
    const forOne = statements.length;
    expect(one.chains).toHaveLength(1);
    expect(JSON.stringify(one.chains)).not.toContain('U0SECRET01');
    // Nor who had the call that became the anonymous suggestion (the executive may be its submitter).
    expect(JSON.stringify(one.chains)).not.toContain(ids.executive);

    for (let n = 2; n <= 12; n += 1) await killedRuleFromCall(db, n, n % 2 === 0);
    statements.length = 0;
    const twelve = await buildDigest(db, config, [], new Date());
    expect(statements.length).toBe(forOne);
    // Each rule killed inside a roadmap item's chain is told once, in that item's line.
    expect(twelve.chains).toHaveLength(12);
    expect(twelve.chains.every((chain) => chain.end.kind === 'roadmap_item')).toBe(true);
    expect(twelve.chains[0]?.steps.map((step) => step.kind)).toEqual(['call', 'rule']);
    // The submitter of an anonymous rule never leaves the database; a named one is not the chain's start here.
    expect(JSON.stringify(twelve.chains)).not.toContain('U0SECRET01');
    // Who had the call is named only where the suggestion it became was not anonymous (3, 5, 7, 9, 11).
    const namingTheCaller = twelve.chains.filter(
      (chain) => chain.steps[0]?.kind === 'call' && chain.steps[0].userId === ids.executive,
    );
    expect(namingTheCaller).toHaveLength(5);
    // One statement walks every chain.
    expect(statements.filter((query) => query.includes('item_links'))).toHaveLength(1);
  });
});
