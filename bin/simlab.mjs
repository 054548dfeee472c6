#!/usr/bin/env node
// Launcher for the simlab CLI: rebuilds dist/simlab.mjs from the TypeScript
// sources with esbuild when any source is newer than the bundle (about 0.1 s),
// then runs it. Starting the CLI otherwise costs one Node start-up. The HTML
// reports' browser scripts are bundled first and set on globalThis by the
// bundle's banner, so the CLI never needs their sources at run time.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'dist', 'simlab.mjs');
const SOURCES = ['sim', 'protocols', 'scenarios', 'checkers', 'lib', 'bin'];
/** How a report viewer is bundled; checkers/report/viewer-build.ts builds the same way in-process. */
const VIEWER_BUILD = { bundle: true, write: false, platform: 'browser', format: 'iife', minify: true, logLevel: 'error' };

function newestSource(dir, newest = 0) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return newest;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = newestSource(p, newest);
    else if (/\.(ts|mjs|js|json|css|html)$/.test(e.name) && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** The report viewers (checkers/report/viewers.json names them), each bundled for the browser to one string. */
async function bundleViewers(esbuild) {
  const dir = join(root, 'checkers', 'report');
  const names = JSON.parse(readFileSync(join(dir, 'viewers.json'), 'utf8'));
  const viewers = {};
  for (const [name, file] of Object.entries(names)) {
    const out = await esbuild.build({ ...VIEWER_BUILD, entryPoints: [join(dir, file)] });
    viewers[name] = out.outputFiles[0].text;
  }
  return viewers;
}

async function ensureBundle() {
  const built = existsSync(bundle) ? statSync(bundle).mtimeMs : 0;
  let newest = 0;
  for (const d of SOURCES) newest = newestSource(join(root, d), newest);
  newest = Math.max(newest, statSync(join(root, 'package.json')).mtimeMs);
  if (built >= newest) return;
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    process.stderr.write('simlab: esbuild is missing — run `npm ci` (or `npm install`) in ' + root + ' first\n');
    process.exit(2);
  }
  mkdirSync(join(root, 'dist'), { recursive: true });
  const viewers = await bundleViewers(esbuild);
  const tmp = `${bundle}.${process.pid}.tmp.mjs`;
  await esbuild.build({
    entryPoints: [join(root, 'bin', 'main.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: tmp,
    packages: 'external',
    logLevel: 'error',
    banner: { js: `globalThis.__simlabViewers = ${JSON.stringify(viewers)};` },
  });
  renameSync(tmp, bundle); // atomic: concurrent launchers never see half a bundle
}

await ensureBundle();
await import(pathToFileURL(bundle).href);
