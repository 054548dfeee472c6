/**
 * `npm run bench [-- NAME…]`: runs the benchmarks in bench/ (each a module
 * exporting run()), all of them or the named ones, and prints their figures.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
  .map((f) => f.slice(0, -3))
  .sort((a, b) => (a === 'kernel' ? -1 : b === 'kernel' ? 1 : a.localeCompare(b)));
const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!available.includes(w)) {
    console.error(`bench: unknown benchmark "${w}" (available: ${available.join(', ')})`);
    process.exit(2);
  }
}
for (const name of wanted.length ? wanted : available) {
  console.log(`\n== ${name} ==`);
  const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { run(): Promise<void> };
  await mod.run();
}
