/** History files: the formats simlab reads, and how to tell them apart. */
import { parseEtcdLog } from './etcd.ts';
import { parseKvLog } from './kv.ts';
import { parseSimlabHistory } from './simlab.ts';
import type { Operation } from '../linearizability/types.ts';

export { HistoryFormatError } from './errors.ts';
export { parseEtcdLog } from './etcd.ts';
export { parseKvLog } from './kv.ts';
export { formatHistory, parseSimlabHistory, SIMLAB_HISTORY_VERSION, type SimlabHistory } from './simlab.ts';

export const FORMATS = ['etcd', 'kv', 'simlab'] as const;
export type HistoryFormat = (typeof FORMATS)[number];

/** The model each format's histories are checked with, unless told otherwise. */
export const DEFAULT_MODEL: Record<HistoryFormat, string | undefined> = { etcd: 'etcd', kv: 'kv', simlab: undefined };

/** Guesses the format from the first non-blank line, else from the file name's extension; undefined when nothing fits. */
export function detectFormat(text: string, file: string): HistoryFormat | undefined {
  const first = text.split('\n').find((line) => line.trim() !== '')?.trim();
  if (first?.startsWith('INFO')) return 'etcd';
  if (first?.startsWith('{:')) return 'kv';
  if (first?.startsWith('{"')) return 'simlab';
  if (first !== undefined) return undefined;
  if (file.endsWith('.log')) return 'etcd';
  if (file.endsWith('.txt') || file.endsWith('.edn')) return 'kv';
  if (file.endsWith('.jsonl') || file.endsWith('.json')) return 'simlab';
  return undefined;
}

export interface ParsedHistory {
  /** The model the file names (simlab header), if any. */
  readonly model: string | undefined;
  readonly operations: Operation<unknown, unknown>[];
  /** The 1-based line each operation was read from (its call line). */
  readonly lines: number[] | undefined;
}

/** Parses `text` in `format`; throws HistoryFormatError naming `file` and the line. */
export function parseHistory(text: string, file: string, format: HistoryFormat): ParsedHistory {
  switch (format) {
    case 'etcd':
      return { model: undefined, operations: parseEtcdLog(text, file), lines: undefined };
    case 'kv':
      return { model: undefined, operations: parseKvLog(text, file), lines: undefined };
    case 'simlab':
      return parseSimlabHistory(text, file);
  }
}
