import { eq } from 'drizzle-orm';
import type { Db } from '../../../src/db/client.js';
import { calls, executives, followUps } from '../../../src/features/calls/calls.schema.js';
import { stageChecks } from '../../../src/features/checks/checks.schema.js';
import { roadmapChanges, roadmapItems } from '../../../src/features/roadmap/roadmap.schema.js';
import { ruleEvents, rules, ruleVotes } from '../../../src/features/rules/rules.schema.js';
import { journeyStages } from '../../../src/features/settings/stages.schema.js';
import { stories } from '../../../src/features/stories/stories.schema.js';
import { ids } from '../../support/payloads.js';

/** The owner of the Onboard stage (not in the CX office). */
export const STAGE_OWNER = 'U0OWNER001';
/** Someone who suggested a rule anonymously: never named in the review. */
export const ANONYMOUS = 'U0ANON0001';
/** "Get help", renamed with characters that must be escaped. */
export const GET_HELP = 'Get help & <!here>';

let sequence = 0;
const key = (prefix: string) => `${prefix}-${++sequence}`;

/**
 * October 2026 (and a little of September) across the default stages: Get help hears 14 pain stories and
 * 9 negative conversations and has no roadmap item; Onboard has suggestions, votes, calls of every kind,
 * a roadmap item in progress, an overdue follow-up and its "it depends" answers; the rest hear nothing.
 */
export async function seedOctober(db: Db): Promise<{ stageIds: Record<string, number> }> {
  const stages = await db.select().from(journeyStages);
  const stageIds = Object.fromEntries(stages.map((stage) => [stage.name, stage.id]));
  const onboard = stageIds.Onboard as number;
  const getHelp = stageIds['Get help'] as number;
  await db.update(journeyStages).set({ name: GET_HELP }).where(eq(journeyStages.id, getHelp));
  await db.update(journeyStages).set({ ownerId: STAGE_OWNER }).where(eq(journeyStages.id, onboard));
  await db
    .insert(executives)
    .values({ userId: ids.executive, syncedAt: new Date('2026-09-01T00:00:00Z') })
    .onConflictDoNothing();

  const at = (iso: string) => new Date(iso);
  const rule = (
    stageId: number | null,
    createdAt: string,
    over: Partial<typeof rules.$inferInsert> = {},
  ) => ({
    number: ++sequence,
    title: 'Fax the signed form',
    hurts: 'customers' as const,
    why: 'Nobody has a fax',
    stageId,
    submitterId: ids.employee,
    source: 'command' as const,
    idempotencyKey: key('rule'),
    createdAt: at(createdAt),
    updatedAt: at(createdAt),
    ...over,
  });
  const inserted = await db
    .insert(rules)
    .values([
      rule(onboard, '2026-10-02T10:00:00Z', { status: 'killed', anonymous: true, submitterId: ANONYMOUS }),
      rule(onboard, '2026-10-03T10:00:00Z'),
      // Kept because the law requires it: counted as kept, and no longer open.
      rule(onboard, '2026-10-20T10:00:00Z', { status: 'required_by_law' }),
      rule(onboard, '2026-09-10T10:00:00Z'),
      rule(null, '2026-10-05T10:00:00Z'),
    ])
    .returning({ id: rules.id });
  const [killed, open, kept] = inserted.map((r) => r.id) as [number, number, number];
  const event = (ruleId: number, toStatus: 'accepted' | 'killed' | 'required_by_law', createdAt: string) => ({
    ruleId,
    actorId: ids.cxOfficer,
    action: 'status' as const,
    toStatus,
    createdAt: at(createdAt),
  });
  await db
    .insert(ruleEvents)
    .values([
      event(killed, 'accepted', '2026-10-04T10:00:00Z'),
      event(killed, 'killed', '2026-10-14T10:00:00Z'),
      event(kept, 'required_by_law', '2026-10-22T10:00:00Z'),
    ]);
  await db.insert(ruleVotes).values([
    { ruleId: open, userId: ids.otherEmployee, createdAt: at('2026-10-04T10:00:00Z') },
    { ruleId: open, userId: ids.executive, createdAt: at('2026-10-05T10:00:00Z') },
  ]);

  const call = (
    stageId: number | null,
    callDate: string,
    kind: 'call' | 'visit' | 'frontline',
    result: 'reached' | 'voicemail' | 'no_answer',
    sentiment: 'positive' | 'neutral' | 'negative' | null,
  ) => ({
    loggedBy: ids.executive,
    customer: 'Acme Rockets',
    callDate,
    kind,
    result,
    stageId,
    learned: 'They wait for the fax',
    sentiment,
    idempotencyKey: key('call'),
    createdAt: at(`${callDate}T12:00:00Z`),
  });
  const callRows = await db
    .insert(calls)
    .values([
      ...Array.from({ length: 9 }, () => call(getHelp, '2026-10-08', 'call', 'reached', 'negative')),
      call(onboard, '2026-10-09', 'call', 'reached', 'positive'),
      call(onboard, '2026-10-10', 'call', 'reached', 'positive'),
      call(onboard, '2026-10-11', 'call', 'voicemail', null),
      call(onboard, '2026-10-12', 'visit', 'reached', 'positive'),
    ])
    .returning({ id: calls.id });
  await db.insert(followUps).values({
    callId: (callRows[9] as { id: number }).id,
    ownerId: ids.executive,
    action: 'Send the new form',
    dueDate: '2026-10-15',
    createdAt: at('2026-10-09T12:00:00Z'),
  });

  const story = (stageId: number, kind: 'pain_point' | 'delighted' | 'recovery', createdAt: string) => ({
    body: 'The fax again',
    stageId,
    kind,
    tellerId: ids.employee,
    source: 'command' as const,
    status: 'approved' as const,
    idempotencyKey: key('story'),
    createdAt: at(createdAt),
  });
  await db
    .insert(stories)
    .values([
      ...Array.from({ length: 14 }, (_, i) =>
        story(getHelp, 'pain_point', `2026-10-${String(10 + i).padStart(2, '0')}T09:00:00Z`),
      ),
      story(onboard, 'delighted', '2026-10-12T09:00:00Z'),
    ]);

  const [item] = await db
    .insert(roadmapItems)
    .values({
      title: 'Sign online',
      stageId: onboard,
      status: 'in_progress',
      createdBy: ids.cxOfficer,
      idempotencyKey: key('item'),
      createdAt: at('2026-09-01T10:00:00Z'),
      updatedAt: at('2026-10-05T10:00:00Z'),
    })
    .returning({ id: roadmapItems.id });
  await db.insert(roadmapChanges).values([
    {
      itemId: (item as { id: number }).id,
      actorId: ids.cxOfficer,
      kind: 'created',
      toStatus: 'planned',
      createdAt: at('2026-09-01T10:00:00Z'),
    },
    {
      itemId: (item as { id: number }).id,
      actorId: ids.cxOfficer,
      kind: 'edited',
      fromStatus: 'planned',
      toStatus: 'in_progress',
      createdAt: at('2026-10-05T10:00:00Z'),
    },
  ]);

  const check = (userId: string, answer: 'yes' | 'it_depends' | 'not_yet') => ({
    quarter: '2026-Q4',
    stageId: onboard,
    userId,
    askedAt: at('2026-10-01T09:00:00Z'),
    answer,
    answeredAt: at('2026-10-01T10:00:00Z'),
  });
  await db
    .insert(stageChecks)
    .values([check(STAGE_OWNER, 'it_depends'), check(ids.executive, 'not_yet'), check(ids.cxOfficer, 'yes')]);
  return { stageIds };
}
