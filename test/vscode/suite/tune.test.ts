// "SpAtten: Tune Policy" in the extension host: the command tunes the trained encoder on a few
// labelled emails through the real trial pool (worker processes), opens the tune view with the
// Pareto chart, "Use this policy" writes a policy file and points spatten.policy.file at it (and
// the next profile runs with it), and opening a trial profiles that trial's policy.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { TuneOutcome } from '../../../src/extension/tuneCommand';
import type { ProfileOutcome } from '../../../src/extension/profileSession';
import { activateExtension, extensionPath, scratchDir, workspaceFolder } from './helpers';

suite('tune policy', () => {
  let written: string | undefined;
  let settingsFile = '';
  let settingsExisted = true;
  suiteSetup(() => {
    settingsFile = path.join(workspaceFolder(), '.vscode', 'settings.json');
    settingsExisted = existsSync(settingsFile);
  });
  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration('spatten').update('policy.file', undefined, vscode.ConfigurationTarget.Workspace);
    if (written) rmSync(written, { force: true });
    // VS Code leaves an empty settings.json behind once the setting is removed again.
    if (!settingsExisted && existsSync(settingsFile) && readFileSync(settingsFile, 'utf8').replace(/\s/g, '') === '{}') rmSync(settingsFile);
  });

  test('tunes, shows the chart, uses the chosen policy, opens a trial', async () => {
    const api = await activateExtension();
    const model = extensionPath('models', 'encoder', 'model.onnx');
    const emails = readFileSync(extensionPath('models', 'encoder', 'test.jsonl'), 'utf8').split('\n').slice(0, 12).join('\n') + '\n';
    const inputFile = path.join(scratchDir(), 'tune-emails.jsonl');
    writeFileSync(inputFile, emails);

    const outcome = await vscode.commands.executeCommand<TuneOutcome>('spatten.tunePolicy', { modelPath: model, inputFile, budget: '1%', metric: 'accuracy', trials: 5, workers: 1, seed: 2 });
    assert.equal(outcome.status, 'done', JSON.stringify(outcome));
    if (outcome.status !== 'done') return;
    const r = outcome.result;
    assert.equal(r.trials.length, 5);
    assert.equal(r.baseline.label, 'paper-bert');
    assert.equal(r.model.name, 'encoder', 'named as the report names it: the folder of a generic model.onnx');
    assert.ok(r.chosen, 'the dense anchor meets any budget, so a policy is chosen');
    // The chosen policy against paper-bert on the same held-out emails: McNemar's discordant pairs
    // are at most the held-out count.
    const paired = r.chosen.heldOutVsBaseline;
    assert.ok(paired?.mcnemar && paired.inputs === r.split.heldOut.length && paired.mcnemar.b + paired.mcnemar.c <= paired.inputs, JSON.stringify(paired));
    assert.ok(api.tuneViewOpen(), 'the tune view is open');

    written = await vscode.commands.executeCommand<string | undefined>('spatten.useTunedPolicy');
    assert.ok(written && existsSync(written), `policy file ${written}`);
    assert.equal(path.basename(written), 'spatten-policy-encoder.json');
    const setting = vscode.workspace.getConfiguration('spatten').get<string>('policy.file');
    assert.equal(path.resolve(workspaceFolder(), setting ?? ''), written);
    const saved = JSON.parse(readFileSync(written, 'utf8')) as { name: string };
    assert.equal(saved.name, (r.chosen.policy as { name: string }).name);

    // The next profile reads the setting: the report names the tuned policy.
    const next = await vscode.commands.executeCommand<ProfileOutcome>('spatten.profileModel', { modelPath: model, text: 'Subject: cheap meds, buy now and save' });
    assert.equal(next.status, 'done', JSON.stringify(next));
    assert.equal(api.latestReport()?.policy.name, saved.name);

    // A trial clicked in the chart: its own policy, profiled.
    const trial = r.trials.find((t) => t.label === 'paper-bert') ?? r.trials[1];
    const opened = await vscode.commands.executeCommand<ProfileOutcome | undefined>('spatten.openTunedTrial', trial.id);
    assert.equal(opened?.status, 'done', JSON.stringify(opened));
    assert.equal(api.latestReport()?.policy.name, trial.policy.name);
  });

  test('a bad budget is refused with a message naming it', async () => {
    const outcome = await vscode.commands.executeCommand<TuneOutcome>('spatten.tunePolicy', { modelPath: extensionPath('models', 'encoder', 'model.onnx'), inputFile: extensionPath('models', 'encoder', 'test.jsonl'), budget: 'plenty' });
    assert.equal(outcome.status, 'failed');
    if (outcome.status === 'failed') assert.match(outcome.message, /--budget/);
  });
});
