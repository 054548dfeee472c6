#!/usr/bin/env node
// Builds what the package ships (npm pack runs this as prepack): the CLI bundle
// dist/simlab.mjs (as the launcher bin/simlab.mjs builds it), the library bundle dist/lib.mjs (`import … from 'simlab'`) and
// its type declarations in dist/types, whose relative imports are rewritten from
// .ts to .js so that a user project's TypeScript resolves them to the .d.ts files.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' };

execFileSync(process.execPath, [join(root, 'bin', 'simlab.mjs'), '--version'], { stdio: 'ignore' }); // brings dist/simlab.mjs up to date
await esbuild.build({ ...common, entryPoints: [join(root, 'lib', 'index.ts')], outfile: join(root, 'dist', 'lib.mjs') });

const types = join(root, 'dist', 'types');
rmSync(types, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.lib.json')], { stdio: 'inherit' });

function rewrite(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) rewrite(p);
    else if (e.name.endsWith('.d.ts')) writeFileSync(p, readFileSync(p, 'utf8').replace(/(from\s+|import\()(['"])(\.\.?\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
  }
}
rewrite(types);
