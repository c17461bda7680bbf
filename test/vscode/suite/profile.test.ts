// Profiles the bundled model (stories260K converted to ONNX) programmatically through the command
// and checks the report against what the model summary says and what was sent.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { activateExtension, bundledModelPath, bundledSamplePath, profileDone } from './helpers';

suite('profile the bundled model', () => {
  test('the report has one entry per model layer and per input token', async () => {
    const api = await activateExtension();
    const text = readFileSync(bundledSamplePath(), 'utf8');
    // Imported here, not at the top: loading test files must not load engine modules early.
    const { describeModel } = await import('../../../src/engine/modelDescription.js');
    const model = await describeModel(bundledModelPath());
    assert.equal(model.problem, undefined, 'the bundled model maps onto the engine');
    const session = await profileDone({ modelPath: bundledModelPath(), text, hardware: 'spatten-1x' });
    const report = session.result.report;
    assert.equal(report.version, 2);
    assert.equal(report.model.fileName, 'model.onnx');
    assert.equal(report.model.layers, model.layers);
    assert.equal(report.model.heads, model.heads);
    assert.equal(report.layers.length, model.layers, 'one hardware entry per layer');
    assert.equal(report.tokens.layers.length, model.layers);
    assert.equal(report.tokens.cumulativeImportance.length, model.layers);
    const n = report.input.tokens.length;
    assert.ok(n > 4, `the sample tokenizes into several tokens (got ${n})`);
    assert.equal(report.tokens.prunedAtLayer.length, n);
    for (const row of report.tokens.cumulativeImportance) assert.equal(row.length, n);
    // Token offsets point into the profiled text, and the text is what was sent (or its truncation).
    assert.ok(text.startsWith(report.input.text), 'the report text is the input');
    for (const t of report.input.tokens) {
      if (t.start < 0) continue;
      assert.ok(t.end <= report.input.text.length && t.start < t.end, `token "${t.text}" has a place in the text`);
    }
    // Cascade pruning only removes: no layer keeps more than it got, none gets more than the input.
    for (const layer of report.tokens.layers) assert.ok(layer.tokensKept <= layer.tokensIn && layer.tokensIn <= n, JSON.stringify(layer));
    assert.ok(report.tokens.prunedAtLayer.some((l) => l >= 0), 'the paper-gpt2-small policy pruned some tokens');
    assert.equal(api.latestReport(), report);
    assert.ok(api.reportPanelOpen(), 'the report panel opened');
  });

  test('with the "off" policy no token and no head is pruned', async () => {
    const session = await profileDone({ modelPath: bundledModelPath(), text: 'Once upon a time, there was a little dog.', policy: 'off', hardware: 'spatten-1/8' });
    const report = session.result.report;
    assert.ok(report.tokens.prunedAtLayer.every((l) => l === -1));
    assert.ok(report.heads.prunedAtLayer.every((l) => l === -1));
    for (const layer of report.tokens.layers) assert.equal(layer.tokensKept, report.input.tokens.length);
    assert.equal(report.hardware.name, 'spatten-1/8');
  });

  test('a policy override setting applies over the preset', async () => {
    const config = vscode.workspace.getConfiguration('spatten');
    await config.update('policy.tokenPruning.enabled', false, vscode.ConfigurationTarget.Global);
    try {
      const session = await profileDone({ modelPath: bundledModelPath(), text: 'The cat sat on the mat and looked at the little bird in the tree.' });
      const report = session.result.report;
      assert.match(report.policy.name, /custom \(paper-gpt2-small\)/);
      assert.ok(report.tokens.prunedAtLayer.every((l) => l === -1), 'token pruning was switched off by the setting');
    } finally {
      await config.update('policy.tokenPruning.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('policy and hardware override objects reach the engine (and a bad one names the problem)', async () => {
    const config = vscode.workspace.getConfiguration('spatten');
    await config.update('hardware.overrides', { hbmChannels: 8, topKComparators: 32 }, vscode.ConfigurationTarget.Global);
    await config.update('policy.overrides', { localVPruning: { keepFraction: 0.5 } }, vscode.ConfigurationTarget.Global);
    try {
      const session = await profileDone({ modelPath: bundledModelPath(), text: 'The cat sat on the mat and looked at the little bird in the tree.' });
      const { hardware, policy } = session.result.report;
      assert.equal(hardware.settings.hbmChannels, 8);
      assert.equal(hardware.settings.topKComparators, 32);
      assert.equal(hardware.settings.clockHz, 1e9, 'the rest comes from the preset');
      assert.equal((policy.settings.localVPruning as { keepFraction: number }).keepFraction, 0.5);
      await config.update('hardware.overrides', { hbmChannels: -3 }, vscode.ConfigurationTarget.Global);
      const outcome = (await vscode.commands.executeCommand('spatten.profileModel', { modelPath: bundledModelPath(), text: 'one two three' })) as { status: string; message?: string };
      assert.equal(outcome.status, 'failed');
      assert.match(outcome.message ?? '', /hbmChannels/);
    } finally {
      await config.update('hardware.overrides', undefined, vscode.ConfigurationTarget.Global);
      await config.update('policy.overrides', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
