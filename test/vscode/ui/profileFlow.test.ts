// What a user does, in a real VS Code (code-server) driven by headless chromium: open a text file,
// F1 "SpAtten: Profile Model", pick the trained decoder (models/decoder), the active document and
// the presets, see the report webview, export its JSON from the webview's button and compare the
// numbers on screen with it, hover a word of the profiled text and read the hover table back, open
// the trained encoder's .onnx (the model card is its default editor), run "SpAtten: Sweep Keep
// Fraction" and read the sweep view back against its exported JSON, reload the window (report,
// hover and decorations come back), and take screenshots in dark, light and high-contrast themes
// (test-artifacts/vscode-<view>-<theme>.png).
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ProfileReport } from '../../../src/engine/report/profileReport';
import { describeModel } from '../../../src/engine/modelDescription';
import { formatNumber } from '../../../src/engine/report/formatQuantity';
import { locateRuntime, REPO_ROOT, TEST_WORKSPACE } from '../shim/codeServer';
import { closeDevelopmentHost, EXTENSION_ROOT, openDevelopmentHost, type DevelopmentHost } from './developmentHost';
import { hoverWord, openFromExplorer, pickItem, quickInputTitle, runCommand, sleep, waitForQuickInput, waitForWorkbench, webview } from './workbench';

const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts');
/** The export's default name: the model's name (its folder, models/decoder) + -spatten.json. */
const EXPORTED = path.join(TEST_WORKSPACE, 'decoder-spatten.json');
/** A copy of the trained encoder at the workspace root (git-ignored), opened from the explorer. */
const MODEL_COPY = path.join(TEST_WORKSPACE, 'spam-encoder.onnx');
const DECODER_PICK = 'trained GPT-2-architecture decoder';
/** A word near the start of story.txt (visible however narrow the editor group is). */
const HOVER_WORD = 'time';
const THEMES = { dark: 'Dark 2026', light: 'Light 2026', highContrast: 'Dark High Contrast' } as const;

