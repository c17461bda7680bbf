// Restricted mode (run with SPATTEN_WORKSPACE_TRUST=untrusted): the extension activates (limited
// support) but runs no model and reads no model file: a profile is refused with the reason, and
// onnxruntime-node is never loaded.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, bundledModelPath, profile, waitFor } from './helpers';

const loadedOrt = () => Object.keys(require.cache).filter((k) => k.includes(`${'onnxruntime'}-node`));

suite('untrusted workspace', () => {
  test('profiling is refused until the workspace is trusted', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'this run opens the workspace untrusted');
    const api = await activateExtension();
    const outcome = await profile({ modelPath: bundledModelPath(), text: 'Once upon a time.' });
    assert.equal(outcome.status, 'skipped');
    assert.ok(outcome.status === 'skipped' && /untrusted/.test(outcome.reason), JSON.stringify(outcome));
    assert.equal(api.latestReport(), undefined);
    const selection = await vscode.commands.executeCommand<{ status: string }>('spatten.profileSelection', { modelPath: bundledModelPath() });
    assert.notEqual(selection.status, 'done');
    // The summary editor opens but reads nothing from the file.
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(bundledModelPath()), 'spatten.modelSummary');
    await waitFor('the summary editor', () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputCustom);
    assert.deepEqual(loadedOrt(), [], 'onnxruntime-node was never loaded');
  });
});
