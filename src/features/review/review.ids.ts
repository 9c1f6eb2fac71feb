/** Block IDs of the monthly journey-stage review (no buttons: it is read, and the CSV holds the numbers). */
export const reviewIds = {
  /** `/touchpoint stages [YYYY-MM]`. */
  subcommand: 'stages',
  summaryIntro: 'review.intro',
  summaryGaps: 'review.gaps',
  summaryStages: 'review.stages',
  summaryHealth: 'review.health',
  homeHealth: 'review.home.health',
} as const;