describe('VS Code UI: profile, report, export, hover, model summary', () => {
  const { runtime, missing } = locateRuntime();
  let host: Partial<DevelopmentHost> = {};
  let page: Page;
  let report: ProfileReport;
  let sweepReport: ProfileReport;

  before(async () => {
    if (!runtime) throw new Error(`missing: ${missing.join('; ')}`);
    rmSync(EXPORTED, { force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    // No editor association: the model card is the default editor for .onnx.
    copyFileSync(path.join(EXTENSION_ROOT, 'models', 'encoder', 'model.onnx'), MODEL_COPY);
    const opened = await openDevelopmentHost(runtime, 'spatten-vscode-ui-', { 'workbench.colorTheme': THEMES.dark, 'editor.minimap.enabled': false });
    host = opened;
    page = opened.page;
  });

  after(async () => {
    await closeDevelopmentHost(host);
    rmSync(EXPORTED, { force: true });
    rmSync(MODEL_COPY, { force: true });
  });

  it('F1 "SpAtten: Profile Model" with the picks opens the report webview', async () => {
    // Open story.txt from the explorer so it is the active document.
    await openFromExplorer(page, 'story.txt');
    await page.locator('.editor-group-container .view-line', { hasText: 'Lily' }).first().waitFor({ timeout: 60_000 });

    await runCommand(page, 'SpAtten: Profile Model', async () => (await quickInputTitle(page)).includes('Profile Model (1/4)'));
    await pickItem(page, DECODER_PICK);
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
    report = await exportedJson(page);
    assert.equal(report.model.name, 'decoder', 'the model is named by its folder, not model.onnx');
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

  it('hovering a profiled word shows a table of its importance, rank and pruning from the report', async () => {
    // The profiled text's editor in front and focused (the export's save dialog had the focus).
    await page.locator('.tab', { hasText: 'story.txt' }).first().click();
    const hover = await hoverTable(page, HOVER_WORD);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-hover-dark.png') });
    assert.ok(hover.keys.length >= 1);
    for (const k of hover.keys) assert.deepEqual(k, ['Token', 'Importance:', 'Rank:', 'Pruned after:']);
    assertHoverRow(hover.rows, report, HOVER_WORD);
    // Keys and values are apart (no "14.9231 44 of 49" run-together).
    assert.ok(hover.gaps.every((g) => g >= 8), `key-value gaps ${hover.gaps.join(', ')} px`);
    // The hover does not cover the report's header (it stays in the editor's group).
    assert.ok(hover.right <= hover.editorRight + 1, `hover right ${hover.right} <= editor group right ${hover.editorRight}`);
    assert.match(hover.text, /Open in SpAtten report/);
  });

  it('opening an .onnx shows the model card (the default editor), whose Profile button starts a profile of it', async () => {
    await page.keyboard.press('Escape');
    await openFromExplorer(page, path.basename(MODEL_COPY));
    const frame = await modelSummaryFrame(page);
    const described = await describeModel(MODEL_COPY);
    assert.equal(await frame.locator('h1[data-field="name"]').innerText(), 'spam-encoder');
    const prop = (label: string) => frame.locator('table[data-table="model"] tr', { has: frame.locator('th', { hasText: new RegExp(`^${label}$`) }) }).locator('td');
    assert.equal(Number(await prop('Layers').innerText()), described.layers);
    assert.match(await prop('Family').innerText(), /^BERT \(bidirectional encoder\)/);
    // Inputs and outputs as the graph declares them, underscores and all, in the code font.
    const inputs = await frame.locator('table[data-table="inputs"] tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td code')].map((c) => c.textContent)));
    assert.deepEqual(inputs, described.inputTensors.map((t) => [t.name, t.elemType, `[${t.dims.join(', ')}]`]));
    assert.ok(inputs.some(([name]) => name?.includes('_')), 'an input name with an underscore');
    const codeFont = await frame.locator('table[data-table="inputs"] code').first().evaluate((e) => getComputedStyle(e).fontFamily);
    assert.notEqual(codeFont, await frame.locator('body').evaluate((e) => getComputedStyle(e).fontFamily), 'identifiers in the editor font');
    const cores = await frame.locator('table[data-table="cores"] tbody tr').count();
    assert.equal(cores, described.attentionCores.length);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-model-dark.png') });
    // The button is a command link (spatten.profileModel with this model): the next pick is the input.
    await frame.locator('a.button', { hasText: 'Profile' }).click();
    await waitForQuickInput(page, 'Profile Model (2/4)');
    await page.keyboard.press('Escape');
  });

  it('"SpAtten: Sweep Keep Fraction" opens the sweep view, whose numbers are the exported sweep\'s', async () => {
    await page.locator('.tab', { hasText: 'story.txt' }).first().click();
    await runCommand(page, 'SpAtten: Sweep Keep Fraction', async () => (await quickInputTitle(page)).includes('Sweep Keep Fraction (1/3)'));
    await pickItem(page, DECODER_PICK);
    await waitForQuickInput(page, 'Sweep Keep Fraction (2/3)');
    await pickItem(page, 'Active document');
    await waitForQuickInput(page, 'Sweep Keep Fraction (3/3)');
    await page.locator('.quick-input-widget .quick-input-box input').fill('1, 0.5');
    await page.keyboard.press('Enter');
    const frame = await reportFrame(page);
    await frame.locator('[data-chart="cost"]').first().waitFor({ state: 'visible', timeout: 240_000 });
    await sleep(800);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-sweep-dark.png') });
    sweepReport = await exportedJson(page);
    assert.deepEqual(sweepReport.sweep!.map((r) => r.keep), [1, 0.5]);
    const rows = await frame.locator('tr[data-keep]').evaluateAll((els) => els.map((e) => [
      Number((e as HTMLElement).dataset.keep),
      ...['speedup', 'dramReduction', 'metric'].map((f) => Number(e.querySelector<HTMLElement>(`[data-field="${f}"] .num`)!.dataset.value)),
    ]));
    assert.deepEqual(rows, [...sweepReport.sweep!].sort((a, b) => b.keep - a.keep).map((r) => [r.keep, r.speedup, r.dramReduction, r.metric]));
    // One input: no interval, and the caption says so instead of promising one.
    assert.equal(await frame.locator('[data-interval]').getAttribute('data-interval'), 'no');
    const axes = JSON.parse((await frame.locator('[data-chart="cost"]').getAttribute('data-axes')) ?? 'null');
    assert.deepEqual(axes.sides, { y: 'left', y1: 'right' });
  });

  it('light theme screenshots', async () => {
    // Preferences: Color Theme writes workbench.colorTheme to the user settings.
    await runCommand(page, 'Preferences: Color Theme', async () => (await page.locator('.quick-input-widget .monaco-list-row', { hasText: THEMES.light }).count()) > 0);
    await pickItem(page, THEMES.light);
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.locator('.monaco-workbench.vs').waitFor({ timeout: 20_000 });
    const deadline = Date.now() + 10_000;
    const theme = () => (JSON.parse(readFileSync(host.server!.userSettingsFile, 'utf8')) as Record<string, unknown>)['workbench.colorTheme'];
    // VS Code drops the key when the value equals the default (Light 2026 is the web default).
    while (theme() === THEMES.dark && Date.now() < deadline) await sleep(200);
    assert.ok(theme() === THEMES.light || theme() === undefined, `workbench.colorTheme is now ${String(theme())}`);
    await sleep(800);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-model-light.png') });
    // Back to the report (its tab is in the second group) and the story for the hover.
    await reportScreenshots(page, 'light');
  });

  it('high-contrast theme screenshots', async () => {
    // The theme list is virtualised: wait for the picker (the current theme's row), then filter.
    await runCommand(page, 'Preferences: Color Theme', async () => (await page.locator('.quick-input-widget .monaco-list-row', { hasText: THEMES.light }).count()) > 0);
    await pickItem(page, THEMES.highContrast);
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
    await page.locator('.monaco-workbench.hc-black').waitFor({ timeout: 20_000 });
    await sleep(800);
    await openFromExplorer(page, path.basename(MODEL_COPY));
    await modelSummaryFrame(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-model-high-contrast.png') });
    await reportScreenshots(page, 'high-contrast');
  });
  it('after Developer: Reload Window the serializer restores the report panel from its state', async () => {
    // VS Code's own reload flushes the workbench state before the page goes (a bare page reload may not).
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 60_000 });
    await runCommand(page, 'Developer: Reload Window', async () => true);
    await reloaded;
    await waitForWorkbench(page);
    await page.locator('.tab', { hasText: 'SpAtten: decoder' }).first().click({ timeout: 60_000 });
    // The webview comes back from its saved state: same report, same tab (Tokens was the last one shown).
    const frame = await reportFrame(page, 120_000);
    const value = frame.locator('[data-metric="tokensKept"] .num[data-value]').first();
    await value.waitFor({ state: 'attached', timeout: 60_000 });
    assert.equal(Number(await value.getAttribute('data-value')), sweepReport.summary.tokensKept?.value);
    await frame.locator('vscode-tab-panel[data-view="tokens"]').first().waitFor({ state: 'visible', timeout: 10_000 });
    // The hover and the decorations came back with it (anchored tokens kept in workspaceState).
    await page.locator('.tab', { hasText: 'story.txt' }).first().click();
    const hover = await hoverTable(page, HOVER_WORD);
    assertHoverRow(hover.rows, sweepReport, HOVER_WORD);
    await page.mouse.move(5, 400);
    await sleep(300);
    // Decorations: the heat backgrounds VS Code draws for decorated ranges on the profiled line.
    const decorated = await page.locator('.editor-group-container .view-overlays [class*="ced-"], .editor-group-container .view-line [class*="ced-"]').count();
    assert.ok(decorated > 0, 'importance decorations restored after the reload');
    await page.screenshot({ path: path.join(ARTIFACTS, 'vscode-restored-high-contrast.png') });
  });
});

