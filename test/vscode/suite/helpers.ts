// Shared by the extension-host tests: the activated extension's API, its paths, a scratch folder
// in the test workspace, and profile calls through the real commands.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ProfileArgs } from '../../../src/extension/commands';
import type { SpattenExtensionApi } from '../../../src/extension/extension';
import type { ProfileOutcome } from '../../../src/extension/profileSession';

export const EXTENSION_ID = 'spatten-profiler.spatten-profiler';

export async function activateExtension(): Promise<SpattenExtensionApi> {
  const extension = vscode.extensions.getExtension<SpattenExtensionApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  return extension.activate();
}

export function extensionPath(...parts: string[]): string {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} missing`);
  return path.join(extension.extensionUri.fsPath, ...parts);
}

export const bundledModelPath = () => extensionPath('out', 'models', 'default', 'model.onnx');
export const bundledSamplePath = () => extensionPath('media', 'samples', 'default.txt');

export function workspaceFolder(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the test run opened no workspace folder');
  return folder.uri.fsPath;
}

/** test/vscode/workspace/.scratch (git-ignored): where tests write exports and broken models. */
export function scratchDir(): string {
  const dir = path.join(workspaceFolder(), '.scratch');
  mkdirSync(dir, { recursive: true });
  return dir;
}

export async function profile(args: ProfileArgs): Promise<ProfileOutcome> {
  return vscode.commands.executeCommand<ProfileOutcome>('spatten.profileModel', args);
}

/** Profiles and fails the test unless the run finished. */
export async function profileDone(args: ProfileArgs) {
  const outcome = await profile(args);
  if (outcome.status !== 'done') throw new Error(`profile ended ${outcome.status}: ${JSON.stringify(outcome)}`);
  return outcome.session;
}

export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
