// The command handlers. Each palette command picks what it needs with quick picks; programmatic
// callers (tests, other extensions) pass an argument object and no pick is shown, e.g.
//   executeCommand('spatten.profileModel', { modelPath, text, policy: 'off', hardware: 'spatten-1x' })
import * as vscode from 'vscode';
import type { ExportFormat } from '../engine/report/exportFormats';
import { bundledModel, bundledSample } from './bundledAssets';
import { exportReport, type ExportArgs } from './exportCommand';
import type { ImportanceDecorations } from './importanceDecorations';
import type { ProfileController, TextOrigin } from './profileController';
import { editorInput, pickInput, pickModel, pickPreset, type ChosenInput } from './profileInputs';
import { readInputFile } from '../engine/inputFiles';
import type { ProfileOutcome, ProfileSpec } from './profileSession';
import type { ProfileStore } from './profileStore';
import type { ReportActions, ReportPanel } from './reportPanel';
import { readProfileSettings, type ProfileSettings } from './settings';
import { pickGraphInputs } from './graphInputPicker';
import type { GraphInputSpec } from '../engine/profileRequest';
import { reportError } from './userErrors';
import { loadEngineModules } from './loadEngineModules';

export interface ProfileArgs {
  /** Model file; default: the bundled model. */
  modelPath?: string;
  /** The input: a text, several texts, a .txt/.jsonl file, or an open document (whole text). Default: the bundled sample. */
  text?: string;
  texts?: string[];
  inputFile?: string;
  documentUri?: string;
  /** With documentUri: profile only the active editor's selection of that document. */
  selectionOnly?: boolean;
  /** Override the settings for this run. */
  policy?: string | Record<string, unknown>;
  hardware?: string | Record<string, unknown>;
  generateTokens?: number;
  maxTokens?: number;
  /** Graph inputs of a model without token input (a .npy or a shape each); texts may then be omitted. */
  inputs?: Record<string, GraphInputSpec>;
  /** Show the input and preset picks even though a model is given (the model editor's button). */
  interactive?: boolean;
}

export interface CommandContext {
  extensionUri: vscode.Uri;
  log: vscode.LogOutputChannel;
  store: ProfileStore;
  controller: ProfileController;
  panel: ReportPanel;
  decorations: ImportanceDecorations;
  policyPresets: readonly string[];
  hardwarePresets: readonly string[];
}

/** Everything but the panel (which itself needs the report actions built from this). */
export type CoreContext = Omit<CommandContext, 'panel'>;

function buildSpec(modelPath: string, input: ChosenInput, settings: ProfileSettings): ProfileSpec {
  return { modelPath, texts: input.texts, ...(input.labels ? { labels: input.labels } : {}), ...(input.graphInputs ? { inputs: input.graphInputs } : {}), policy: settings.policy, hardware: settings.hardware, generateTokens: settings.generateTokens, maxTokens: settings.maxTokens };
}

export async function programmaticInput(ctx: CoreContext, args: ProfileArgs): Promise<ChosenInput> {
  if (args.inputs && !args.texts && args.text === undefined && !args.inputFile && !args.documentUri) return { texts: [], graphInputs: args.inputs };
  if (args.texts) return { texts: args.texts };
  if (args.text !== undefined) return { texts: [args.text] };
  if (args.inputFile) return readInputFile(args.inputFile);
  if (args.documentUri) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(args.documentUri));
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (args.selectionOnly && editor) return editorInput(editor, true);
    return { texts: [document.getText()], origin: { document, offset: 0 } };
  }
  return readInputFile(bundledSample(ctx.extensionUri, args.modelPath ? vscode.Uri.file(args.modelPath) : undefined).fsPath);
}

/** A text for models that take tokens; otherwise a .npy or a shape per tensor input. */
export async function pickModelInput(ctx: CoreContext, model: vscode.Uri, step = 'SpAtten: Profile Model (2/4)'): Promise<ChosenInput | undefined> {
  // Through out/engineModules.js: an import() here would be inlined into the activation bundle, engine and all.
  const { describeModel } = loadEngineModules();
  const description = await describeModel(model.fsPath);
  if (description.takesTokens || description.tensorInputs.length === 0) return pickInput(ctx.extensionUri, model, step);
  const graphInputs = await pickGraphInputs(description, step.replace(/^.*\((\d+\/\d+)\)$/, '$1'));
  return graphInputs ? { texts: [], graphInputs } : undefined;
}

