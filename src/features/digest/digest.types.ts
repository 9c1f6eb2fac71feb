/** The span of one weekly update: from the previous digest (or a week ago) to now. */
export interface DigestWindow {
  start: Date;
  end: Date;
}

/** What a feature adds to the weekly update. Recognition only: nobody is named for what they did not do. */
export type DigestContribution =
  | {
      kind: 'rules_killed';
      rules: { ref: string; title: string; decisionNote: string | null; killedAt: Date }[];
    }
  | { kind: 'leaders_called'; leaders: { userId: string; calls: number }[] };
