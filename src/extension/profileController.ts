// Runs the engine for a front-end request: one run at a time, inside a cancellable progress
// notification whose text follows the engine's stages ("load", "reference run", "layer i of N",
// "simulation"). The engine runs in a worker process per run (profileWorkerHost.ts): the host never
// loads it or onnxruntime-node, cancel kills the worker, and an engine crash or out-of-memory ends
// only the worker. Every failure becomes a message with a "Show Log" button and an outcome;
// the extension host keeps running.
import * as vscode from 'vscode';
import type { ProfileProgress } from '../engine/profileRequest';
import type { ProfileStore } from './profileStore';
import { runProfileInWorker, runSweepInWorker } from './profileWorkerHost';
import type { DocumentAnchor, ProfileOutcome, ProfileSession, ProfileSpec } from './profileSession';
import { isCancellation, reportError } from './userErrors';

/** Where the profiled text sits in an open document (becomes a DocumentAnchor if the report's text matches). */
export interface TextOrigin {
  document: vscode.TextDocument;
  offset: number;
}

/** Receives the run's progress, result and failure (the report panel). */
export interface ProfileListener {
  onProgress(progress: ProfileProgress): void;
  onSession(session: ProfileSession): void | Promise<void>;
  onFailure(message: string): void;
}

export function stageText(p: ProfileProgress): string {
  switch (p.stage) {
    case 'load': return 'load';
    case 'tokenize': return 'tokenize';
    case 'reference': return 'reference run';
    case 'engine': return p.detail ?? 'engine';
    case 'simulate': return 'simulation';
    case 'report': return 'report';
  }
}

export class ProfileController implements vscode.Disposable {
  private running: AbortController | undefined;
  private readonly progressEmitter = new vscode.EventEmitter<ProfileProgress>();
  readonly onDidProgress = this.progressEmitter.event;
  private listener: ProfileListener | undefined;

  constructor(
    private readonly store: ProfileStore,
    private readonly log: vscode.LogOutputChannel,
    /** out/profileWorker.js of the installed extension. */
    private readonly workerPath: string,
  ) {}

  setListener(listener: ProfileListener): void {
    this.listener = listener;
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Aborts the run in flight (its worker is killed and the run ends as cancelled). */
  cancel(): boolean {
    if (!this.running) return false;
    this.log.info('cancel requested');
    this.running.abort();
    return true;
  }

  /**
   * Profiles `spec`; with `sweepKeeps`, runs one profile per keep fraction instead (engine/sweep.ts)
   * and the session is the last point's, its report carrying the sweep rows.
   */
  async run(spec: ProfileSpec, origin?: TextOrigin, sweepKeeps?: readonly number[]): Promise<ProfileOutcome> {
    if (!vscode.workspace.isTrusted) {
      const reason = 'SpAtten runs no model in an untrusted workspace. Trust the workspace to profile.';
      void vscode.window.showWarningMessage(reason, 'Manage Workspace Trust').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return { status: 'skipped', reason };
    }
    if (this.running) {
      const reason = 'A SpAtten profile is already running; cancel it first.';
      void vscode.window.showInformationMessage(reason);
      return { status: 'skipped', reason };
    }
    const abort = new AbortController();
    this.running = abort;
    const started = Date.now();
    const version = origin?.document.version;
    this.log.info(`${sweepKeeps ? `sweep keep ${sweepKeeps.join(', ')} of` : 'profile'} ${spec.modelPath}: ${spec.texts.length} input(s), policy ${describe(spec.policy)}, hardware ${describe(spec.hardware)}, generate ${spec.generateTokens ?? 0}, maxTokens ${spec.maxTokens ?? 'default'}`);
    try {
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'SpAtten', cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          progress.report({ message: 'load' });
          let reported = 0;
          const options = {
            workerPath: this.workerPath,
            signal: abort.signal,
            onProgress: (p: ProfileProgress) => {
              const fraction = p.fraction !== undefined ? Math.max(reported, Math.min(1, p.fraction)) : reported;
              progress.report({ message: stageText(p), increment: (fraction - reported) * 100 });
              reported = fraction;
              this.log.debug(`stage ${p.stage}${p.detail ? ` (${p.detail})` : ''}${p.fraction !== undefined ? ` ${(p.fraction * 100).toFixed(0)}%` : ''}`);
              this.progressEmitter.fire(p);
              this.listener?.onProgress(p);
            },
          };
          return sweepKeeps ? runSweepInWorker(spec, [...sweepKeeps], options) : runProfileInWorker(spec, options);
        },
      );
      const session: ProfileSession = { spec, result, anchor: this.anchor(origin, version, result.report.input.text) };
      this.store.add(session);
      this.log.info(`profile done in ${((Date.now() - started) / 1000).toFixed(2)} s: ${result.report.input.tokens.length} tokens, ${result.report.model.layers} layers`);
      for (const w of result.report.warnings) this.log.warn(w);
      await this.listener?.onSession(session);
      return { status: 'done', session };
    } catch (error) {
      if (isCancellation(error) || abort.signal.aborted) {
        this.log.info('profile cancelled');
        void vscode.window.showInformationMessage('SpAtten: profile cancelled.');
        this.listener?.onFailure('The profile run was cancelled.');
        return { status: 'cancelled' };
      }
      const message = await reportError(this.log, 'Profile', error);
      this.listener?.onFailure(message);
      return { status: 'failed', message };
    } finally {
      this.running = undefined;
    }
  }

  /** Anchors the report's tokens in the document only if the text it profiled is still there. */
  private anchor(origin: TextOrigin | undefined, version: number | undefined, profiled: string): DocumentAnchor | undefined {
    if (!origin || version === undefined) return undefined;
    const { document, offset } = origin;
    if (document.isClosed || document.version !== version) return undefined;
    const here = document.getText().slice(offset, offset + profiled.length);
    if (here !== profiled) {
      this.log.warn('the report text differs from the document text: hovers and decorations are off for this run');
      return undefined;
    }
    return { uri: document.uri, offset, version };
  }

  dispose(): void {
    this.running?.abort();
    this.progressEmitter.dispose();
  }
}

function describe(value: string | Record<string, unknown>): string {
  return typeof value === 'string' ? value : 'custom';
}