/** Clicks the webview's JSON export, accepts the default path and reads the file written. */
async function exportedJson(page: Page): Promise<ProfileReport> {
  rmSync(EXPORTED, { force: true });
  await webview(page).locator('vscode-button[data-export="json"]').click();
  // Save dialog (VS Code's own dialog in the web UI). Its default folder is the last one saved to,
  // which an earlier run's sweep export can have moved: type the full path rather than trust it.
  await waitForQuickInput(page, 'Export JSON');
  // code-server's simple save dialog checks the typed folder asynchronously and, now and then,
  // answers "The folder workspace does not exist" for the test workspace and stays open: accept
  // again (at most three times) until the file appears.
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 1; !existsSync(EXPORTED); attempt++) {
    if (attempt > 3) throw new Error(`the save dialog did not write ${EXPORTED} after 3 attempts`);
    await input.fill(EXPORTED);
    await sleep(300);
    await page.keyboard.press('Enter');
    for (let waited = 0; waited < 10_000 && !existsSync(EXPORTED); waited += 200) await sleep(200);
  }
  // The file appears before it is complete: read until it parses (a loaded machine writes slowly).
  const deadline = Date.now() + 30_000;
  let written: ProfileReport | undefined;
  while (!written) {
    try {
      written = JSON.parse(readFileSync(EXPORTED, 'utf8')) as ProfileReport;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${path.basename(EXPORTED)} was not written as complete JSON within 30 s: ${String(error)}`);
      await sleep(200);
    }
  }
  // One click, one dialog: none may be left open to take the next step's clicks and keys (a second
  // click used to queue a second save dialog, which then hid the editor from the hover step).
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 });
  return written;
}

/** The hover row the report implies for token `index`: text, importance (3 s.f.), rank, and the pruned-at cell's start. */
function expectedHoverRow(r: ProfileReport, index: number): { cells: string[]; prunedAt: RegExp } {
  const pruned = r.tokens.prunedAtLayer[index]!;
  const L = r.tokens.cumulativeImportance.length;
  const layer = pruned >= 0 ? pruned : L - 1;
  const rankRow = r.tokens.rank[layer]!;
  return {
    cells: [r.input.tokens[index]!.text.replace(/ /g, '\u2423'), formatNumber(r.tokens.cumulativeImportance[layer]![index]!), `#${rankRow[index]! + 1} of ${rankRow.length}`],
    prunedAt: pruned >= 0 ? new RegExp(`^layer ${pruned} of ${L}`) : /^kept/,
  };
}

