import { asc } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { journeyStages } from './stages.schema.js';

export type JourneyStage = typeof journeyStages.$inferSelect;

export const DEFAULT_JOURNEY_STAGES = ['Discover', 'Buy', 'Onboard', 'Use', 'Get help', 'Renew'] as const;

/** The second, optional tag of a rule or story: the critical touch-point category (journey stage). */
export const TOUCHPOINT_CATEGORIES = {
  at_risk: 'Managing customers at risk',
  needs: 'Responding to customer needs',
  bond: 'Increasing the bond with relevant value-add',
  growth: 'Earning the right to revenue growth',
} as const;
export type TouchpointCategory = keyof typeof TOUCHPOINT_CATEGORIES;

// Every form reads the stages, and they change a few times a year: each process keeps the list for a few
// seconds. Its own changes show at once (`forgetJourneyStages`); another replica's within that time.
const STAGES_TTL_MS = 5_000;
const cachedStages = new WeakMap<Db, { at: number; stages: Promise<JourneyStage[]> }>();

/** Stages in their order, including retired ones (old items keep their tag). Seeds the defaults once. */
export function listJourneyStages(db: Db): Promise<JourneyStage[]> {
  const cached = cachedStages.get(db);
  if (cached && Date.now() - cached.at < STAGES_TTL_MS) return cached.stages;
  const stages = readJourneyStages(db);
  cachedStages.set(db, { at: Date.now(), stages });
  stages.catch(() => cachedStages.delete(db));
  return stages;
}

/** After this process changed the stages: the next read goes to the database. */
export function forgetJourneyStages(db: Db): void {
  cachedStages.delete(db);
}

async function readJourneyStages(db: Db): Promise<JourneyStage[]> {
  const rows = await db
    .select()
    .from(journeyStages)
    .orderBy(asc(journeyStages.position), asc(journeyStages.id));
  if (rows.length > 0) return rows;
  await seedDefaultStages(db);
  return db.select().from(journeyStages).orderBy(asc(journeyStages.position), asc(journeyStages.id));
}

/** Stages people can pick for new items. */
export async function listActiveJourneyStages(db: Db): Promise<JourneyStage[]> {
  return (await listJourneyStages(db)).filter((stage) => stage.retiredAt === null);
}

async function seedDefaultStages(db: Db): Promise<void> {
  // Replicas may seed at once: the unique name index keeps one row per stage.
  await db
    .insert(journeyStages)
    .values(DEFAULT_JOURNEY_STAGES.map((name, position) => ({ name, position })))
    .onConflictDoNothing();
}
