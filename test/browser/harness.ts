// Shared set-up of the browser tests: bundle the webview with esbuild, export a report to a
// self-contained HTML file, and open it in Debian's headless chromium through playwright-core with
// a fresh profile, recording every request, console error and CSP violation.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { exportHtml } from '../../src/engine/report/htmlExport';
import type { ProfileReport } from '../../src/engine/report/profileReport';

export const REPO = path.resolve(__dirname, '../..');
export const ARTIFACTS = path.join(REPO, 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

export async function bundleWebview(): Promise<string> {
  const r = await esbuild.build({
    entryPoints: [path.join(REPO, 'src/webview/main.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  return r.outputFiles[0].text;
}

export const css = (): string => readFileSync(path.join(REPO, 'media/webview.css'), 'utf8');

export interface Session {
  context: BrowserContext;
  dir: string;
  js: string;
  close(): Promise<void>;
}

/** Waits (up to 10 min) for chromium, which may still be installing in the background. */
async function waitForChromium(): Promise<void> {
  const until = Date.now() + 600_000;
  while (!existsSync(CHROMIUM)) {
    if (Date.now() > until) throw new Error(`${CHROMIUM} not found`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

export async function openSession(): Promise<Session> {
  await waitForChromium();
  const dir = mkdtempSync(path.join(tmpdir(), 'sp-browser-'));
  const js = await bundleWebview();
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    reducedMotion: 'reduce',
    colorScheme: 'light',
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    context,
    dir,
    js,
    async close() {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Opened {
  page: Page;
  url: string;
  /** URLs requested other than the page itself. */
  requests: string[];
  consoleErrors: string[];
  cspViolations(): Promise<string[]>;
}

const CSP_LISTENER = `
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
`;

/** Writes the exported HTML of `report` and opens it (file://). `initScript` runs before the page's own code. */
export async function openReport(s: Session, report: ProfileReport, name: string, initScript = ''): Promise<Opened> {
  const file = path.join(s.dir, `${name}.html`);
  writeFileSync(file, exportHtml(report, s.js, css()));
  const url = pathToFileURL(file).href;
  const page = await s.context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.addInitScript(CSP_LISTENER + initScript);
  await page.goto(url);
  return {
    page,
    url,
    requests,
    consoleErrors,
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
  };
}

export async function showView(page: Page, view: string): Promise<void> {
  await page.click(`vscode-tab-header[data-view="${view}"]`);
  await page.waitForSelector(`vscode-tab-panel[data-view="${view}"]:not([hidden])`);
}

/**
 * Waits until every chart canvas in the visible panel has drawn something. Sent as source text:
 * tsx would wrap named inner functions in a `__name` helper the page does not have.
 */
const CHARTS_PAINTED = `async (v) => {
  const panel = document.querySelector('vscode-tab-panel[data-view="' + v + '"]');
  for (let i = 0; i < 100; i++) {
    const canvases = Array.from(panel.querySelectorAll('canvas'));
    const painted = canvases.filter((c) => {
      if (c.width === 0 || c.height === 0) return false;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      for (let k = 3; k < d.length; k += 4) if (d[k] !== 0) return true;
      return false;
    });
    if (canvases.length > 0 && painted.length === canvases.length) return canvases.length;
    await new Promise((r) => setTimeout(r, 50));
  }
  return -1;
}`;

export async function waitForCharts(page: Page, view: string): Promise<number> {
  return page.evaluate(`(${CHARTS_PAINTED})(${JSON.stringify(view)})`) as Promise<number>;
}

/**
 * The sweep view read back and what the report says it should show, both as rows
 * [keep, speedup, DRAM reduction, metric, [interval low, high] or []], highest keep first.
 */
export async function sweepRowsShown(page: Page, report: ProfileReport): Promise<{ shown: unknown[]; expected: unknown[] }> {
  await showView(page, 'sweep');
  // No named helpers inside $$eval: tsx would wrap them in __name, which the page does not have.
  const shown = await page.$$eval('tr[data-keep]', (els) => els.map((x) => [
    Number((x as HTMLElement).dataset.keep),
    ...['speedup', 'dramReduction', 'metric'].map((f) => Number(x.querySelector<HTMLElement>(`[data-field="${f}"] .num`)!.dataset.value)),
    [...x.querySelectorAll<HTMLElement>('[data-field="interval"] .num')].map((n) => Number(n.dataset.value)),
  ]));
  const expected = [...(report.sweep ?? [])].sort((a, b) => b.keep - a.keep).map((r) => [r.keep, r.speedup, r.dramReduction, r.metric, r.metricLow === undefined ? [] : [r.metricLow, r.metricHigh]]);
  return { shown, expected };
}
