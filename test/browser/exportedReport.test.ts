// The exported HTML in headless chromium: offline (no request but the file), no console error, no
// CSP violation; every view shows the report's numbers (read back from data attributes and
// compared with the JSON); keyboard navigation; screenshots of each view in light and dark.

import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ProfileReport } from '../../src/engine/report/profileReport';
import { makeSampleReport } from '../unit/report/sampleReport';
import { ARTIFACTS, openReport, openSession, showView, sweepRowsShown, waitForCharts, type Opened, type Session } from './harness';
import { VIEW_IDS as VIEWS } from '../../src/webview/reportViews';

let s: Session;
let report: ProfileReport;
let o: Opened;

before(async () => {
  s = await openSession();
  report = makeSampleReport();
  o = await openReport(s, report, 'sample');
  await o.page.waitForSelector('#app[data-ready="true"]');
});

after(async () => {
  await s?.close();
});

const num = (v: string | null | undefined) => (v === 'Infinity' ? Infinity : Number(v));

test('renders offline, without console errors or CSP violations', async () => {
  for (const v of VIEWS) {
    await showView(o.page, v);
    if (['refetch', 'latency', 'sweep'].includes(v)) assert.ok((await waitForCharts(o.page, v)) > 0, `${v}: charts drawn`);
  }
  await showView(o.page, 'summary');
  assert.deepEqual(o.requests, []);
  assert.deepEqual(o.consoleErrors, []);
  assert.deepEqual(await o.cspViolations(), []);
  const tabs = await o.page.$$eval('vscode-tab-header', (els) => els.map((e) => (e as HTMLElement).dataset.view));
  assert.deepEqual(tabs, VIEWS);
});

test('summary cards show every summary quantity with unit and provenance', async () => {
  await showView(o.page, 'summary');
  const cards = await o.page.$$eval('[data-metric]', (els) =>
    els
      .filter((e) => e.closest('vscode-tab-panel')?.getAttribute('data-view') === 'summary')
      .map((e) => {
        const n = e.querySelector<HTMLElement>('.num')!;
        return { key: (e as HTMLElement).dataset.metric!, value: n.dataset.value, unit: n.dataset.unit, source: n.dataset.source, text: n.textContent, badge: e.querySelector('.prov')?.textContent };
      }),
  );
  assert.deepEqual(cards.map((c) => c.key).sort(), Object.keys(report.summary).sort());
  for (const c of cards) {
    const q = report.summary[c.key];
    assert.equal(num(c.value), q.value, c.key);
    assert.equal(c.unit, q.unit);
    assert.equal(c.source, q.source);
    assert.ok(c.badge && c.badge.length > 0, `${c.key} has a provenance badge`);
    assert.ok(c.text && c.text.length > 0);
  }
  // Baseline ratios are baseline / SpAtten from the same quantities.
  const b = await o.page.$$eval('tr[data-baseline]', (rows) => rows.map((r) => ({ name: (r as HTMLElement).dataset.baseline, speedup: r.querySelector<HTMLElement>('[data-field="speedup"] .num')?.dataset.value })));
  const baselines = [...report.baselines, ...(report.measuredBaselines ?? [])];
  assert.equal(b.length, baselines.length);
  for (const x of b) {
    const base = baselines.find((y) => y.name === x.name)!;
    assert.equal(num(x.speedup), base.latency.value / report.summary.latency.value);
  }
  // Text from the report is text, never markup.
  assert.equal(await o.page.textContent('.file-name'), report.model.fileName);
  assert.equal(await o.page.$$eval('.policy-name b, .file-name *, .warnings li *', (e) => e.length), 0);
});

test('token view: one row per layer, importance, rank and pruning state per cell', async () => {
  await showView(o.page, 'tokens');
  const cells = await o.page.$$eval('.tok[data-layer]', (els) => els.map((e) => { const d = (e as HTMLElement).dataset; return [Number(d.layer), Number(d.token), d.value, Number(d.rank), d.pruned ?? '', e.textContent]; }));
  const L = report.tokens.cumulativeImportance.length;
  const N = report.input.tokens.length;
  assert.equal(cells.length, L * N);
  for (const [l, t, v, r, p, text] of cells as [number, number, string, number, string, string][]) {
    assert.equal(num(v), report.tokens.cumulativeImportance[l][t]);
    assert.equal(r, report.tokens.rank[l][t]);
    const pa = report.tokens.prunedAtLayer[t];
    assert.equal(p, pa >= 0 && pa < l ? 'before' : pa === l ? 'here' : '', `layer ${l} token ${t}`);
    if (report.input.tokens[t].text.trim() !== '') assert.equal(text, report.input.tokens[t].text);
  }
  // Markup in token text stays text.
  assert.equal(await o.page.$$eval('.token-grid b, .token-grid script', (e) => e.length), 0);
  const kept = await o.page.$$eval('.layer-kept', (els) => els.map((e) => [Number((e as HTMLElement).dataset.tokensIn), Number((e as HTMLElement).dataset.tokensKept)]));
  assert.deepEqual(kept, report.tokens.layers.map((x) => [x.tokensIn, x.tokensKept]));
});

