/**
 * HOST GLUE — the only clock of the host in sim/: the CLI times whole runs
 * for its reports (wall ms beside virtual time). Nothing here ever feeds a
 * simulation, so determinism is untouched.
 */
export function wallNowMs(): number {
  return performance.now();
}
