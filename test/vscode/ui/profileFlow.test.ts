// What a user does, in a real VS Code (code-server) driven by headless chromium: open a text file,
// F1 "SpAtten: Profile Model", pick the bundled model, the active document and the presets, see the
// report webview, export its JSON from the webview's button and compare the numbers on screen
// with it, hover a word of the profiled text, open the model in the summary editor, and take
// screenshots in a dark and a light theme (test-artifacts/vscode-<view>-<theme>.png).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { ProfileReport } from '../../../src/engine/report/profileReport';
import {
  launchChromium, locateRuntime, REPO_ROOT, startCodeServer, TEST_WORKSPACE, type CodeServer,
} from '../shim/codeServer';
import { hoverWord, openFromExplorer, pickItem, quickInputTitle, runCommand, sleep, waitForQuickInput, waitForWorkbench, webview } from './workbench';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
/** The extension under test (the repo; another built copy can be pointed at while developing the harness). */
const EXTENSION_ROOT = process.env.SPATTEN_EXTENSION_DEV_PATH ?? REPO_ROOT;
const EXPORTED = path.join(TEST_WORKSPACE, 'model-spatten.json');
/** A copy of the bundled model at the workspace root (git-ignored), opened from the explorer. */
const MODEL_COPY = path.join(TEST_WORKSPACE, 'stories260K.onnx');
/** A word near the start of story.txt (visible however narrow the editor group is). */
const HOVER_WORD = 'time';
const THEMES = { dark: 'Dark 2026', light: 'Light 2026' } as const;

