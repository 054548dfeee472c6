/**
 * `npm run e2e`: the HTML reports as a person meets them. Every report is
 * written by the CLI (node bin/simlab.mjs) and opened from disk in headless
 * Chromium; the assertions go through the DOM. Screenshots land in
 * e2e/screenshots/ (ignored by git).
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { porcupineDataDir } from '../checkers/shared-data.ts';
import { openReport, outDir, screenshot, settle, simlab, skipReason, startBrowser, type Browser } from './browser.ts';

const skip = skipReason();
if (skip !== undefined) console.log(skip);

const BUGGY_RAFT = 'raft=scenarios/properties/testdata/no-election-restriction.ts';

/** The report file a CLI run wrote, from its "report: PATH" line. */
function reportPath(stdout: string): string {
  const m = /^report: (.+)$/m.exec(stdout);
  if (m === null) throw new Error(`no "report:" line in:\n${stdout}`);
  return m[1]!;
}

/** The cursor's state table, row by row: node → its cells. */
async function stateTable(page: Page): Promise<Map<string, string[]>> {
  const rows = await page.$$eval('#states tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  return new Map(rows.map((cells) => [cells[0]!, cells.slice(1)]));
}

/** Clicks the canvas at a time fraction of the window, on the lane of `node`. */
async function clickLane(page: Page, node: string, fraction: number): Promise<void> {
  const lane = await page.locator(`.lane-name[data-lane="${node}"]`).boundingBox();
  const canvas = await page.locator('#canvas').boundingBox();
  await page.mouse.click(canvas!.x + canvas!.width * fraction, lane!.y + lane!.height - 11);
  await settle(page);
}

async function windowOf(page: Page): Promise<[number, number]> {
  await settle(page);
  const t0 = Number(await page.locator('#canvas').getAttribute('data-t0'));
  const t1 = Number(await page.locator('#canvas').getAttribute('data-t1'));
  return [t0, t1];
}

describe.skipIf(skip !== undefined)('HTML reports in Chromium', () => {
  let browser: Browser;
  let page: Page;
  const dir = outDir();

  beforeAll(async () => {
    browser = await startBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeAll(async () => {
    page = await browser.context.newPage();
  });

  it('a passing Raft run: the cursor shows each server\'s term, filters hide lanes, the view survives in the link', async () => {
    const run = simlab('run', 'raft/3C/figure8-unreliable', '--seed', '1', '--html', join(dir, 'figure8.html'));
    expect(run.status).toBe(0);
    const file = reportPath(run.stdout);
    await openReport(page, file);
    expect(await page.locator('h1').textContent()).toContain('PASS raft/3C/figure8-unreliable seed=1');
    expect(await page.locator('#replay').textContent()).toBe('npx simlab run raft/3C/figure8-unreliable --seed 1');
    await page.click('#zoom-in');
    await page.click('#zoom-in');
    await settle(page);
    await clickLane(page, '2', 0.5);
    const states = await stateTable(page);
    for (const node of ['0', '1', '2', '3', '4']) {
      const [role, term] = states.get(node)!;
      expect(['leader', 'follower', 'candidate', 'down']).toContain(role);
      expect(Number(term)).toBeGreaterThan(0);
    }
    expect(await page.locator('#recent li').count()).toBeGreaterThan(3);
    await screenshot(page, 'raft-pass-cursor');

    await page.click('details.filters summary');
    await page.uncheck('#filter-nodes input[data-name="3"]');
    await expect.poll(() => page.locator('.lane-name[data-lane="3"]').count()).toBe(0);
    expect(await page.locator('.lane-name[data-lane="2"]').count()).toBe(1);
    expect(await page.locator('#states tr[data-node="3"]').count()).toBe(0);
    await page.uncheck('#filter-kinds input[data-name="timer"]');
    await settle(page);
    await expect.poll(() => page.url()).toMatch(/kinds=timer/);
    const link = page.url();
    expect(link).toMatch(/hide=([^&]*,)?3(,|&|$)/);

    const other = await browser.context.newPage();
    await openReport(other, file, new URL(link).hash);
    expect(await other.locator('.lane-name[data-lane="3"]').count()).toBe(0);
    expect(await windowOf(other)).toEqual(await windowOf(page));
    expect(await other.locator('#filter-kinds input[data-name="timer"]').isChecked()).toBe(false);
    await other.close();

    await page.fill('#search', 'RequestVote');
    await settle(page);
    expect(await page.locator('#search-info').textContent()).toMatch(/^\d+ matches/);
  });

  it('a failing bug-zoo run opens at the failure: the marked event in view and in the list, the guilty leader in the table', async () => {
    const run = simlab('run', 'raft/3C/persist2', '--seed', '1', '--impl', BUGGY_RAFT, '--html', join(dir, 'bug.html'));
    expect(run.status).toBe(1);
    await openReport(page, reportPath(run.stdout));
    expect(await page.locator('#failure').textContent()).toContain('safety: leader-completeness');
    const failing = page.locator('#recent li.failing');
    expect(await failing.isVisible()).toBe(true);
    expect(await failing.textContent()).toMatch(/2\.262206s\s+0\s+fact \{"type":"raft\/leader","term":4/);
    const [t0, t1] = await windowOf(page);
    expect(t0).toBeLessThan(2_262_206);
    expect(t1).toBeGreaterThan(2_262_206);
    const [role, term, , lastIndex] = (await stateTable(page)).get('0')!;
    expect([role, term, lastIndex]).toEqual(['leader', '4', '1']);
    await screenshot(page, 'bug-zoo-failure');

    await page.selectOption('#step-node', '0');
    await page.click('#next');
    await settle(page);
    const after = await page.locator('#recent li.at-cursor').textContent();
    expect(after).toMatch(/^\s*2\.\d+s\s+0\s/);
    await page.click('#prev');
    await settle(page);
    expect(await page.locator('#recent li.at-cursor').textContent()).toBe(await failing.textContent());
  });

  it('a replayed property failure (artifact → replay --html) shows the fault schedule and opens at the failure', async () => {
    const artifacts = mkdtempSync(join(dir, 'artifacts-'));
    const prop = simlab('prop', 'prop/raft/safety', '--seed', '1', '--runs', '30', '--impl', BUGGY_RAFT, '--artifact-dir', artifacts);
    expect(prop.status).toBe(1);
    const artifact = join(artifacts, readdirSync(artifacts)[0]!);
    const replay = simlab('replay', artifact, '--html', join(dir, 'replay.html'));
    expect(replay.status).toBe(1);
    await openReport(page, reportPath(replay.stdout));
    expect(await page.locator('#replay').textContent()).toBe(`npx simlab replay ${artifact}`);
    expect(await page.locator('#log').textContent()).toMatch(/\d+\.\d{3}s (partition|isolate|cut|disconnect|crash|restart|hold|flap) /);
    expect(await page.locator('#recent li.failing').isVisible()).toBe(true);
  });

  it('an illegal Porcupine history (check --html): the operation that cannot be placed is in view on load', async () => {
    const file = join(porcupineDataDir(), 'jepsen', 'etcd_000.log');
    const run = simlab('check', file, '--html', join(dir, 'etcd.html'));
    expect(run.status).toBe(1);
    await openReport(page, reportPath(run.stdout));
    expect(await page.locator('p').first().textContent()).toContain('1 partition ·');
    const bar = await page.locator('rect.op.failing').boundingBox();
    const pane = await page.locator('#canvas .scroller').boundingBox();
    expect(bar).not.toBeNull();
    expect(bar!.x).toBeGreaterThanOrEqual(pane!.x);
    expect(bar!.x + bar!.width).toBeLessThanOrEqual(pane!.x + pane!.width);
    expect(await page.locator('text.failmark').textContent()).toBe('✗ cannot be placed: read() → 2');
    await screenshot(page, 'porcupine-illegal');
  });

  it('a 100,000-event run opens, draws only its window and pans', async () => {
    const run = simlab('run', 'raft/3C/reliable-churn', '--seed', '1', '--html', join(dir, 'churn.html'));
    expect(run.status).toBe(0);
    const ms = await openReport(page, reportPath(run.stdout));
    console.log(`100,000-event report: opened in ${ms.toFixed(0)} ms`);
    const events = Number(/ (\d+) events/.exec((await page.locator('#meta').textContent())!)![1]);
    expect(events).toBeGreaterThan(100_000);
    await page.click('#zoom-in');
    const before = await windowOf(page);
    const canvas = (await page.locator('#canvas').boundingBox())!;
    await page.mouse.move(canvas.x + canvas.width * 0.6, canvas.y + 100);
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width * 0.3, canvas.y + 100, { steps: 8 });
    await page.mouse.up();
    const after = await windowOf(page);
    expect(after[0]).toBeGreaterThan(before[0]);
    expect(after[1] - after[0]).toBeCloseTo(before[1] - before[0], -1);
    await screenshot(page, 'churn-100k');
  });
});
