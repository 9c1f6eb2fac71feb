import { z } from 'zod';
import { type FieldErrors, readViewState } from '../../slack/view-state.js';
import { linksIds } from './links.ids.js';
import { TURN_ORIGIN_KINDS, TURN_TARGETS, type TurnOrigin, type TurnTarget } from './links.types.js';

/** Slack's side of the links: turn buttons and menus, and the link modals, into the service's input. */

const positiveId = z.coerce.number().int().positive();

/** A turn button's value (`call:12`, `follow_up:7`), or undefined for anything else. */
export function readTurnValue(value: string | undefined): TurnOrigin | undefined {
  const [kind, id, ...rest] = (value ?? '').split(':');
  const parsedKind = z.enum(TURN_ORIGIN_KINDS).safeParse(kind);
  const parsedId = positiveId.safeParse(id);
  return parsedKind.success && parsedId.success && rest.length === 0
    ? { kind: parsedKind.data, id: parsedId.data }
    : undefined;
}

/** The App Home menu's choice (`rule:call:12`, `roadmap_item:follow_up:7`). */
export function readTurnChoice(
  value: string | undefined,
): { target: TurnTarget; origin: TurnOrigin } | undefined {
  const [target, ...rest] = (value ?? '').split(':');
  const parsedTarget = z.enum(TURN_TARGETS).safeParse(target);
  const origin = readTurnValue(rest.join(':'));
  return parsedTarget.success && origin ? { target: parsedTarget.data, origin } : undefined;
}

/** A card button's value: the story's or rule's ID. */
export function readLinkSubject(value: string | undefined): number | undefined {
  const parsed = positiveId.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

/** What a link modal carries from open to submit: the story or rule being linked. */
export const linkMetadata = z.object({ id: z.number().int().positive() });

export type LinkChoice = { kind: 'rule' | 'roadmap_item'; id: number };

/** The link modal's pick (`rule:42`, `roadmap_item:7`); a rule's modal takes roadmap items only. */
export function readLinkForm(
  state: unknown,
  subject: 'story' | 'rule',
): { ok: true; data: LinkChoice } | { ok: false; errors: FieldErrors } {
  const picked = readViewState(state)[linksIds.target];
  const [kind, id] = (typeof picked === 'string' ? picked : '').split(':');
  const parsedId = positiveId.safeParse(id);
  const allowed = subject === 'story' ? ['rule', 'roadmap_item'] : ['roadmap_item'];
  if (!parsedId.success || !kind || !allowed.includes(kind)) {
    return {
      ok: false,
      errors: {
        [linksIds.target]: subject === 'story' ? 'Pick a rule or a roadmap item.' : 'Pick a roadmap item.',
      },
    };
  }
  return { ok: true, data: { kind: kind as LinkChoice['kind'], id: parsedId.data } };
}
