/**
 * Where the project's shared, read-only material lives: ../shared beside the
 * repository, or the folder named by the SIMLAB_SHARED environment variable.
 * Data is read from there at run time, never copied into the repository.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(fileURLToPath(new URL('..', import.meta.url)));

export function sharedDir(): string {
  return path.resolve(process.env.SIMLAB_SHARED ?? path.resolve(repoRoot, '../shared'));
}

/** Porcupine's test histories and verdicts.csv. */
export function porcupineDataDir(): string {
  return path.join(sharedDir(), 'data', 'porcupine');
}
