// Activation (lazy: a SpAtten command, the .onnx summary editor, or a restored report panel).
// Wires the log, the session store, the run controller, the report panel and its serializer, the
// custom editor, the hover provider and the decorations. This bundle holds only that glue: a
// profile runs in a worker (out/profileWorker.js) and the summary editor and exports load
// out/engineModules.js on first use, so neither the engine nor onnxruntime-node loads here.
// First import: starts the activation clock before any other module of the bundle runs.
import { addSpans, bundleEvaluationStart, mark, since, type SpanMs } from './activationClock';
import * as vscode from 'vscode';
import type { ProfileProgress } from '../engine/profileRequest';
import type { ProfileReport } from '../engine/report/profileReport';
import { registerCommands, reportActions } from './commands';
import { ImportanceDecorations } from './importanceDecorations';
import { MODEL_EDITOR_VIEW_TYPE, ModelEditorProvider } from './modelEditorProvider';
import { ProfileController } from './profileController';
import { ProfileStore } from './profileStore';
import { liveWorkerCount } from './profileWorkerHost';
import { REPORT_VIEW_TYPE, ReportPanel, ReportPanelSerializer } from './reportPanel';
import { TokenHoverProvider } from './tokenHover';
import { TunePanel } from './tunePanel';
import { openTunedTrial, tunePolicy, useTunedPolicy } from './tuneCommand';
import { sweepKeepFraction } from './sweepCommand';

/** What activate() returns: a read-only view for the extension's own tests and other extensions. */
export interface SpattenExtensionApi {
  latestReport(): ProfileReport | undefined;
  readonly onDidProgress: vscode.Event<ProfileProgress>;
  isProfiling(): boolean;
  /** Ranges decorated in the visible editors of a document. */
  decoratedRanges(uri: vscode.Uri): number;
  decorationsEnabled(): boolean;
  reportPanelOpen(): boolean;
  /** The extension's own activation cost (wall and CPU ms): evaluating its bundle plus running activate(). */
  activationMs(): SpanMs;
  /** Profile workers started and not yet exited. */
  liveProfileWorkers(): number;
  /** The tune result the tune view shows, if open. */
  tuneViewOpen(): boolean;
}

function manifestEnum(context: vscode.ExtensionContext, key: string): string[] {
  const properties = (context.extension.packageJSON as { contributes?: { configuration?: { properties?: Record<string, { enum?: string[] }> } } })
    .contributes?.configuration?.properties;
  return properties?.[key]?.enum ?? [];
}

export function activate(context: vscode.ExtensionContext): SpattenExtensionApi {
  const activateStart = mark();
  const log = vscode.window.createOutputChannel('SpAtten Profiler', { log: true });
  const store = new ProfileStore(context.workspaceState);
  const controller = new ProfileController(store, log, vscode.Uri.joinPath(context.extensionUri, 'out', 'profileWorker.js').fsPath);
  const decorations = new ImportanceDecorations(store);
  const core = {
    extensionUri: context.extensionUri,
    log,
    store,
    controller,
    decorations,
    policyPresets: manifestEnum(context, 'spatten.policy.preset'),
    hardwarePresets: manifestEnum(context, 'spatten.hardware.preset'),
  };
  const panel = new ReportPanel(context.extensionUri, log, reportActions(core));
  controller.setListener(panel);
  const tuneContext = { extensionUri: context.extensionUri, log, panel: undefined as unknown as TunePanel };
  tuneContext.panel = new TunePanel(context.extensionUri, log, {
    openTrial: (trial) => void openTunedTrial(tuneContext, trial),
    usePolicy: (trial) => void useTunedPolicy(tuneContext, trial),
  });
  context.subscriptions.push(
    tuneContext.panel,
    vscode.commands.registerCommand('spatten.tunePolicy', (arg?: unknown) => tunePolicy(tuneContext, arg)),
    // Internal (the tune view's point clicks and button, tests).
    vscode.commands.registerCommand('spatten.openTunedTrial', (trial: unknown) => openTunedTrial(tuneContext, trial)),
    vscode.commands.registerCommand('spatten.useTunedPolicy', (trial?: unknown) => useTunedPolicy(tuneContext, trial)),
  );
  context.subscriptions.push(
    log, store, controller, decorations, panel,
    ...registerCommands({ ...core, panel }),
    vscode.commands.registerCommand('spatten.sweepKeepFraction', (arg?: unknown) => sweepKeepFraction(core, arg)),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, new ReportPanelSerializer(panel)),
    vscode.window.registerCustomEditorProvider(MODEL_EDITOR_VIEW_TYPE, new ModelEditorProvider(log), {
      supportsMultipleEditorsPerDocument: true,
    }),
    vscode.languages.registerHoverProvider({ scheme: '*' }, new TokenHoverProvider(store)),
  );
  const activation = addSpans(bundleEvaluation, since(activateStart));
  log.info(`activated in ${activation.wallMs.toFixed(1)} ms (${activation.cpuMs.toFixed(1)} ms CPU; bundle ${bundleEvaluation.wallMs.toFixed(1)} ms; VS Code ${vscode.version}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'untrusted'})`);
  return {
    latestReport: () => store.latest?.result.report,
    onDidProgress: controller.onDidProgress,
    isProfiling: () => controller.isRunning,
    decoratedRanges: (uri) => decorations.decoratedRanges(uri),
    decorationsEnabled: () => decorations.isEnabled,
    reportPanelOpen: () => panel.isOpen,
    activationMs: () => activation,
    liveProfileWorkers: liveWorkerCount,
    tuneViewOpen: () => tuneContext.panel.isOpen,
  };
}

export function deactivate(): void {}

// Last statement of the bundle's module code: the bundle has been evaluated (see activationClock.ts).
const bundleEvaluation = since(bundleEvaluationStart);
