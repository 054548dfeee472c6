/** What the HTML report embeds as JSON: shared by the generator (Node) and the viewer (browser). */
import type { Verdict } from '../linearizability/types.ts';

/** Most operations the history view draws at once (it pages through the rest). */
export const HISTORY_WINDOW = 400;

export interface ReportOperation {
  readonly client: number;
  readonly call: number;
  /** null: never returned. */
  readonly return: number | null;
  /** One line: the model's describeOperation. */
  readonly text: string;
}

export interface ReportPartition {
  readonly key: string;
  readonly verdict: Verdict;
  /** Indices into `operations`, in call order. */
  readonly operations: readonly number[];
  /** The (longest) linearization found, as indices into `operations`. */
  readonly linearization: readonly number[];
  /** The state after each operation of `linearization`. */
  readonly states: readonly string[];
  readonly failing: number | null;
  readonly steps: number;
}

export interface ReportData {
  readonly title: string;
  readonly model: string;
  readonly verdict: Verdict;
  readonly initialState: string;
  readonly operations: readonly ReportOperation[];
  readonly partitions: readonly ReportPartition[];
  readonly explanation: string;
}
