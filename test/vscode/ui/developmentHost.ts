// One VS Code (code-server) with this extension under development, opened in chromium on the test
// workspace: what each UI test file starts before its steps and closes after them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium, REPO_ROOT, startCodeServer, TEST_WORKSPACE, type CodeServer, type VsCodeRuntime } from '../shim/codeServer';
import { waitForWorkbench } from './workbench';

/** The extension under test (a packaged copy may be pointed at instead). */
export const EXTENSION_ROOT = process.env.SPATTEN_EXTENSION_DEV_PATH ?? REPO_ROOT;

export interface DevelopmentHost {
  tmpDir: string;
  server: CodeServer;
  context: BrowserContext;
  page: Page;
}

export async function openDevelopmentHost(runtime: VsCodeRuntime, tmpPrefix: string, settings: Record<string, unknown>): Promise<DevelopmentHost> {
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  const server = await startCodeServer({ runtime, tmpDir, settings });
  const context = await launchChromium(runtime, tmpDir);
  const page = context.pages()[0] ?? (await context.newPage());
  // The development extension is loaded through the smoke-test driver's payload (no tests path: no
  // suite runs). The workbench can take over playwright's 30 s default to load on a loaded machine.
  await page.goto(server.workbenchUrl(TEST_WORKSPACE, [['extensionDevelopmentPath', server.remoteUri(EXTENSION_ROOT)]]), { timeout: 180_000 });
  await waitForWorkbench(page);
  return { tmpDir, server, context, page };
}

/** Closes what `openDevelopmentHost` opened (any part may be missing when opening failed). */
export async function closeDevelopmentHost(host: Partial<DevelopmentHost>): Promise<void> {
  await host.context?.close().catch(() => undefined);
  await host.server?.stop();
  if (host.tmpDir && !process.env.SPATTEN_KEEP_TMP) rmSync(host.tmpDir, { recursive: true, force: true });
}
