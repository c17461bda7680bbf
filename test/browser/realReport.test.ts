// A real report (the pipeline on the converted stories260K, generation with the paper-gpt2-small
// policy) exported to HTML and opened in headless chromium: offline, no console error, no CSP
// violation, and the summary, latency and token views show the report's numbers. Screenshots of
// every view go to test-artifacts/real-<view>.png.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { ProfileReport } from '../../src/engine/report/profileReport';
import { runProfile } from '../../src/engine/profile';
import { convertStories260K } from '../unit/model/stories260kModel';
import { ARTIFACTS, openReport, openSession, showView, type Opened, type Session } from './harness';
import { VIEW_IDS } from '../../src/webview/reportViews';

/** The views of a profile report (a sweep tab only comes with a keep-fraction sweep). */
const VIEWS = VIEW_IDS.filter((v) => v !== 'sweep');

let s: Session;
let report: ProfileReport;
let o: Opened;

before(async () => {
  const { onnxPath } = await convertStories260K();
  ({ report } = await runProfile({
    modelPath: onnxPath,
    texts: ['Once upon a time, there was a little girl named Lily. She loved to play outside in the park.'],
    policy: 'paper-gpt2-small',
    hardware: 'spatten-1x',
    generateTokens: 16,
  }));
  s = await openSession();
  o = await openReport(s, report, 'real');
  await o.page.waitForSelector('#app[data-ready="true"]');
});

after(async () => {
  await s?.close();
});

test('a real report renders every view offline, without console errors or CSP violations', async () => {
  for (const v of VIEWS) {
    await showView(o.page, v);
    await o.page.screenshot({ path: path.join(ARTIFACTS, `real-${v}.png`), fullPage: true });
  }
  assert.deepEqual(o.requests, []);
  assert.deepEqual(o.consoleErrors, []);
  assert.deepEqual(await o.cspViolations(), []);
});

test('summary and latency numbers on screen are the report numbers', async () => {
  await showView(o.page, 'summary');
  const cards = await o.page.$$eval('vscode-tab-panel[data-view="summary"] [data-metric] .num', (els) => els.map((e) => ({ key: (e.closest('[data-metric]') as HTMLElement).dataset.metric ?? '', value: Number((e as HTMLElement).dataset.value) })));
  assert.ok(cards.length >= Object.keys(report.summary).length);
  for (const { key, value } of cards) if (report.summary[key]) assert.equal(value, report.summary[key].value, key);
  await showView(o.page, 'latency');
  const rows = await o.page.$$eval('tr[data-layer][data-cycles]', (els) => els.map((e) => [Number((e as HTMLElement).dataset.layer), Number((e as HTMLElement).dataset.cycles)]));
  assert.deepEqual(rows, report.layers.map((l) => [l.layer, l.cycles]));
});

test('the token view shows every profiled token of every layer', async () => {
  await showView(o.page, 'tokens');
  const layers = await o.page.$$eval('.layer-row[data-layer]', (els) => els.length);
  assert.equal(layers, report.model.layers);
  const first = await o.page.$$eval('.tok[data-layer="0"]', (els) => els.map((e) => (e as HTMLElement).textContent));
  assert.equal(first.length, report.input.tokens.length);
});
