import { z } from 'zod';

/**
 * Where a one-click turn starts: a logged call (its learning) or one of its follow-ups. Carried in the
 * turn buttons' values and in the opened modal's `private_metadata`, and checked again on submission.
 */
export const TURN_ORIGIN_KINDS = ['call', 'follow_up'] as const;
export const turnOriginSchema = z.object({
  kind: z.enum(TURN_ORIGIN_KINDS),
  id: z.number().int().positive(),
});
export type TurnOrigin = z.infer<typeof turnOriginSchema>;

/** What a turn makes of its origin: a suggestion to kill a rule, or a roadmap item (CX office only). */
export const TURN_TARGETS = ['rule', 'roadmap_item'] as const;
export type TurnTarget = (typeof TURN_TARGETS)[number];
