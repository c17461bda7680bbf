// The quick picks of "Profile Model": which model, which input, which policy and hardware preset,
// (input files are read by src/engine/inputFiles.ts: .txt = one input, .jsonl = one input per line).
import * as vscode from 'vscode';
import { InputError } from '../engine/errors';
import { readInputFile } from '../engine/inputFiles';
import { bundledModels, bundledSample } from './bundledAssets';
import type { TextOrigin } from './profileController';
import type { GraphInputSpec } from '../engine/profileRequest';

export interface ChosenInput {
  texts: string[];
  /** Gold labels from a .jsonl (classifiers: accuracy against them). */
  labels?: (number | string)[];
  /** Tensor inputs of a model without token input (a .npy or a shape each). */
  graphInputs?: Record<string, GraphInputSpec>;
  /** Set when the text is (part of) an open document: hovers and decorations attach to it. */
  origin?: TextOrigin;
}

interface Item<T> extends vscode.QuickPickItem {
  value: T;
}

async function pick<T>(items: Item<T>[], title: string, placeHolder: string): Promise<T | undefined> {
  const chosen = await vscode.window.showQuickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return chosen?.value;
}

/** The .onnx of the active tab, if any (a model open in the summary editor or as a file). */
function activeModel(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri = input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri && uri.path.toLowerCase().endsWith('.onnx') ? uri : undefined;
}

/** `title`: the quick pick's title, e.g. "SpAtten: Profile Model (1/4)" (sweep and tune have their own). */
export async function pickModel(extensionUri: vscode.Uri, title = 'SpAtten: Profile Model (1/4)'): Promise<vscode.Uri | undefined> {
  const items: Item<vscode.Uri | 'browse'>[] = [];
  const active = activeModel();
  if (active) items.push({ label: '$(file-binary) Active model', description: vscode.workspace.asRelativePath(active), value: active });
  for (const b of bundledModels(extensionUri)) items.push({ label: `$(package) ${b.label}`, description: b.description, value: b.model });
  const found = vscode.workspace.isTrusted ? await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', 50) : [];
  for (const uri of found) {
    if (active && uri.toString() === active.toString()) continue;
    items.push({ label: `$(file) ${uri.path.replace(/^.*\//, '')}`, description: vscode.workspace.asRelativePath(uri), value: uri });
  }
  items.push({ label: '$(folder-opened) Browse…', value: 'browse' });
  const choice = await pick(items, title, 'Model to profile');
  if (choice !== 'browse') return choice;
  const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'ONNX model': ['onnx'] }, title: 'Model to profile' });
  return files?.[0];
}

export async function pickInput(extensionUri: vscode.Uri, model?: vscode.Uri, step = 'SpAtten: Profile Model (2/4)'): Promise<ChosenInput | undefined> {
  const sample = bundledSample(extensionUri, model);
  const editor = vscode.window.activeTextEditor;
  const items: Item<'selection' | 'document' | 'file' | 'sample'>[] = [];
  if (editor && !editor.selection.isEmpty) items.push({ label: '$(selection) Selection', description: vscode.workspace.asRelativePath(editor.document.uri), value: 'selection' });
  if (editor) items.push({ label: '$(file-text) Active document', description: vscode.workspace.asRelativePath(editor.document.uri), value: 'document' });
  items.push({ label: '$(file) Inputs file…', description: '.txt (one input) or .jsonl (one per line)', value: 'file' });
  items.push({ label: '$(book) Bundled sample', description: vscode.workspace.asRelativePath(sample), value: 'sample' });
  const choice = await pick(items, step, 'Text to profile');
  switch (choice) {
    case undefined: return undefined;
    case 'selection':
    case 'document': return editorInput(editor!, choice === 'selection');
    case 'sample': return readInputFile(sample.fsPath);
    case 'file': {
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Inputs': ['txt', 'jsonl'] }, title: 'Inputs to profile' });
      return files?.[0] ? readInputFile(files[0].fsPath) : undefined;
    }
  }
}

/** The editor's selection (or the whole document when the selection is empty or not wanted). */
export function editorInput(editor: vscode.TextEditor, selectionOnly: boolean): ChosenInput {
  const document = editor.document;
  const useSelection = selectionOnly && !editor.selection.isEmpty;
  const text = useSelection ? document.getText(editor.selection) : document.getText();
  const offset = useSelection ? document.offsetAt(editor.selection.start) : 0;
  if (text.trim().length === 0) throw new InputError(vscode.workspace.asRelativePath(document.uri), 'the text to profile is empty');
  return { texts: [text], origin: { document, offset } };
}

/** A preset quick pick whose first item keeps what the settings say. */
export async function pickPreset(step: string, what: string, presets: readonly string[], current: string | Record<string, unknown>): Promise<string | Record<string, unknown> | undefined> {
  const items: Item<string | Record<string, unknown>>[] = [
    { label: typeof current === 'string' ? current : 'From settings file', description: 'current setting', value: current },
    ...presets.filter((p) => p !== current).map((p) => ({ label: p, value: p })),
  ];
  return pick(items, `SpAtten: Profile Model (${step})`, what);
}
