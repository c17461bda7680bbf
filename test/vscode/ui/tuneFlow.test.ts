// "SpAtten: Tune Policy" as a user runs it in a real VS Code (code-server + headless chromium):
// F1, the four picks (model, inputs, metric, the budget prompt), the progress notification naming
// the model and the best point so far, the tune view with the Pareto chart; a click on a chart
// point profiles that trial's policy (the report view opens); "Use this policy" writes the policy
// file and the spatten.policy.file setting. Screenshots: test-artifacts/vscode-tune-dark.png and,
// when a poll catches the toast on screen, vscode-tune-progress-dark.png.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { locateRuntime, REPO_ROOT, TEST_WORKSPACE } from '../shim/codeServer';
import { closeDevelopmentHost, EXTENSION_ROOT, openDevelopmentHost, type DevelopmentHost } from './developmentHost';
import { pickItem, quickInputTitle, runCommand, sleep, waitForQuickInput, webview } from './workbench';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
/** A few labelled emails of the encoder's test set, in the workspace so the input pick lists them. */
const INPUTS = path.join(TEST_WORKSPACE, 'tune-ui-emails.jsonl');
const SETTINGS = path.join(TEST_WORKSPACE, '.vscode', 'settings.json');
const POLICY = path.join(TEST_WORKSPACE, '.vscode', 'spatten-policy-encoder.json');

/**
 * Records the text of every notification the workbench renders from now on, in the page itself: a
 * progress toast can come and go between two polls of a loaded machine (a 10-email tune takes a
 * few seconds); a MutationObserver sees each update as it is rendered. Both renderings count: the
 * toast (.notification-list-item) and the workbench's screen-reader announcement of each new or
 * updated notification (.monaco-alert, "Info: <message>"). In this headless code-server the
 * progress toast itself was never rendered in three runs, only its announcements.
 */
async function recordNotifications(page: Page): Promise<void> {
  // A string, not a function: tsx's esbuild wraps named functions in a __name helper the page lacks.
  await page.evaluate(`(() => {
    const seen = [];
    window.spattenNotifications = seen;
    const read = (records) => {
      for (const r of records) {
        for (const node of [r.target, ...r.addedNodes]) {
          const el = node.nodeType === 1 ? node : node.parentElement;
          const items = el ? [el.closest('.notification-list-item-message, .monaco-alert'), ...el.querySelectorAll('.notification-list-item-message, .monaco-alert')] : [];
          for (const item of items) {
            const text = item && item.textContent.replace(/^Info: /, '');
            if (text && !seen.includes(text)) seen.push(text);
          }
        }
      }
    };
    new MutationObserver(read).observe(document.body, { childList: true, subtree: true, characterData: true });
  })()`);
}

const recordedNotifications = (page: Page) => page.evaluate(() => (window as unknown as { spattenNotifications: string[] }).spattenNotifications);

/** The webview frame holding the tune view (the report view may be open beside it). */
async function tuneFrame(page: Page) {
  for (let i = 0; i < 4; i++) {
    const frame = webview(page, i);
    if ((await frame.locator('#tune-root').count().catch(() => 0)) > 0) return frame;
  }
  throw new Error('no tune view');
}