test('token grid keyboard navigation and the per-layer detail', async () => {
  await showView(o.page, 'tokens');
  const p = o.page;
  await p.click('.tok[data-layer="0"][data-token="2"]');
  const focused = () => p.evaluate(() => { const d = (document.activeElement as HTMLElement).dataset; return [Number(d.layer), Number(d.token)]; });
  assert.deepEqual(await focused(), [0, 2]);
  await p.keyboard.press('ArrowRight');
  assert.deepEqual(await focused(), [0, 3]);
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('ArrowDown');
  assert.deepEqual(await focused(), [2, 3]);
  await p.keyboard.press('End');
  assert.deepEqual(await focused(), [2, report.input.tokens.length - 1]);
  await p.keyboard.press('Home');
  await p.keyboard.press('Enter');
  const detail = await p.$$eval('[data-token-detail="0"] tr[data-detail-layer]', (rows) => rows.map((r) => [r.querySelector<HTMLElement>('.num')!.dataset.value, Number(r.querySelector<HTMLElement>('[data-rank]')!.dataset.rank)]));
  assert.deepEqual(detail.map(([v, r]) => [num(v as string), r]), report.tokens.cumulativeImportance.map((row, l) => [row[0], report.tokens.rank[l][0]]));
  assert.equal(await p.$$eval('.tok.selected', (e) => e.length), report.tokens.cumulativeImportance.length);
  // The overview map: a click on (token 10, layer 2) selects that token.
  const box = (await p.$('.token-overview'))!;
  const r = (await box.boundingBox())!;
  assert.equal(await box.getAttribute('data-tokens'), String(report.input.tokens.length));
  await p.mouse.click(r.x + (10.5 / report.input.tokens.length) * r.width, r.y + 2 * 11 + 5);
  assert.deepEqual(await focused(), [2, 10]);
  assert.equal(await p.$$eval('.tok.selected', (els) => els.every((e) => (e as HTMLElement).dataset.token === '10')), true);
});

test('head, refetch and latency views carry the report numbers', async () => {
  const p = o.page;
  await showView(p, 'heads');
  const heads = await p.$$eval('td.head-cell', (els) => els.map((e) => { const d = (e as HTMLElement).dataset; return [Number(d.layer), Number(d.head), d.value, d.pruned ?? '']; }));
  assert.equal(heads.length, report.heads.importance.length * report.model.heads);
  for (const [l, h, v, pr] of heads as [number, number, string, string][]) {
    assert.equal(num(v), report.heads.importance[l][h]);
    const pa = report.heads.prunedAtLayer[h];
    assert.equal(pr, pa >= 0 && pa < l ? 'before' : pa === l ? 'here' : '');
  }
  await showView(p, 'refetch');
  const rf = await p.$$eval('td.refetch-cell', (els) => els.map((e) => { const d = (e as HTMLElement).dataset; return [Number(d.layer), Number(d.head), Number(d.rows), Number(d.refetched)]; }));
  for (const [l, h, r, f] of rf) {
    assert.equal(r, report.refetch.rows[l][h]);
    assert.equal(f, report.refetch.refetched[l][h]);
  }
  await showView(p, 'latency');
  const rows = await p.$$eval('tr[data-layer][data-cycles]', (els) => els.map((e) => { const d = (e as HTMLElement).dataset; return [Number(d.layer), Number(d.cycles), Number(d.denseCycles), d.bound, e.querySelector<HTMLElement>('[data-field="dramBytes"] .num')!.dataset.value]; }));
  assert.equal(rows.length, report.layers.length);
  for (const [l, c, d, b, dram] of rows as [number, number, number, string, string][]) {
    const x = report.layers[l];
    assert.deepEqual([c, d, b], [x.cycles, x.denseCycles, x.bound]);
    assert.equal(num(dram), x.dramBytes.kMsb + x.dramBytes.kLsb + x.dramBytes.v + x.dramBytes.q);
  }
  const total = await p.$eval('[data-metric="totalCycles"] .num', (e) => (e as HTMLElement).dataset.value);
  assert.equal(num(total), report.layers.reduce((a, x) => a + x.cycles, 0));
});

