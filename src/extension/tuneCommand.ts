// "SpAtten: Tune Policy": the cheapest policy for a model within an accuracy budget, found by the
// engine's tune (src/engine/tune/runTune.ts). The host runs only the search's coordinator (light:
// policy proposals and statistics); every trial runs in the trial pool's worker processes
// (out/tuneWorker.js), so neither onnxruntime nor the SpAtten core loads in the extension host.
// Picks: model, inputs, metric, then the budget prompt; a cancellable progress notification shows
// the best point so far; the result opens in the tune view (Pareto chart). A point clicked there is
// profiled with its policy (spatten.profileModel on the first held-out input); "Use this policy"
// writes the chosen policy file and points the spatten.policy.file setting at it.
// Programmatic callers (tests) pass an argument object and no pick is shown.
import * as path from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TuneMetric, TuneObjective } from '../engine/tune/tuneLoss';
import type { TuneResult } from '../engine/tune/runTune';
import { bundledModels, bundledSample } from './bundledAssets';
import { pickModel } from './profileInputs';
import { modelDisplayName } from '../engine/model/modelName';
import { loadEngineModules } from './loadEngineModules';
import { readProfileSettings } from './settings';
import { reportError, isCancellation } from './userErrors';
import type { TunePanel } from './tunePanel';
import type { ProfileOutcome } from './profileSession';

export interface TuneArgs {
  modelPath: string;
  /** A .jsonl / .txt batch (one input per line), or a .txt running text when `passages` is set. */
  inputFile: string;
  passages?: boolean;
  budget: string;
  metric?: TuneMetric;
  objective?: TuneObjective;
  trials?: number;
  seed?: number;
  workers?: number;
}

export type TuneOutcome =
  | { status: 'done'; result: TuneResult }
  | { status: 'skipped'; reason: string }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string };

export interface TuneContext {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  panel: TunePanel;
}

/** The tune inputs of the last result, for "open a point's profile". */
let lastInputs: { modelPath: string; texts: string[] } | undefined;

const METRIC_ITEMS: { label: TuneMetric; detail: string; budget: string }[] = [
  { label: 'accuracy', detail: 'classifier with gold labels (.jsonl "label"): dense accuracy minus SpAtten accuracy', budget: '1%' },
  { label: 'perplexity', detail: 'language model: SpAtten perplexity minus dense perplexity (absolute, or % of dense)', budget: '0.5' },
  { label: 'agreement', detail: 'any model: share of outputs whose top-1 differs from the dense run', budget: '1%' },
  { label: 'kl', detail: 'any model: mean KL(dense || SpAtten), nats', budget: '0.01' },
];

