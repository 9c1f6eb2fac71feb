/** One row of a benchmark table. */
export interface BenchRow {
  /** The path did not work at all (errors, wrong count): fails even a smoke run. */
  broken?: boolean;
  path: string;
  measure: string;
  touchpoint: string;
  baseline: string;
  ratio: string;
  target: string;
  ok: boolean | undefined;
}
