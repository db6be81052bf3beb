/**
 * One row of the benchmark table: ours against the peer a user would pick instead, measured in the same run.
 * Every suite in `bench/suites/*.ts` exports `run(): Promise<BenchRow[]>`; `run.ts` collects them into the table,
 * `results/latest.json`, `BENCHMARKS.md` and the chart.
 */
export interface BenchRow {
  /** The measure, as the table names it (e.g. "min+gzip useSSE + useConnectionState"). */
  readonly measure: string;
  /** Our figure. */
  readonly ours: Figure;
  /** The peer's figure in the same run; absent when there is no peer (a report-only row). */
  readonly peer?: Figure & { readonly name: string };
  /**
   * The goal, as a ratio ours/peer (`'ratio'`) or an absolute value of `ours` (`'value'`), and which way is better.
   * Absent: report only.
   */
  readonly target?: { readonly kind: 'ratio' | 'value'; readonly op: '<=' | '>='; readonly value: number };
  /** Details worth a footnote: sample counts, spread, what the peer could not do. */
  readonly note?: string;
}

export interface Figure {
  readonly value: number;
  /** 'B', 'µs', 'deliveries/s', 'KiB', 'MB/s', 'commits/s', 'ms', … */
  readonly unit: string;
}

/** ours / peer, when there is a peer. */
export function ratioOf(row: BenchRow): number | undefined {
  return row.peer && row.peer.value !== 0 ? row.ours.value / row.peer.value : undefined;
}

/** Whether the row meets its target (undefined when it has none). */
export function isMet(row: BenchRow): boolean | undefined {
  if (!row.target) return undefined;
  const measured = row.target.kind === 'ratio' ? ratioOf(row) : row.ours.value;
  if (measured === undefined) return undefined;
  return row.target.op === '<=' ? measured <= row.target.value : measured >= row.target.value;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
