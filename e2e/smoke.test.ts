/**
 * The browser check inside `npm test`: one run report and one history report,
 * written by the CLI and opened in Chromium, must draw without a script
 * error and show what they are for. The full suite is `npm run e2e`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { porcupineDataDir } from '../checkers/shared-data.ts';
import { openReport, outDir, simlab, skipReason, startBrowser, type Browser } from './browser.ts';

const skip = skipReason();
if (skip !== undefined) console.log(skip);

describe.skipIf(skip !== undefined)('reports open in Chromium', () => {
  let browser: Browser;
  const dir = outDir();
  beforeAll(async () => {
    browser = await startBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a Raft run report shows every server with a term at its end', async () => {
    const run = simlab('run', 'raft/3A/initial-election', '--html', join(dir, 'run.html'));
    expect(run.status).toBe(0);
    const page = await browser.context.newPage();
    await openReport(page, join(dir, 'run.html'));
    const terms = await page.$$eval('#states tr', (trs) => trs.map((tr) => tr.querySelectorAll('td')[2]?.textContent ?? ''));
    expect(terms.filter((t) => Number(t) > 0)).toHaveLength(3);
  });

  it('a history report marks the operation that cannot be placed', async () => {
    const run = simlab('check', join(porcupineDataDir(), 'jepsen', 'etcd_000.log'), '--html', join(dir, 'etcd.html'));
    expect(run.status).toBe(1);
    const page = await browser.context.newPage();
    await openReport(page, join(dir, 'etcd.html'));
    expect(await page.locator('rect.op.failing').count()).toBe(1);
  });
});