function assertHoverRow(rows: string[][], r: ProfileReport, word: string): void {
  const offset = r.input.text.indexOf(word);
  const index = r.input.tokens.findIndex((t) => t.start >= 0 && t.start <= offset && offset < t.end);
  assert.ok(index >= 0, `a token covers "${word}"`);
  const want = expectedHoverRow(r, index);
  const row = rows.find((x) => x[0] === want.cells[0]);
  assert.ok(row, `a hover row for ${JSON.stringify(want.cells[0])} in ${JSON.stringify(rows)}`);
  assert.deepEqual(row.slice(0, 3), want.cells, 'token, importance to 3 s.f., rank: the report\'s');
  assert.match(row[3]!, want.prunedAt);
}

// A string, not a function: tsx would wrap named helpers in __name, which the page lacks. Reads the
// SpAtten hover's per-token tables as rows [token, importance, rank, pruned after], the gap between
// each key's last visible glyph and its value's first, the hover's right edge and the editor group's.
const READ_HOVER = `(() => {
  const el = [...document.querySelectorAll('.monaco-hover')].find((e) => e.textContent.includes('SpAtten'));
  const clean = (s) => (s || '').replace(/[\\u00a0\\u200b]/g, ' ').replace(/\\s+/g, ' ').trim();
  const glyph = (cell, last) => {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    const spots = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) for (let i = 0; i < n.data.length; i++) if (!/[\\s\\u200b]/.test(n.data[i])) spots.push([n, i]);
    const [node, i] = last ? spots[spots.length - 1] : spots[0];
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const r = range.getBoundingClientRect();
    return last ? r.right : r.left;
  };
  const keys = [];
  const rows = [];
  const gaps = [];
  for (const table of el.querySelectorAll('table')) {
    const all = [...table.querySelectorAll('tr')].map((tr) => [...tr.querySelectorAll('th, td')]);
    keys.push(all.map((cells) => clean(cells[0].textContent)));
    const value = (k) => clean((all.find((cells) => clean(cells[0].textContent).startsWith(k)) || [null, { textContent: '' }])[1].textContent);
    rows.push([value('Token'), value('Importance').split(' ')[0], value('Rank'), value('Pruned after')]);
    for (const cells of all) gaps.push(Math.round(glyph(cells[1], false) - glyph(cells[0], true)));
  }
  const group = el.closest('.editor-group-container') || document.querySelector('.editor-group-container');
  return { keys, rows, gaps, right: el.getBoundingClientRect().right, editorRight: group.getBoundingClientRect().right };
})()`;

