/**
 * checkers/: what simlab checks histories and runs with. The linearizability
 * checker and the history formats are here; the HTML report
 * (checkers/report/index.ts) and the `check` command (checkers/cli.ts) are
 * imported from their own files, so that code which only checks does not
 * load esbuild.
 */
export * from './linearizability/index.ts';
export {
  detectFormat,
  formatHistory,
  FORMATS,
  HistoryFormatError,
  parseEtcdLog,
  parseHistory,
  parseKvLog,
  parseSimlabHistory,
  SIMLAB_HISTORY_VERSION,
  type HistoryFormat,
  type ParsedHistory,
  type SimlabHistory,
} from './history/index.ts';
export * from './raft/index.ts';
