// Driving VS Code's web workbench like a user: the command palette, quick picks, webviews, the
// editor's hover. Selectors are the workbench's own DOM (VS Code 1.139).
import type { FrameLocator, Page } from 'playwright-core';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ state: 'visible', timeout: 60_000 });
}

async function quickInputVisible(page: Page): Promise<boolean> {
  return page.locator('.quick-input-widget').isVisible();
}

/** Text of the open quick input's title ('' when none). */
export async function quickInputTitle(page: Page): Promise<string> {
  if (!(await quickInputVisible(page))) return '';
  return (await page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
}

/**
 * F1, type the command's title, Enter; retried until `opened` says the command ran (a lazily
 * activated extension's command may not be registered on the first try).
 */
export async function runCommand(page: Page, title: string, opened: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget .quick-input-box input').waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.type(title);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 5_000 });
      await row.click();
    } catch {
      continue;
    }
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      if (await opened()) return;
      await sleep(200);
    }
  }
  throw new Error(`command "${title}" did not run within ${timeoutMs / 1000} s`);
}

/** Double-clicks a file at the top level of the explorer (opens it pinned, like a user would). */
export async function openFromExplorer(page: Page, fileName: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  await row.dblclick();
  await page.locator('.tabs-container .tab', { hasText: fileName }).first().waitFor({ state: 'visible', timeout: 30_000 });
}

/** In the open quick pick: filter by `label` and accept the first match. */
export async function pickItem(page: Page, label: string): Promise<void> {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.fill(label);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Waits for a quick input whose title contains `text`. */
export async function waitForQuickInput(page: Page, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await quickInputTitle(page)).includes(text)) {
    if (Date.now() > deadline) throw new Error(`no quick input "${text}" (title: "${await quickInputTitle(page)}")`);
    await sleep(100);
  }
}

/** The content frame of the visible webview whose iframe matches (webviews nest their content in #active-frame). */
export function webview(page: Page, nth = 0): FrameLocator {
  return page.frameLocator('iframe.webview.ready').nth(nth).frameLocator('#active-frame');
}

/** Moves the mouse onto `word` in the visible editor line containing it and returns the hover text. */
export async function hoverWord(page: Page, word: string): Promise<string> {
  const box = await page.evaluate((w) => {
    for (const span of Array.from(document.querySelectorAll('.editor-group-container .view-line span span'))) {
      const node = span.firstChild;
      const at = node?.textContent?.indexOf(w) ?? -1;
      if (!node || at < 0) continue;
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + w.length);
      const r = range.getBoundingClientRect();
      return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    }
    return undefined;
  }, word);
  if (!box) throw new Error(`"${word}" is not on a visible editor line`);
  await page.mouse.move(box.x - 40, box.y);
  await page.mouse.move(box.x, box.y, { steps: 4 });
  const hover = page.locator('.monaco-hover', { hasText: 'SpAtten' }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  return (await hover.innerText()).trim();
}

export { sleep };
