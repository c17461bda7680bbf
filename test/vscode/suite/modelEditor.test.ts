// The read-only model summary editor opens on an .onnx (Open With...), and on a broken file too.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { bundledModelPath, scratchDir, waitFor } from './helpers';

function activeCustomEditor(): vscode.TabInputCustom | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input : undefined;
}

suite('model summary editor', () => {
  test('opens the bundled model and a random-bytes .onnx in the SpAtten summary editor', async () => {
    const broken = path.join(scratchDir(), 'editor-random.onnx');
    writeFileSync(broken, randomBytes(2048));
    try {
      for (const file of [bundledModelPath(), broken]) {
        await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), 'spatten.modelSummary');
        await waitFor(`summary editor of ${path.basename(file)}`, () => activeCustomEditor()?.uri.fsPath === file);
        assert.equal(activeCustomEditor()!.viewType, 'spatten.modelSummary');
        await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      }
    } finally {
      rmSync(broken, { force: true });
    }
  });
});
