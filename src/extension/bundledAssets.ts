// Models shipped inside the extension, each with an input to profile it on: the default model
// (built from the real stories260K weights by the build step, tokenizer.bin beside it) and the
// project's trained models in SpAtten's regime (models/: head dim 64, torch exports; MODEL.md).
import * as vscode from 'vscode';

export interface BundledModel {
  label: string;
  description: string;
  model: vscode.Uri;
  /** Its sample input: a .txt (one input) or a .jsonl batch. */
  sample: vscode.Uri;
}

export function bundledModels(extensionUri: vscode.Uri): BundledModel[] {
  const at = (...p: string[]): vscode.Uri => vscode.Uri.joinPath(extensionUri, ...p);
  return [
    { label: 'Bundled model: stories260K', description: 'Llama-2, 5 layers, 8 heads, head dim 8 (the default)', model: at('out', 'models', 'default', 'model.onnx'), sample: at('media', 'samples', 'default.txt') },
    { label: 'Bundled model: trained GPT-2-architecture decoder', description: '4 layers x 4 heads, head dim 64; held-out Brown text', model: at('models', 'decoder', 'model.onnx'), sample: at('models', 'decoder', 'heldout.txt') },
    { label: 'Bundled model: trained BERT-architecture spam classifier', description: '4 layers x 4 heads, head dim 64; 600 held-out emails', model: at('models', 'encoder', 'model.onnx'), sample: at('models', 'encoder', 'test.jsonl') },
  ];
}

export function bundledModel(extensionUri: vscode.Uri): vscode.Uri {
  return bundledModels(extensionUri)[0].model;
}

/** The sample input of a bundled model, or the default sample for any other model. */
export function bundledSample(extensionUri: vscode.Uri, model?: vscode.Uri): vscode.Uri {
  const all = bundledModels(extensionUri);
  return (all.find((b) => model !== undefined && b.model.fsPath === model.fsPath) ?? all[0]).sample;
}
