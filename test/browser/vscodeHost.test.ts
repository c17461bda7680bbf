// The webview as VS Code runs it: acquireVsCodeApi exists (stubbed here, recording messages and
// state), the report arrives through protocol.ts messages, state is saved for the serializer and
// restored from it. Also: a 24-layer x 1024-token x 16-head report stays responsive.

import { strict as assert } from 'node:assert';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { HostToWebviewMessage, WebviewState, WebviewToHostMessage } from '../../src/webview/protocol';
import { makeSampleReport } from '../unit/report/sampleReport';
import * as path from 'node:path';
import { ARTIFACTS, openReport, openSession, showView, waitForCharts, type Session } from './harness';

const VSCODE_STUB = `
  window.__posted = [];
  window.__state = window.__initialState;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
`;

let s: Session;
before(async () => {
  s = await openSession();
});
after(async () => {
  await s?.close();
});

const posted = (p: Page) => p.evaluate(() => (window as unknown as { __posted: WebviewToHostMessage[] }).__posted);
const saved = (p: Page) => p.evaluate(() => (window as unknown as { __state: WebviewState }).__state);
const send = (p: Page, m: HostToWebviewMessage | Record<string, unknown>) => p.evaluate((msg) => window.postMessage(msg, '*'), m);

test('protocol round trip: ready, progress, report, export, reveal, focus, error', async () => {
  const report = makeSampleReport();
  // The embedded report must be ignored inside VS Code: only messages count.
  const o = await openReport(s, report, 'vscode', VSCODE_STUB);
  const p = o.page;
  await p.waitForSelector('.placeholder');
  assert.deepEqual(await posted(p), [{ type: 'ready' }]);

  await send(p, { type: 'progress', stage: 'dense run', fraction: 0.4 });
  await p.waitForSelector('.progress vscode-progress-bar[value="40"]');
  await send(p, { type: 'focusToken', index: -3 }); // malformed: ignored
  await send(p, { type: 'report', report });
  await p.waitForSelector('#app[data-ready="true"]');
  assert.deepEqual((await saved(p)).report, JSON.parse(JSON.stringify(report)));

  await p.click('vscode-button[data-export="csv"]');
  await p.click('vscode-button[data-action="profile-again"]');
  await showView(p, 'tokens');
  await p.click('.tok[data-layer="1"][data-token="4"]');
  const msgs = await posted(p);
  assert.deepEqual(msgs.slice(1), [{ type: 'export', format: 'csv' }, { type: 'profileAgain' }, { type: 'revealToken', index: 4 }]);
  assert.equal((await saved(p)).view, 'tokens');

  await showView(p, 'summary');
  await send(p, { type: 'focusToken', index: 7 });
  await p.waitForSelector('vscode-tab-panel[data-view="tokens"]:not([hidden])');
  assert.equal(await p.$$eval('.tok.selected', (els) => els.every((e) => (e as HTMLElement).dataset.token === '7') && els.length), report.tokens.cumulativeImportance.length);
  assert.equal((await saved(p)).token, 7);

  await send(p, { type: 'error', message: 'model.onnx: <no attention core> found' });
  assert.equal(await p.textContent('.banner.error'), 'model.onnx: <no attention core> found');
  assert.deepEqual(o.consoleErrors, []);
  assert.deepEqual(await o.cspViolations(), []);
  assert.deepEqual(o.requests, []);
  await p.close();
});

test('restores from saved state without a new report message', async () => {
  const report = makeSampleReport({ mode: 'generation' });
  const state: WebviewState = { report, view: 'heads', token: 2, layer: 1 };
  const o = await openReport(s, makeSampleReport(), 'restore', `window.__initialState = ${JSON.stringify(state)};` + VSCODE_STUB);
  const p = o.page;
  await p.waitForSelector('#app[data-ready="true"]');
  assert.equal(await p.$eval('vscode-tab-panel[data-view="heads"]', (e) => e.hasAttribute('hidden')), false);
  // Generation report: per-step refetch chart and generated tokens are shown.
  await showView(p, 'refetch');
  assert.equal(await p.$$eval('canvas[aria-label="Refetched rows per decode step"]', (e) => e.length), 1);
  await showView(p, 'accuracy');
  assert.equal(await p.$$eval('tr[data-step][data-mismatch]', (e) => e.length), report.accuracy.generated!.filter((g) => g.id !== g.denseId).length);
  await showView(p, 'tokens');
  assert.equal(await p.$$eval('.tok.selected[data-token="2"]', (e) => e.length), report.tokens.cumulativeImportance.length);
  assert.deepEqual(o.consoleErrors, []);
  await p.close();
});

test('large report (24 layers x 1024 tokens x 16 heads) renders lazily and stays responsive', async () => {
  const report = makeSampleReport({ layers: 24, heads: 16, tokens: 1024 });
  const t0 = Date.now();
  const o = await openReport(s, report, 'large');
  const p = o.page;
  await p.waitForSelector('#app[data-ready="true"]');
  const loadMs = Date.now() - t0;
  const t1 = Date.now();
  await showView(p, 'tokens');
  const initialCells = await p.$$eval('.tok[data-layer]', (e) => e.length);
  const tabMs = Date.now() - t1;
  // Scroll the token rows to the end: the last layer fills in on demand.
  await p.$eval('.token-scroll', (e) => e.scrollTo(0, e.scrollHeight));
  await p.waitForSelector('.tok[data-layer="23"][data-token="1023"]');
  // Keyboard inside a lazily rendered area still works.
  await p.click('.tok[data-layer="23"][data-token="1000"]');
  await p.keyboard.press('ArrowUp');
  const focused = await p.evaluate(() => (document.activeElement as HTMLElement).dataset.layer);
  assert.equal(focused, '22');
  console.log(`large report: load+render ${loadMs} ms, token tab ${tabMs} ms, ${initialCells} of ${24 * 1024} token cells rendered up front`);
  assert.ok(initialCells < 24 * 1024, 'token rows are rendered lazily');
  assert.ok(loadMs < 15000 && tabMs < 5000, `responsive (${loadMs} ms, ${tabMs} ms)`);
  await p.screenshot({ path: path.join(ARTIFACTS, 'webview-tokens-large-light.png') });
  for (const v of ['heads', 'latency']) {
    await showView(p, v);
    await waitForCharts(p, v);
    await p.screenshot({ path: path.join(ARTIFACTS, `webview-${v}-large-light.png`), fullPage: true });
  }
  assert.deepEqual(o.consoleErrors, []);
  await p.close();
});