test('timeline: unit busy cycles, zoom and pan by keyboard', async () => {
  const p = o.page;
  await showView(p, 'timeline');
  const tl = report.timeline!;
  const busy = await p.$$eval('tr[data-unit]', (els) => els.map((e) => [(e as HTMLElement).dataset.unit, Number((e as HTMLElement).dataset.busy)]));
  assert.deepEqual(busy, tl.units.map((u, i) => [u, tl.unit.reduce((a, x, k) => a + (x === i ? tl.end[k] - tl.start[k] : 0), 0)]));
  const win = () => p.$eval('.timeline-canvas', (c) => [Number((c as HTMLElement).dataset.viewStart), Number((c as HTMLElement).dataset.viewEnd)]);
  const [a0, a1] = await win();
  assert.equal(a0, Math.min(...tl.start));
  assert.equal(a1, Math.max(...tl.end));
  await p.focus('.timeline-canvas');
  await p.keyboard.press('+');
  await p.keyboard.press('+');
  const [b0, b1] = await win();
  assert.ok(b1 - b0 < (a1 - a0) * 0.7, 'zoomed in');
  await p.keyboard.press('ArrowRight');
  const [c0] = await win();
  assert.ok(c0 > b0, 'panned right');
  await p.keyboard.press('0');
  assert.deepEqual(await win(), [a0, a1]);
});

test('accuracy view: metrics and top labels', async () => {
  const p = o.page;
  await showView(p, 'accuracy');
  const metrics = await p.$$eval('[data-accuracy-metric]', (els) => els.map((e) => [(e as HTMLElement).dataset.accuracyMetric, e.querySelector<HTMLElement>('.num')!.dataset.value]));
  assert.deepEqual(metrics.map(([k, v]) => [k, num(v)]), Object.entries(report.accuracy.metrics).map(([k, q]) => [k, q.value]));
  const dense = await p.$$eval('table[data-table="top"] td[data-field="dense"][data-value]', (els) => els.map((e) => Number((e as HTMLElement).dataset.value)));
  assert.deepEqual(dense, report.accuracy.denseTop.map((x) => x.probability));
});

test('sweep view: speedup and DRAM reduction on their own axes, the metric with its interval, the table', async () => {
  const p = o.page;
  const { shown, expected } = await sweepRowsShown(p, report);
  assert.deepEqual(shown, expected);
  // The chart's axes as configured (the box records each dataset's y axis and the axes' sides).
  const axes = JSON.parse(await p.$eval('[data-chart="cost"]', (e) => (e as HTMLElement).dataset.axes ?? 'null'));
  assert.deepEqual(axes, { datasets: [['speedup (×, left axis)', 'y'], ['DRAM reduction (×, right axis)', 'y1']], sides: { y: 'left', y1: 'right' } });
  assert.equal(await p.$eval('[data-interval]', (e) => (e as HTMLElement).dataset.interval), 'yes');
  assert.match(await p.$eval('[data-interval]', (e) => e.textContent ?? ''), /95% Student-t interval .* over 8 inputs/);
});

test('keyboard navigation across tabs', async () => {
  const p = o.page;
  await showView(p, 'summary');
  await p.focus('vscode-tab-header[data-view="summary"]');
  await p.keyboard.press('ArrowRight');
  await p.keyboard.press('ArrowRight');
  await p.keyboard.press('Enter');
  await p.waitForSelector('vscode-tab-panel[data-view="heads"]:not([hidden])');
  assert.equal(await p.$eval('vscode-tab-panel[data-view="summary"]', (e) => e.hasAttribute('hidden')), true);
});

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: theme, reducedMotion: 'reduce' });
  await page.evaluate((t) => {
    document.body.classList.remove('vscode-light', 'vscode-dark');
    document.body.classList.add(`vscode-${t}`);
  }, theme);
}

test('themes: body class and prefers-color-scheme; screenshots of every view', async () => {
  const p = o.page;
  const bg = () => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  // The standalone page follows prefers-color-scheme alone ...
  await p.emulateMedia({ colorScheme: 'dark' });
  assert.equal(await bg(), 'rgb(30, 30, 30)');
  await p.emulateMedia({ colorScheme: 'light' });
  assert.equal(await bg(), 'rgb(255, 255, 255)');
  // ... and VS Code's body class wins over it.
  await p.evaluate(() => document.body.classList.add('vscode-dark'));
  assert.equal(await bg(), 'rgb(30, 30, 30)');
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(p, theme);
    for (const v of VIEWS) {
      await showView(p, v);
      await waitForCharts(p, v);
      if (v === 'tokens') await p.click('.tok[data-layer="3"][data-token="5"]');
      await p.evaluate(() => window.scrollTo(0, 0));
      await p.screenshot({ path: path.join(ARTIFACTS, `webview-${v}-${theme}.png`), fullPage: true });
    }
  }
  // High contrast: black background, and the views still render.
  await p.evaluate(() => {
    document.body.classList.remove('vscode-light', 'vscode-dark');
    document.body.classList.add('vscode-high-contrast');
  });
  assert.equal(await bg(), 'rgb(0, 0, 0)');
  for (const v of ['tokens', 'latency']) {
    await showView(p, v);
    await waitForCharts(p, v);
    await p.screenshot({ path: path.join(ARTIFACTS, `webview-${v}-high-contrast.png`), fullPage: true });
  }
  assert.deepEqual(o.consoleErrors, []);
  assert.deepEqual(await o.cspViolations(), []);
});
