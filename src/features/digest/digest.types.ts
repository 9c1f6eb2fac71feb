/** The span of one weekly update: from the previous digest (or a week ago) to now. */
export interface DigestWindow {
  start: Date;
  end: Date;
}

/** What a feature adds to the weekly update. Recognition only: nobody is named for what they did not do. */
export type DigestContribution =
  | {
      kind: 'rules_killed';
      rules: {
        ref: string;
        title: string;
        decisionNote: string | null;
        killedAt: Date;
        /** Who to thank by name: a named submitter who did not opt out (never an anonymous one). */
        thankedId?: string | undefined;
      }[];
    }
  /** Myth-busters: suggestions found not to be rules at all, with the CX office's clarification. */
  | { kind: 'myths_busted'; myths: { ref: string; title: string; clarification: string }[] }
  | { kind: 'leaders_called'; leaders: { userId: string; calls: number }[] };

/**
 * One step of a chain that ends in the update's window, root first: where it came from and what it led
 * to, as `item_links` records it ("origin led to item"). A follow-up stands for the call it came from.
 */
export type ChainStep =
  | {
      kind: 'call';
      /** Who had the conversation (logged it); not when it became an anonymous suggestion. */
      userId: string | undefined;
      callKind: 'call' | 'visit' | 'frontline';
      /** The customer was reached (not a voicemail or no answer). */
      reached: boolean;
      /** What we learned, as typed. */
      learned: string;
    }
  /** `tellerId` only for an approved story the teller let be shared company-wide; else "a colleague". */
  | { kind: 'story'; tellerId: string | undefined }
  /** `submitterId` never for an anonymous suggestion. */
  | { kind: 'rule'; ref: string; submitterId: string | undefined; killed: boolean }
  | { kind: 'roadmap_item'; id: number; title: string };

/** Where a chain ends: a rule killed, or a roadmap item that changed, in the update's window. */
export type ChainEnd = { kind: 'rule'; ref: string } | { kind: 'roadmap_item'; id: number };

/** "A customer told <@exec> about X → RULE-42 → killed": one chain, its first path, and how many roots. */
export interface DigestChain {
  /** Root first; the end is not among them. */
  steps: ChainStep[];
  end: ChainEnd;
  /** How many different beginnings the end has (the line shows one; "raised 3 times"). */
  roots: number;
}
