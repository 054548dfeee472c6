/**
 * What the browser tests share: finding Debian's chromium, starting it
 * headless with a fresh profile and no background networking, and running
 * the CLI the way a user does (node bin/simlab.mjs, not the sources).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const screenshotDir = join(root, 'e2e', 'screenshots');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The chromium to drive: $SIMLAB_CHROMIUM, else Debian's; undefined when there is none. */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env.SIMLAB_CHROMIUM;
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/** Why the browser tests are skipped, printed once as one line; undefined when they run. */
export function skipReason(): string | undefined {
  if (chromiumPath() !== undefined) return undefined;
  return `browser tests skipped: no chromium at ${CANDIDATES.join(' or ')} (apt-get install -y chromium, or set SIMLAB_CHROMIUM)`;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function startBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'simlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath()!,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `simlab ARGS…` through the launcher, from the project root. */
export function simlab(...args: string[]): CliRun {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'simlab.mjs'), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh folder for the reports a test writes. */
export function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'simlab-e2e-'));
}

/** Opens a report file and waits for its first drawing (a run report marks #view data-ready then); returns the time that took (ms). */
export async function openReport(page: Page, file: string, fragment = ''): Promise<number> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const t0 = performance.now();
  await page.goto(pathToFileURL(file).href + fragment);
  await page.waitForSelector('#view[data-ready="1"], #canvas svg', { timeout: 20_000 });
  const ms = performance.now() - t0;
  if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
  return ms;
}

/** Waits until the page has drawn what the last input asked for (two animation frames). */
export async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
