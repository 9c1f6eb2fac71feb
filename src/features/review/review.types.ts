/**
 * What the monthly journey-stage review's picture shows: built by review.service.ts from the numbers,
 * drawn by review.chart.ts (vega-lite → SVG → PNG). Labels are the names from settings, as people read them.
 */
export interface ReviewPictureInput {
  /** E.g. "Journey-stage review, October 2026". */
  title: string;
  /** Stage names in settings order (the heatmap's rows); "No stage" last when anything is untagged. */
  stages: string[];
  /** The heatmap's columns, in order: a key and the label people read ("Suggestions made", "Negative calls"). */
  measures: { key: string; label: string }[];
  /** One cell per stage and measure that has a value (missing cells are drawn empty). */
  cells: { stage: string; measure: string; value: number }[];
  /** The 6-month trend: one line per stage of one measure (`trendLabel`), months as YYYY-MM, oldest first. */
  trendLabel: string;
  trend: { month: string; stage: string; value: number }[];
}
