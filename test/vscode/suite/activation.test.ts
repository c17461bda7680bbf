// Activation is lazy and cheap: the extension activates on its commands, registers them, and does
// not load onnxruntime-node until a profile starts. Also checks the manifest's trust and kind.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './helpers';

const loadedOrt = () => Object.keys(require.cache).filter((k) => k.includes(`${'onnxruntime'}-node`));

suite('activation', () => {
  test('the manifest activates lazily, runs on the workspace side and limits untrusted workspaces', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      activationEvents: string[];
      extensionKind: string[];
      capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
    };
    assert.ok(!manifest.activationEvents.includes('*'), 'activationEvents must not contain "*"');
    assert.ok(manifest.activationEvents.includes('onCustomEditor:spatten.modelSummary'));
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations.includes('spatten.policy.file'));
  });

  test('activates, registers its commands and has not loaded onnxruntime-node', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const wasActive = extension.isActive;
    const t0 = performance.now();
    const api = await activateExtension();
    const wallMs = performance.now() - t0;
    // The extension's own cost (bundle evaluation + activate(), marks inside it) in wall and CPU
    // time, and the wall time of VS Code's activate() call around it when this test activated it.
    // Printed only: timing is measured by scripts/bench-activation.ts, never asserted in a test.
    const own = api.activationMs();
    console.log(`      activation: ${own.wallMs.toFixed(1)} ms wall, ${own.cpuMs.toFixed(1)} ms CPU in the extension${wasActive ? '' : `; ${wallMs.toFixed(1)} ms through vscode's activate()`}`);
    assert.equal(typeof api.latestReport, 'function');
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['spatten.profileModel', 'spatten.profileSelection', 'spatten.exportReport', 'spatten.toggleDecorations', 'spatten.showTokenInReport', 'spatten.cancelProfile']) {
      assert.ok(commands.includes(id), `${id} is registered`);
    }
    assert.deepEqual(loadedOrt(), [], 'onnxruntime-node must not be required at activation');
    // The engine loads on first use (out/engineModules.js, the profile worker), not at activation.
    assert.deepEqual(Object.keys(require.cache).filter((k) => /[\\/]out[\\/](engineModules|profileWorker)\.js$/.test(k)), [], 'engine bundles loaded at activation');
    assert.equal(api.latestReport(), undefined);
  });

  test('export before any profile explains itself instead of failing', async () => {
    const written = await vscode.commands.executeCommand('spatten.exportReport', { format: 'json', filePath: '/nonexistent/never.json' });
    assert.equal(written, undefined);
  });
});