describe('VS Code UI: profile, report, export, hover, model summary', () => {
  const { runtime, missing } = locateRuntime();
  let tmpDir = '';
  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let report: ProfileReport;

  before(async () => {
    if (!runtime) throw new Error(`missing: ${missing.join('; ')}`);
    rmSync(EXPORTED, { force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // The model summary editor is "option" priority; associate it so opening an .onnx shows it.
    copyFileSync(path.join(EXTENSION_ROOT, 'out', 'models', 'default', 'model.onnx'), MODEL_COPY);
    tmpDir = mkdtempSync(path.join(os.tmpdir(), 'spatten-vscode-ui-'));
    server = await startCodeServer({
      runtime, tmpDir,
      settings: { 'workbench.colorTheme': THEMES.dark, 'editor.minimap.enabled': false, 'workbench.editorAssociations': { '*.onnx': 'spatten.modelSummary' } },
    });
    context = await launchChromium(runtime, tmpDir);
    page = context.pages()[0] ?? (await context.newPage());
    // The development extension is loaded through the smoke-test driver's payload (no tests path: no suite runs).
    await page.goto(server.workbenchUrl(TEST_WORKSPACE, [['extensionDevelopmentPath', server.remoteUri(EXTENSION_ROOT)]]));
    await waitForWorkbench(page);
  });

  after(async () => {
    await context?.close().catch(() => undefined);
    await server?.stop();
    if (tmpDir && !process.env.SPATTEN_KEEP_TMP) rmSync(tmpDir, { recursive: true, force: true });
    rmSync(EXPORTED, { force: true });
    rmSync(MODEL_COPY, { force: true });
  });

  it('F1 "SpAtten: Profile Model" with the picks opens the report webview', async () => {
    // Open story.txt from the explorer so it is the active document.
    await openFromExplorer(page, 'story.txt');
    await page.locator('.editor-group-container .view-line', { hasText: 'Lily' }).first().waitFor({ timeout: 15_000 });

    await runCommand(page, 'SpAtten: Profile Model', async () => (await quickInputTitle(page)).includes('Profile Model (1/4)'));
    await pickItem(page, 'Bundled model');
    await waitForQuickInput(page, '(2/4)');
    await pickItem(page, 'Active document');
    await waitForQuickInput(page, '(3/4)');
    await page.keyboard.press('Enter');
    await waitForQuickInput(page, '(4/4)');
    await page.keyboard.press('Enter');
    await waitForReportOrError(page);
    await sleep(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-summary-dark.png') });
  });

  it('the JSON exported from the webview matches the numbers on screen', async () => {
    const frame = webview(page);
    await frame.locator('vscode-button[data-export="json"]').click();
    // Save dialog (VS Code's own dialog in the web UI): the default path is <workspace>/model-spatten.json.
    await waitForQuickInput(page, 'Export JSON');
    await page.keyboard.press('Enter');
    const deadline = Date.now() + 20_000;
    while (!existsSync(EXPORTED) && Date.now() < deadline) await sleep(100);
    assert.ok(existsSync(EXPORTED), 'the export wrote model-spatten.json into the workspace');
    await sleep(200);
    report = JSON.parse(readFileSync(EXPORTED, 'utf8')) as ProfileReport;
    assert.equal(report.version, 2);
    // Every summary metric of the report is on screen with the same number (data-value is the raw JSON number).
    const onScreen = new Map(await frame.locator('[data-metric]').evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-metric')!, e.querySelector('.num[data-value]')?.getAttribute('data-value') ?? null] as [string, string | null])));
    const keys = Object.keys(report.summary);
    assert.ok(keys.length >= 3, `the report has summary metrics (${keys.length})`);
    for (const key of keys) {
      assert.ok(onScreen.has(key), `summary.${key} has a card on screen`);
      assert.equal(Number(onScreen.get(key)), report.summary[key]!.value, `summary.${key} on screen equals the JSON`);
    }
    const subtitle = await frame.locator('.report-header .subtitle').innerText();
    assert.ok(subtitle.includes(`${report.input.promptTokens ?? report.input.tokens.length} input`), subtitle);
    // The verdict leads the summary and is the report's: sentence, figures, per-layer bound.
    assert.equal(await frame.locator('[data-verdict] [data-field="sentence"]').innerText(), report.verdict!.sentence);
    const figures = await frame.locator('[data-verdict] [data-figure] .hero-value .num').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-value'))));
    assert.deepEqual(figures, report.verdict!.figures.map((f) => f.value.value));
    const bounds = await frame.locator('[data-verdict] li[data-layer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-bound')));
    assert.deepEqual(bounds, report.verdict!.layers.map((l) => l.bound));
    assert.ok(subtitle.includes(`${report.model.layers} layers`), subtitle);
    assert.equal(report.input.text, readFileSync(path.join(TEST_WORKSPACE, 'story.txt'), 'utf8'), 'the active document was profiled');
  });

  it('the token view shows one row per layer with the report\'s kept/entering counts', async () => {
    const frame = webview(page);
    await frame.locator('vscode-tab-header', { hasText: 'Tokens' }).first().click();
    await frame.locator('vscode-tab-panel[data-view="tokens"]').first().waitFor({ state: 'visible', timeout: 10_000 });
    const rows = await frame.locator('.layer-row[data-layer] .layer-kept').evaluateAll((els) =>
      els.map((e) => ({ tokensIn: Number(e.getAttribute('data-tokens-in')), tokensKept: Number(e.getAttribute('data-tokens-kept')) })));
    assert.equal(rows.length, report.model.layers);
    // Whole run (the default pass): entering = not pruned before the layer, kept = minus those it pruned.
    const pruned = report.tokens.prunedAtLayer;
    rows.forEach((r, l) => {
      const tokensIn = pruned.filter((p) => !(p >= 0 && p < l)).length;
      assert.equal(r.tokensIn, tokensIn, `layer ${l} tokens in`);
      assert.equal(r.tokensKept, tokensIn - pruned.filter((p) => p === l).length, `layer ${l} tokens kept`);
    });
    await sleep(500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-tokens-dark.png') });
  });

  it('hovering a profiled word shows its importance from the report', async () => {
    const text = await hoverWord(page, HOVER_WORD);
    assert.match(text, /SpAtten token importance/);
    const offset = report.input.text.indexOf(HOVER_WORD);
    const index = report.input.tokens.findIndex((t) => t.start >= 0 && t.start <= offset && offset < t.end);
    assert.ok(index >= 0, `a token covers "${HOVER_WORD}"`);
    const pruned = report.tokens.prunedAtLayer[index]!;
    const layer = pruned >= 0 ? pruned : report.tokens.cumulativeImportance.length - 1;
    assert.ok(text.includes(report.tokens.cumulativeImportance[layer]![index]!.toFixed(4)), `hover shows the token's importance: ${text}`);
    assert.ok(text.includes(pruned >= 0 ? `pruned after layer ${pruned}` : 'kept to the end'), text);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-hover-dark.png') });
  });

  it('opening an .onnx shows the model summary editor, whose Profile button starts a profile of it', async () => {
    await page.keyboard.press('Escape');
    await openFromExplorer(page, 'stories260K.onnx');
    const frame = await modelSummaryFrame(page);
    const layers = await frame.locator('tr', { hasText: 'Layers' }).locator('td').innerText();
    assert.equal(Number(layers), report.model.layers);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-model-dark.png') });
    // The button is a command link (spatten.profileModel with this model): the next pick is the input.
    await frame.locator('a.button', { hasText: 'Profile' }).click();
    await waitForQuickInput(page, 'Profile Model (2/4)');
    await page.keyboard.press('Escape');
  });

  it('light theme screenshots', async () => {
    // Preferences: Color Theme writes workbench.colorTheme to the user settings.
    await runCommand(page, 'Preferences: Color Theme', async () => (await page.locator('.quick-input-widget .monaco-list-row', { hasText: THEMES.light }).count()) > 0);
    await pickItem(page, THEMES.light);
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.locator('.monaco-workbench.vs').waitFor({ timeout: 20_000 });
    const deadline = Date.now() + 10_000;
    const theme = () => (JSON.parse(readFileSync(server!.userSettingsFile, 'utf8')) as Record<string, unknown>)['workbench.colorTheme'];
    // VS Code drops the key when the value equals the default (Light 2026 is the web default).
    while (theme() === THEMES.dark && Date.now() < deadline) await sleep(200);
    assert.ok(theme() === THEMES.light || theme() === undefined, `workbench.colorTheme is now ${String(theme())}`);
    await sleep(800);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-model-light.png') });
    // Back to the report (its tab is in the second group) and the story for the hover.
    await page.locator('.tab', { hasText: 'SpAtten: model.onnx' }).first().click();
    const frame = webview(page);
    await frame.locator('vscode-tab-header', { hasText: 'Summary' }).first().click();
    await frame.locator('[data-metric] .num[data-value]').first().waitFor({ state: 'visible', timeout: 20_000 });
    await sleep(800);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-summary-light.png') });
    await frame.locator('vscode-tab-header', { hasText: 'Tokens' }).first().click();
    await sleep(800);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-tokens-light.png') });
    await page.locator('.tab', { hasText: 'story.txt' }).first().click();
    await hoverWord(page, HOVER_WORD);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-hover-light.png') });
  });
  it('after Developer: Reload Window the serializer restores the report panel from its state', async () => {
    // VS Code's own reload flushes the workbench state before the page goes (a bare page reload may not).
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window', async () => true);
    await reloaded;
    await waitForWorkbench(page);
    await page.locator('.tab', { hasText: 'SpAtten: model.onnx' }).first().click({ timeout: 60_000 });
    // The webview comes back from its saved state: same report, same tab (Tokens was the last one shown).
    const frame = webview(page);
    const value = frame.locator('[data-metric="tokensKept"] .num[data-value]').first();
    await value.waitFor({ state: 'attached', timeout: 60_000 });
    assert.equal(Number(await value.getAttribute('data-value')), report.summary.tokensKept?.value);
    await frame.locator('vscode-tab-panel[data-view="tokens"]').first().waitFor({ state: 'visible', timeout: 10_000 });
    const theme = (await page.locator('.monaco-workbench.vs').count()) > 0 ? 'light' : 'dark';
    await page.screenshot({ path: path.join(ARTIFACTS, `vscode-restored-${theme}.png`) });
  });
});

/** Waits for the report's summary cards; fails at once with the message if the run showed an error. */
async function waitForReportOrError(page: Page): Promise<void> {
  const cards = webview(page).locator('[data-metric] .num[data-value]').first();
  const error = page.locator('.notifications-toasts .notification-toast:has(.codicon-error)', { hasText: 'SpAtten' }).first();
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (await cards.isVisible().catch(() => false)) return;
    if (await error.isVisible().catch(() => false)) throw new Error(`the profile failed: ${await error.innerText()}`);
    await sleep(250);
  }
  throw new Error('the report webview did not render within 180 s');
}

/** The content frame of the webview that shows the model summary (there may be several webviews). */
async function modelSummaryFrame(page: Page) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < count; i++) {
      const frame = webview(page, i);
      if ((await frame.locator('h2', { hasText: 'Attention cores found' }).count()) > 0) return frame;
    }
    await sleep(250);
  }
  throw new Error('the model summary editor did not render');
}
