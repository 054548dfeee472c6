/**
 * The browser script of a report page. The CLI bundle carries every viewer
 * pre-built (bin/simlab.mjs sets them on globalThis from its banner); run
 * from sources (tests, tsx) a viewer is bundled here once per process, the
 * same way.
 */
import { buildSync } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type ViewerName = 'history' | 'run';

const built = new Map<ViewerName, string>();

function embedded(name: ViewerName): string | undefined {
  return (globalThis as { __simlabViewers?: Partial<Record<ViewerName, string>> }).__simlabViewers?.[name];
}

function bundleFromSource(name: ViewerName): string {
  const files = JSON.parse(readFileSync(fileURLToPath(new URL('./viewers.json', import.meta.url)), 'utf8')) as Record<string, string>;
  return buildSync({
    entryPoints: [fileURLToPath(new URL(`./${files[name]}`, import.meta.url))],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    minify: true,
    logLevel: 'silent',
  }).outputFiles[0]!.text;
}

/** The viewer's script, ready to inline in a page. */
export function viewerScript(name: ViewerName): string {
  const inline = embedded(name);
  if (inline !== undefined) return inline;
  let script = built.get(name);
  if (script === undefined) built.set(name, (script = bundleFromSource(name)));
  return script;
}
