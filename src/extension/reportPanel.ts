// Hosts the report webview (one panel per window). The webview renders a ProfileReport sent as a
// protocol message and keeps it in its own state, so with retainContextWhenHidden off a hidden
// panel is rebuilt from that state, and after a reload the WebviewPanelSerializer restores it
// without re-profiling. Only protocol.ts messages cross, each checked at runtime.
import * as vscode from 'vscode';
import type { ProfileProgress } from '../engine/profileRequest';
import type { ProfileReport } from '../engine/report/profileReport';
import type { ExportFormat } from '../engine/report/exportFormats';
import { isWebviewToHostMessage, type HostToWebviewMessage, type WebviewState } from '../webview/protocol';
import type { ProfileListener } from './profileController';
import { stageText } from './profileController';
import type { ProfileSession } from './profileSession';
import { reportHtml, reportResourceRoots } from './webviewHtml';
import { modelLabel } from '../engine/model/modelName';

export const REPORT_VIEW_TYPE = 'spatten.report';

/** What the panel asks of the rest of the extension when the user acts in the webview. */
export interface ReportActions {
  exportReport(format: ExportFormat): void;
  revealToken(index: number): void;
  profileAgain(): void;
}

export class ReportPanel implements ProfileListener, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private report: ProfileReport | undefined;
  /** The webview instance already holds `report` (sent, or restored from its state). */
  private delivered = false;
  /** The current webview document has said `ready` (reset when it is torn down on hide). */
  private ready = false;
  private pendingFocus: number | undefined;
  private panelDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly actions: ReportActions,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  /** The report the panel shows (restored panels show one without a session in this window). */
  get shownReport(): ProfileReport | undefined {
    return this.report;
  }

  async onSession(session: ProfileSession): Promise<void> {
    this.show(session.result.report);
  }

  onProgress(p: ProfileProgress): void {
    if (this.panel && this.ready) this.post({ type: 'progress', stage: stageText(p), fraction: p.fraction });
  }

  onFailure(message: string): void {
    if (this.panel && this.ready) this.post({ type: 'error', message });
  }

  show(report: ProfileReport): void {
    this.report = report;
    this.delivered = false;
    if (!this.panel) {
      this.attach(vscode.window.createWebviewPanel(REPORT_VIEW_TYPE, panelTitle(report), { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: reportResourceRoots(this.extensionUri),
      }));
    } else {
      this.panel.title = panelTitle(report);
      this.panel.reveal(undefined, true);
      this.deliver();
    }
  }

  /** Opens the report at one input token (hover link). */
  focusToken(index: number): void {
    if (!this.panel) {
      if (!this.report) return;
      this.show(this.report);
    } else {
      this.panel.reveal(undefined, false);
    }
    this.pendingFocus = index;
    this.deliver();
  }

  /** Serializer path: the panel came back after a reload; its state holds the report. */
  restore(panel: vscode.WebviewPanel, state: WebviewState | undefined): void {
    this.panel?.dispose();
    this.report = state?.report;
    this.delivered = state?.report !== undefined;
    panel.webview.options = { enableScripts: true, localResourceRoots: reportResourceRoots(this.extensionUri) };
    if (this.report) panel.title = panelTitle(this.report);
    this.attach(panel);
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icons', 'spatten.svg');
    this.panelDisposables = [
      panel.webview.onDidReceiveMessage((m: unknown) => this.receive(m)),
      panel.onDidChangeViewState(() => {
        // Without retainContextWhenHidden the webview document is destroyed when hidden.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => {
        this.panel = undefined;
        this.ready = false;
        for (const d of this.panelDisposables) d.dispose();
        this.panelDisposables = [];
      }),
    ];
    panel.webview.html = reportHtml(panel.webview, this.extensionUri);
  }

  private receive(message: unknown): void {
    if (!isWebviewToHostMessage(message)) {
      this.log.warn(`ignored a malformed message from the report webview: ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.ready = true;
        this.deliver();
        return;
      case 'export':
        this.actions.exportReport(message.format);
        return;
      case 'revealToken':
        this.actions.revealToken(message.index);
        return;
      case 'profileAgain':
        this.actions.profileAgain();
        return;
    }
  }

  private deliver(): void {
    if (!this.panel || !this.ready) return;
    if (this.report && !this.delivered) {
      this.post({ type: 'report', report: this.report });
      this.delivered = true;
    }
    if (this.pendingFocus !== undefined) {
      this.post({ type: 'focusToken', index: this.pendingFocus });
      this.pendingFocus = undefined;
    }
  }

  private post(message: HostToWebviewMessage): void {
    void this.panel?.webview.postMessage(message);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}

function panelTitle(report: ProfileReport): string {
  return `SpAtten: ${modelLabel(report.model)}`;
}

export class ReportPanelSerializer implements vscode.WebviewPanelSerializer<WebviewState> {
  constructor(private readonly host: ReportPanel) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: WebviewState | undefined): Promise<void> {
    this.host.restore(panel, state);
  }
}
