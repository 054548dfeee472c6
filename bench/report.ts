/**
 * Benchmark of the run report at scale: raft/3C/reliable-churn seed 1 (about
 * 150,000 trace events) written through the CLI as a user does, then opened
 * from disk in headless Chromium, five times: the time from navigation to
 * the first drawing (the page marks #view data-ready), and a pan (drag) to
 * the next drawing, of the whole run and of a 1-second window. Wall-clock
 * figures on a shared machine: the load average is printed beside them.
 * Reproduce with `npm run bench -- report`.
 */
import { statSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { openReport, outDir, settle, simlab, skipReason, startBrowser } from '../e2e/browser.ts';

const OPENS = 5;

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Drags the canvas by a fifth of its width; the time until the next drawing (ms). */
async function timePan(page: Page): Promise<number> {
  const box = (await page.locator('#canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + 120);
  await page.mouse.down();
  const t0 = performance.now();
  await page.mouse.move(box.x + box.width * 0.4, box.y + 120);
  await settle(page);
  const ms = performance.now() - t0;
  await page.mouse.up();
  return ms;
}

export async function run(): Promise<void> {
  const skip = skipReason();
  if (skip !== undefined) return out(skip);
  const file = join(outDir(), 'churn.html');
  const t0 = performance.now();
  const cli = simlab('run', 'raft/3C/reliable-churn', '--seed', '1', '--html', file);
  if (cli.status !== 0) throw new Error(`simlab run failed: ${cli.stderr || cli.stdout}`);
  const writeMs = performance.now() - t0;
  const events = /events (\d+)/.exec(cli.stdout)?.[1];
  out(`report of raft/3C/reliable-churn seed 1: ${(statSync(file).size / 1e6).toFixed(1)} MB, written by the CLI in ${(writeMs / 1000).toFixed(1)}s (${events} world events)`);
  const browser = await startBrowser();
  try {
    const opens: number[] = [];
    const pans: number[] = [];
    const windowPans: number[] = [];
    for (let k = 0; k < OPENS; k++) {
      const page = await browser.context.newPage();
      opens.push(await openReport(page, file));
      pans.push(await timePan(page));
      await page.goto(`${page.url().split('#')[0]}#t0=8000000&t1=9000000`);
      await page.waitForSelector('#view[data-ready="1"]');
      windowPans.push(await timePan(page));
      await page.close();
    }
    const shown = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, best ${Math.min(...xs).toFixed(0)} ms`;
    out(`open to first drawing (${OPENS} opens, headless Chromium): ${shown(opens)}  [load average ${loadavg()[0]!.toFixed(1)}]`);
    out(`pan to the next drawing: whole run ${shown(pans)}; a 1 s window ${shown(windowPans)}`);
  } finally {
    await browser.close();
  }
}