async function pickArgs(ctx: TuneContext): Promise<TuneArgs | undefined> {
  const model = await pickModel(ctx.extensionUri, 'SpAtten: Tune Policy (1/4)');
  if (!model) return undefined;
  const sample = bundledSample(ctx.extensionUri, model);
  const isBundled = bundledModels(ctx.extensionUri).some((b) => b.model.fsPath === model.fsPath);
  const files = vscode.workspace.isTrusted ? await vscode.workspace.findFiles('**/*.{jsonl,txt}', '**/node_modules/**', 50) : [];
  const items = [
    ...(isBundled ? [{ label: '$(book) Bundled sample', description: vscode.workspace.asRelativePath(sample), uri: sample }] : []),
    ...files.map((uri) => ({ label: `$(file) ${uri.path.replace(/^.*\//, '')}`, description: vscode.workspace.asRelativePath(uri), uri })),
  ];
  const input = await vscode.window.showQuickPick(items, { title: 'SpAtten: Tune Policy (2/4)', placeHolder: 'Inputs: .jsonl (one per line, gold "label" for accuracy) or .txt (a running text, cut into passages)' });
  if (!input) return undefined;
  const metric = await vscode.window.showQuickPick(METRIC_ITEMS, { title: 'SpAtten: Tune Policy (3/4)', placeHolder: 'What the budget bounds' });
  if (!metric) return undefined;
  const { parseBudget } = loadEngineModules();
  const budget = await vscode.window.showInputBox({
    title: 'SpAtten: Tune Policy (4/4)',
    prompt: `Largest ${metric.label} loss allowed (e.g. ${metric.budget})`,
    value: metric.budget,
    validateInput: (v) => {
      try {
        parseBudget(v, metric.label);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  });
  if (budget === undefined) return undefined;
  const trials = vscode.workspace.getConfiguration('spatten').get<number>('tune.trials', 50);
  return { modelPath: model.fsPath, inputFile: input.uri.fsPath, passages: input.uri.path.endsWith('.txt'), budget, metric: metric.label, trials };
}

export async function tunePolicy(ctx: TuneContext, arg?: unknown): Promise<TuneOutcome> {
  if (!vscode.workspace.isTrusted) {
    const reason = 'SpAtten runs no model in an untrusted workspace. Trust the workspace to tune.';
    void vscode.window.showWarningMessage(reason);
    return { status: 'skipped', reason };
  }
  try {
    const args = arg && typeof arg === 'object' && !(arg instanceof vscode.Uri) ? (arg as TuneArgs) : await pickArgs(ctx);
    if (!args) return { status: 'skipped', reason: 'nothing chosen' };
    const engine = loadEngineModules();
    const metric = args.metric ?? 'accuracy';
    const objective = args.objective ?? 'dram';
    const budget = engine.parseBudget(args.budget, metric);
    const inputs = await engine.readTuneInputs(args.inputFile, args.passages ? 'passages' : 'lines');
    const settings = await readProfileSettings();
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SpAtten: tuning ${modelDisplayName(path.basename(args.modelPath), path.dirname(args.modelPath))}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let done = 0;
        return engine.runTune({
          modelPath: args.modelPath, texts: inputs.texts, labels: inputs.labels, hardware: settings.hardware, maxTokens: settings.maxTokens,
          metric, budget, objective, trials: args.trials ?? 50, seed: args.seed ?? 1, workers: args.workers, signal: controller.signal,
          onProgress: (p) => {
            const best = p.best ? ` — best within budget: ${engine.formatBestPoint(p.best, objective, metric)}` : '';
            progress.report({ increment: ((p.done - done) / p.total) * 100, message: `${p.stage} ${p.done}/${p.total}${best}` });
            done = p.done;
          },
        });
      },
    );
    lastInputs = { modelPath: args.modelPath, texts: inputs.texts };
    ctx.log.info(`tune ${result.model.name} (${args.modelPath}): ${result.trials.length} trials in ${result.search.wallSeconds.toFixed(1)} s; chosen ${result.chosen ? `trial ${result.chosen.trial}` : 'none'}`);
    ctx.panel.show(result);
    return { status: 'done', result };
  } catch (error) {
    if (isCancellation(error)) return { status: 'cancelled' };
    return { status: 'failed', message: await reportError(ctx.log, 'Tune', error) };
  }
}

/** Profiles a trial's policy on the first held-out input of the shown tune (a point clicked in the chart). */
export async function openTunedTrial(ctx: TuneContext, trial: unknown): Promise<ProfileOutcome | undefined> {
  const result = ctx.panel.shownResult;
  const t = result?.trials.find((x) => x.id === trial);
  if (!result || !t || !lastInputs) return undefined;
  const text = lastInputs.texts[result.split.heldOut[0]];
  return vscode.commands.executeCommand<ProfileOutcome>('spatten.profileModel', { modelPath: lastInputs.modelPath, text, policy: t.policy });
}

/**
 * Saves a trial's policy (default: the chosen one) as a policy file, in the workspace's .vscode
 * folder (beside the model when no folder is open), and sets spatten.policy.file to it.
 */
export async function useTunedPolicy(ctx: TuneContext, trial?: unknown): Promise<string | undefined> {
  try {
    const result = ctx.panel.shownResult;
    if (!result) return undefined;
    const id = typeof trial === 'number' ? trial : result.chosen?.trial;
    const policy = id === result.chosen?.trial ? result.chosen?.policy : result.trials.find((x) => x.id === id)?.policy;
    if (!policy || typeof policy === 'string') return undefined;
    const folder = vscode.workspace.workspaceFolders?.[0];
    const dir = folder ? path.join(folder.uri.fsPath, '.vscode') : path.dirname(lastInputs?.modelPath ?? '.');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `spatten-policy-${result.model.name.replace(/[^\w.-]+/g, '_')}.json`);
    writeFileSync(file, JSON.stringify({ $schema: 'https://spatten-profiler/schema/policy.schema.json', ...policy }, null, 2) + '\n');
    const setting = folder ? path.relative(folder.uri.fsPath, file) : file;
    await vscode.workspace.getConfiguration('spatten').update('policy.file', setting, folder ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    void vscode.window.showInformationMessage(`SpAtten: saved the tuned policy to ${setting} and set spatten.policy.file.`);
    return file;
  } catch (error) {
    await reportError(ctx.log, 'Use this policy', error);
    return undefined;
  }
}