/** Hovers `word` and reads the SpAtten hover's table. */
type HoverRead = { keys: string[][]; rows: string[][]; gaps: number[]; right: number; editorRight: number };
async function hoverTable(page: Page, word: string): Promise<HoverRead & { text: string }> {
  const text = await hoverWord(page, word);
  return { ...(await page.evaluate(READ_HOVER) as HoverRead), text };
}

/** Summary, tokens and sweep views, and the hover, in the current theme. */
async function reportScreenshots(page: Page, theme: string): Promise<void> {
  await page.locator('.tab', { hasText: 'SpAtten: decoder' }).first().click();
  const frame = await reportFrame(page);
  await frame.locator('vscode-tab-header', { hasText: 'Summary' }).first().click();
  await frame.locator('[data-metric] .num[data-value]').first().waitFor({ state: 'visible', timeout: 20_000 });
  await sleep(800);
  await page.screenshot({ path: path.join(ARTIFACTS, `vscode-summary-${theme}.png`) });
  await frame.locator('vscode-tab-header', { hasText: 'Sweep' }).first().click();
  await sleep(800);
  await page.screenshot({ path: path.join(ARTIFACTS, `vscode-sweep-${theme}.png`) });
  // Tokens last: the reload test expects the restored panel on it.
  await frame.locator('vscode-tab-header', { hasText: 'Tokens' }).first().click();
  await sleep(800);
  await page.screenshot({ path: path.join(ARTIFACTS, `vscode-tokens-${theme}.png`) });
  await page.locator('.tab', { hasText: 'story.txt' }).first().click();
  await hoverWord(page, HOVER_WORD);
  await page.screenshot({ path: path.join(ARTIFACTS, `vscode-hover-${theme}.png`) });
}

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

/** The content frame of the report webview (the model card may be open in another webview). */
async function reportFrame(page: Page, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < count; i++) {
      const frame = webview(page, i);
      if ((await frame.locator('#app[data-ready="true"]').count()) > 0) return frame;
    }
    await sleep(250);
  }
  throw new Error('the report webview did not render');
}

/** The content frame of the webview that shows the model summary (there may be several webviews). */
async function modelSummaryFrame(page: Page) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const count = await page.locator('iframe.webview.ready').count();
    for (let i = 0; i < count; i++) {
      const frame = webview(page, i);
      if ((await frame.locator('h2', { hasText: 'Attention cores found' }).count()) > 0 && (await frame.locator('h1[data-field="name"]').isVisible())) return frame;
    }
    await sleep(250);
  }
  throw new Error('the model summary editor did not render');
}
