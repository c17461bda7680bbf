// The tune view: a webview with the Pareto chart of a tune result (out/tuneChart.js, the same page
// `spatten-profile tune --html` writes). A click on a point asks to profile that trial's policy; the
// "Use this policy" button asks to save the chosen one. Only those two messages are accepted, each
// checked at runtime; what they do is the TuneActions the command module provides.
import * as vscode from 'vscode';
import type { TuneResult } from '../engine/tune/runTune';
import { contentSecurityPolicy, escapeHtml, makeNonce } from './webviewHtml';

export const TUNE_VIEW_TYPE = 'spatten.tune';

export interface TuneActions {
  openTrial(trial: number): void;
  usePolicy(trial: number): void;
}

type TuneWebviewMessage = { type: 'openTrial' | 'usePolicy'; trial: number };

function isTuneMessage(m: unknown): m is TuneWebviewMessage {
  const x = m as TuneWebviewMessage;
  return typeof m === 'object' && m !== null && (x.type === 'openTrial' || x.type === 'usePolicy') && Number.isInteger(x.trial) && x.trial > 0;
}

/** The page: the chart bundle as a webview URI, the result as inline JSON data (not script). */
function tuneViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, result: TuneResult): string {
  const nonce = makeNonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'out', 'tuneChart.js'));
  const data = JSON.stringify(result).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(webview, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0"><title>SpAtten Tune</title>
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground)}.chart-box{position:relative;height:420px;max-width:900px}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid var(--vscode-panel-border);padding:.25em .6em;text-align:right}caption{text-align:left;font-weight:600}
pre.policy{background:var(--vscode-textCodeBlock-background);padding:.6em;max-width:900px;overflow:auto}</style></head>
<body><div id="tune-root"></div>
<script type="application/json" id="tune-data">${data}</script>
<script nonce="${nonce}" src="${escapeHtml(script.toString())}"></script>
</body></html>`;
}

export class TunePanel implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private result: TuneResult | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly actions: TuneActions,
  ) {}

  get isOpen(): boolean {
    return this.panel !== undefined;
  }

  get shownResult(): TuneResult | undefined {
    return this.result;
  }

  show(result: TuneResult): void {
    this.result = result;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(TUNE_VIEW_TYPE, `SpAtten Tune: ${result.model.name}`, vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'out')],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m: unknown) => {
        if (!isTuneMessage(m)) return void this.log.warn(`tune view: ignored message ${JSON.stringify(m).slice(0, 200)}`);
        if (m.type === 'openTrial') this.actions.openTrial(m.trial);
        else this.actions.usePolicy(m.trial);
      });
    }
    this.panel.title = `SpAtten Tune: ${result.model.name}`;
    this.panel.webview.html = tuneViewHtml(this.panel.webview, this.extensionUri, result);
    this.panel.reveal();
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
