// Files shipped inside the extension: the default model (built from the real stories260K weights
// by the build step, tokenizer.bin beside it) and a sample text to profile it on.
import * as vscode from 'vscode';

export function bundledModel(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'out', 'models', 'default', 'model.onnx');
}

export function bundledSample(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'media', 'samples', 'default.txt');
}

export function isBundled(extensionUri: vscode.Uri, file: vscode.Uri): boolean {
  return file.fsPath.startsWith(vscode.Uri.joinPath(extensionUri, 'out').fsPath + '/') ||
    file.fsPath.startsWith(vscode.Uri.joinPath(extensionUri, 'media').fsPath + '/');
}