describe('VS Code UI: tune policy', () => {
  const { runtime, missing } = locateRuntime();
  let host: Partial<DevelopmentHost> = {};
  let page: Page;
  const settingsBefore = existsSync(SETTINGS) ? readFileSync(SETTINGS, 'utf8') : undefined;

  before(async () => {
    if (!runtime) throw new Error(`missing: ${missing.join('; ')}`);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(INPUTS, readFileSync(path.join(EXTENSION_ROOT, 'models', 'encoder', 'test.jsonl'), 'utf8').split('\n').slice(0, 10).join('\n') + '\n');
    const opened = await openDevelopmentHost(runtime, 'spatten-vscode-tune-', { 'workbench.colorTheme': 'Dark 2026', 'editor.minimap.enabled': false, 'spatten.tune.trials': 8 });
    host = opened;
    page = opened.page;
  });

  after(async () => {
    await closeDevelopmentHost(host);
    rmSync(INPUTS, { force: true });
    rmSync(POLICY, { force: true });
    if (settingsBefore === undefined) rmSync(SETTINGS, { force: true });
    else writeFileSync(SETTINGS, settingsBefore);
  });

  it('F1 "SpAtten: Tune Policy": picks, budget prompt, progress, Pareto chart', async () => {
    await runCommand(page, 'SpAtten: Tune Policy', async () => (await quickInputTitle(page)).includes('Tune Policy (1/4)'));
    await pickItem(page, 'spam classifier');
    await waitForQuickInput(page, '(2/4)');
    await pickItem(page, 'tune-ui-emails.jsonl');
    await waitForQuickInput(page, '(3/4)');
    await pickItem(page, 'accuracy');
    await waitForQuickInput(page, '(4/4)');
    const box = page.locator('.quick-input-widget .quick-input-box input');
    assert.equal(await box.inputValue(), '1%', 'the budget prompt offers the metric default');
    await recordNotifications(page);
    await page.keyboard.press('Enter');
    // The progress notification names the model being tuned; then the tune view opens. Any error
    // notification instead fails the test with its text.
    const toasts = page.locator('.notification-list-item-message');
    let sawProgress = false;
    const deadline = Date.now() + 600_000;
    for (;;) {
      const texts = await toasts.allInnerTexts().catch(() => [] as string[]);
      if (!sawProgress && texts.some((t) => t.includes('tuning encoder'))) {
        sawProgress = true;
        await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-tune-progress-dark.png') });
      }
      const failed = texts.find((t) => /^SpAtten: /.test(t) && !t.includes('tuning'));
      if (failed) throw new Error(`error notification: ${failed}`);
      const view = await tuneFrame(page).catch(() => undefined);
      if (view && (await view.locator('#tune-chart').count()) > 0) break;
      if (Date.now() > deadline) {
        await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-tune-timeout.png') });
        throw new Error(`no tune view after 600 s (notifications: ${texts.join(' | ')})`);
      }
      await sleep(250);
    }
    // The progress notification as rendered: titled by the model's name (the bundled classifier
    // is models/encoder/model.onnx), then the best point within budget so far with its units.
    const notes = await recordedNotifications(page);
    const progress = notes.filter((t) => t.startsWith('SpAtten: tuning encoder: '));
    assert.ok(progress.length > 0, `no progress notification among: ${notes.join(' | ')}`);
    assert.ok(
      progress.some((t) => /best within budget: trial #\d+, dram [\d.]+ % of dense \(modelled\), accuracy loss -?[\d.]+ % \(measured\)/.test(t)),
      `no best point in the progress notifications: ${progress.join(' | ')}`,
    );
    if (!sawProgress) console.error('tune UI: the progress notification was announced, but no poll found its toast on screen for the screenshot');
    const frame = await tuneFrame(page);
    await frame.locator('#tune-side-by-side').waitFor();
    const table = await frame.locator('#tune-side-by-side').innerText();
    assert.match(table, /paper-bert/);
    assert.match(table, /tuned/);
    // The paired held-out comparison with the preset, and what it means.
    const paired = await frame.locator('#tune-paired').innerText();
    assert.match(paired, /tuned − paper-bert: [+-]?\d+\.\d\d pp \[[+-]?\d+\.\d\d pp, [+-]?\d+\.\d\d pp\] paired, 95 % CI, McNemar p=[\d.]+ \(b=\d+, c=\d+\), n=\d+: /);
    assert.match(await frame.locator('#tune-root').innerText(), /non-inferiority with the budget as margin/);
    // The view and its tab name the model as the report does.
    assert.equal(await frame.locator('h1').first().innerText(), 'Tune: encoder');
    await page.locator('.tab', { hasText: 'SpAtten Tune: encoder' }).first().waitFor({ timeout: 10_000 });
    await sleep(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-tune-dark.png') });
  });

  it('clicking a chart point shows its policy and opens its profile', async () => {
    const frame = await tuneFrame(page);
    const canvas = frame.locator('#tune-chart');
    // The first point of the Pareto-front dataset, in canvas pixels (chart.js lays points out in CSS pixels).
    const at = await canvas.evaluate(() => {
      const chart = (window as unknown as { tuneChart: { getDatasetMeta(i: number): { data: { x: number; y: number }[] } } }).tuneChart;
      const p = chart.getDatasetMeta(0).data[0];
      return { x: Math.round(p.x), y: Math.round(p.y) };
    });
    await canvas.click({ position: at });
    await frame.locator('#tune-selected', { hasText: 'trial #' }).waitFor({ timeout: 10_000 });
    // The report view of that trial's profile opens (a second webview, titled by the model's name: the bundled spam classifier is models/encoder).
    await page.locator('.tab', { hasText: 'SpAtten: encoder' }).first().waitFor({ timeout: 300_000 });
  });

  it('"Use this policy" writes the policy file and the setting', async () => {
    await page.locator('.tab', { hasText: 'SpAtten Tune' }).first().click();
    await sleep(500);
    const frame = await tuneFrame(page);
    await frame.locator('#tune-use').click();
    const deadline = Date.now() + 30_000;
    while (!(existsSync(POLICY) && existsSync(SETTINGS) && readFileSync(SETTINGS, 'utf8').includes('spatten.policy.file'))) {
      if (Date.now() > deadline) throw new Error('no policy file / setting written');
      await sleep(250);
    }
    const policy = JSON.parse(readFileSync(POLICY, 'utf8')) as { name: string; extends: string };
    assert.match(policy.name, /^tuned/);
    assert.match(readFileSync(SETTINGS, 'utf8'), /spatten-policy-encoder\.json/);
  });
});
