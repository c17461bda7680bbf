// "SpAtten: Sweep Keep Fraction": the same model and inputs profiled once per token keep fraction
// (engine/sweep.ts, in one worker), then the report panel opens on its Sweep view (speedup and
// DRAM reduction against keep, the accuracy metric with its interval). Picks: model (1/3), input
// (2/3), keep fractions (3/3); the policy and hardware are the settings' (each point replaces
// only the token schedule). Scoring mode (no generation): the metric of a decoder is teacher-forced
// perplexity, which a generated continuation would not give. Programmatic callers pass
//   executeCommand('spatten.sweepKeepFraction', { modelPath, text, keeps: [1, 0.6, 0.3] })
import * as vscode from 'vscode';
import { parseKeepList } from '../engine/sweepKeeps';
import { bundledModel } from './bundledAssets';
import { pickModelInput, programmaticInput, type CoreContext, type ProfileArgs } from './commands';
import type { ChosenInput } from './profileInputs';
import { pickModel } from './profileInputs';
import type { ProfileOutcome, ProfileSpec } from './profileSession';
import { readProfileSettings } from './settings';
import { reportError } from './userErrors';

export interface SweepArgs extends ProfileArgs {
  /** Keep fractions, each in (0, 1]; default DEFAULT_KEEPS. */
  keeps?: number[];
}

export const DEFAULT_KEEPS = '1, 0.8, 0.6, 0.4, 0.2';

async function pickKeeps(): Promise<number[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'SpAtten: Sweep Keep Fraction (3/3)',
    prompt: 'Token keep fractions, comma-separated, each in (0, 1]: one full profile each (1 = token pruning off)',
    value: DEFAULT_KEEPS,
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        parseKeepList(v);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message.replace(/^--keep: /, '') : String(e);
      }
    },
  });
  return text === undefined ? undefined : parseKeepList(text);
}

export async function sweepKeepFraction(ctx: CoreContext, arg?: unknown): Promise<ProfileOutcome> {
  try {
    const settings = await readProfileSettings();
    const args: SweepArgs | undefined = arg instanceof vscode.Uri ? { modelPath: arg.fsPath, interactive: true } : (arg as SweepArgs | undefined);
    let model: vscode.Uri | undefined;
    let input: ChosenInput | undefined;
    let keeps: number[] | undefined;
    if (args && !args.interactive) {
      model = args.modelPath ? vscode.Uri.file(args.modelPath) : bundledModel(ctx.extensionUri);
      input = await programmaticInput(ctx, args);
      keeps = parseKeepList((args.keeps ?? []).join(',') || DEFAULT_KEEPS);
    } else {
      model = args?.modelPath ? vscode.Uri.file(args.modelPath) : await pickModel(ctx.extensionUri, 'SpAtten: Sweep Keep Fraction (1/3)');
      if (!model) return { status: 'skipped', reason: 'no model chosen' };
      input = await pickModelInput(ctx, model, 'SpAtten: Sweep Keep Fraction (2/3)');
      if (!input) return { status: 'skipped', reason: 'no input chosen' };
      keeps = await pickKeeps();
      if (!keeps) return { status: 'skipped', reason: 'no keep fractions given' };
    }
    const spec: ProfileSpec = {
      modelPath: model.fsPath,
      texts: input.texts,
      ...(input.labels ? { labels: input.labels } : {}),
      ...(input.graphInputs ? { inputs: input.graphInputs } : {}),
      policy: args?.policy ?? settings.policy,
      hardware: args?.hardware ?? settings.hardware,
      generateTokens: 0,
      maxTokens: args?.maxTokens ?? settings.maxTokens,
    };
    return ctx.controller.run(spec, input.origin, keeps);
  } catch (error) {
    return { status: 'failed', message: await reportError(ctx.log, 'Sweep', error) };
  }
}