async function profileModel(ctx: CommandContext, arg?: unknown): Promise<ProfileOutcome> {
  try {
    const settings = await readProfileSettings();
    const args: ProfileArgs | undefined = arg instanceof vscode.Uri ? { modelPath: arg.fsPath, interactive: true } : (arg as ProfileArgs | undefined);
    if (args && !args.interactive) {
      const input = await programmaticInput(ctx, args);
      const spec = buildSpec(args.modelPath ?? bundledModel(ctx.extensionUri).fsPath, input, {
        policy: args.policy ?? settings.policy,
        hardware: args.hardware ?? settings.hardware,
        generateTokens: args.generateTokens ?? settings.generateTokens,
        maxTokens: args.maxTokens ?? settings.maxTokens,
      });
      return ctx.controller.run(spec, input.origin);
    }
    const model = args?.modelPath ? vscode.Uri.file(args.modelPath) : await pickModel(ctx.extensionUri);
    if (!model) return { status: 'skipped', reason: 'no model chosen' };
    const input = await pickModelInput(ctx, model);
    if (!input) return { status: 'skipped', reason: 'no input chosen' };
    const policy = await pickPreset('3/4', 'Pruning policy', ctx.policyPresets, settings.policy);
    if (policy === undefined) return { status: 'skipped', reason: 'no policy chosen' };
    const hardware = await pickPreset('4/4', 'Hardware configuration', ctx.hardwarePresets, settings.hardware);
    if (hardware === undefined) return { status: 'skipped', reason: 'no hardware chosen' };
    return ctx.controller.run(buildSpec(model.fsPath, input, { ...settings, policy, hardware }), input.origin);
  } catch (error) {
    return { status: 'failed', message: await reportError(ctx.log, 'Profile', error) };
  }
}

async function profileSelection(ctx: CommandContext, arg?: unknown): Promise<ProfileOutcome> {
  try {
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('SpAtten: open a text document and select the text to profile.');
      return { status: 'skipped', reason: 'no active text editor' };
    }
    const input = editorInput(editor, true);
    const args = arg instanceof vscode.Uri ? undefined : (arg as ProfileArgs | undefined);
    const model = args?.modelPath ? vscode.Uri.file(args.modelPath) : await pickModel(ctx.extensionUri);
    if (!model) return { status: 'skipped', reason: 'no model chosen' };
    const settings = await readProfileSettings();
    const spec = buildSpec(model.fsPath, input, {
      ...settings,
      policy: args?.policy ?? settings.policy,
      hardware: args?.hardware ?? settings.hardware,
    });
    return ctx.controller.run(spec, input.origin);
  } catch (error) {
    return { status: 'failed', message: await reportError(ctx.log, 'Profile selection', error) };
  }
}

/** Selects a report token in its source document (the webview's token view asked for it). */
async function revealToken(ctx: CoreContext, index: number): Promise<void> {
  const session = ctx.store.latest;
  const anchor = session?.anchor;
  const token = session?.result.report.input.tokens[index];
  if (!anchor || !token || token.start < 0) return;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === anchor.uri.toString());
  if (!document || document.version !== anchor.version) return;
  const range = new vscode.Range(document.positionAt(anchor.offset + token.start), document.positionAt(anchor.offset + token.end));
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preserveFocus: false });
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

async function profileAgain(ctx: CoreContext): Promise<ProfileOutcome> {
  const session = ctx.store.latest;
  if (!session) return { status: 'skipped', reason: 'nothing profiled yet' };
  const anchor = session.anchor;
  const document = anchor && vscode.workspace.textDocuments.find((d) => d.uri.toString() === anchor.uri.toString());
  const origin: TextOrigin | undefined = document && anchor ? { document, offset: anchor.offset } : undefined;
  return ctx.controller.run(session.spec, origin);
}

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('spatten.profileModel', (arg?: unknown) => profileModel(ctx, arg)),
    vscode.commands.registerCommand('spatten.profileSelection', (arg?: unknown) => profileSelection(ctx, arg)),
    vscode.commands.registerCommand('spatten.exportReport', (arg?: ExportArgs) => exportReport(ctx.store, ctx.log, arg instanceof vscode.Uri ? {} : arg)),
    vscode.commands.registerCommand('spatten.toggleDecorations', () => {
      const on = ctx.decorations.toggle();
      vscode.window.setStatusBarMessage(`SpAtten importance decorations ${on ? 'on' : 'off'}`, 3000);
      return on;
    }),
    // Internal (not in the palette): hover links, the report webview, tests.
    vscode.commands.registerCommand('spatten.showTokenInReport', (index: unknown) => {
      if (typeof index === 'number' && Number.isInteger(index) && index >= 0) ctx.panel.focusToken(index);
    }),
    vscode.commands.registerCommand('spatten.cancelProfile', () => ctx.controller.cancel()),
  ];
}

/** What the report webview's buttons do. */
export function reportActions(ctx: CoreContext): ReportActions {
  return {
    exportReport: (format: ExportFormat) => void exportReport(ctx.store, ctx.log, { format }),
    revealToken: (index: number) => void revealToken(ctx, index),
    profileAgain: () => void profileAgain(ctx),
  };
}
