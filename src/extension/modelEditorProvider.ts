// Read-only custom editor for .onnx files (priority "option": Open With...): the model summary the
// engine reads from the graph without running anything (family, layers, heads, dims, parameters,
// opset, the attention cores found or why none were), and a Profile button. The page has no script:
// the button is a command link limited to spatten.profileModel. In an untrusted workspace the
// file is not read at all.
import * as vscode from 'vscode';
import type { ModelSummary } from '../engine/report/profileReport';
import { reportError } from './userErrors';
import { escapeHtml, makeNonce } from './webviewHtml';
import { loadEngineModules } from './loadEngineModules';

export const MODEL_EDITOR_VIEW_TYPE = 'spatten.modelSummary';

type ModelDescription = ModelSummary & { inputs: string[]; outputs: string[]; problem?: string };

class ModelDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export class ModelEditorProvider implements vscode.CustomReadonlyEditorProvider<ModelDocument> {
  constructor(private readonly log: vscode.LogOutputChannel) {}

  openCustomDocument(uri: vscode.Uri): ModelDocument {
    return new ModelDocument(uri);
  }

  async resolveCustomEditor(document: ModelDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, enableCommandUris: ['spatten.profileModel'], localResourceRoots: [] };
    const name = document.uri.path.replace(/^.*\//, '');
    if (!vscode.workspace.isTrusted) {
      panel.webview.html = page(panel.webview, name, '<p class="problem">This workspace is not trusted: SpAtten does not read models from it. Trust the workspace to see the summary and profile the model.</p>');
      return;
    }
    panel.webview.html = page(panel.webview, name, '<p>Reading the model graph…</p>');
    try {
      const { describeModel } = loadEngineModules();
      const model = await describeModel(document.uri.fsPath);
      panel.webview.html = page(panel.webview, name, summaryHtml(model, document.uri));
    } catch (error) {
      const message = await reportError(this.log, `Reading ${name}`, error);
      panel.webview.html = page(panel.webview, name, `<p class="problem">${escapeHtml(message)}</p>`);
    }
  }
}

function row(label: string, value: string | number): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(String(value))}</td></tr>`;
}

function list(items: string[], empty: string): string {
  if (items.length === 0) return `<p>${escapeHtml(empty)}</p>`;
  return `<ul>${items.map((i) => `<li><code>${escapeHtml(i)}</code></li>`).join('')}</ul>`;
}

function summaryHtml(m: ModelDescription, uri: vscode.Uri): string {
  const args = encodeURIComponent(JSON.stringify([{ modelPath: uri.fsPath, interactive: true }]));
  const profile = m.problem
    ? `<p class="problem">${escapeHtml(m.problem)}</p>`
    : `<p><a class="button" href="command:spatten.profileModel?${args}" title="Profile this model">Profile</a></p>`;
  return `${profile}
<table>
${row('Family', m.family)}
${row('Layers', m.layers)}
${row('Attention heads', m.kvHeads !== m.heads ? `${m.heads} (${m.kvHeads} KV heads, grouped-query)` : m.heads)}
${row('Head dim', m.headDim)}
${row('Hidden size', m.hiddenSize)}
${row('Parameters', m.parameters.toLocaleString('en-US'))}
${row('Opset', m.opset)}
${row('Attention', m.causal ? 'causal (decoder)' : 'bidirectional (encoder)')}
</table>
<h2>Attention cores found (${m.attentionCores.length})</h2>
${list(m.attentionCores, m.problem ? 'None: see above.' : 'None.')}
<h2>Inputs</h2>
${list(m.inputs, 'None.')}
<h2>Outputs</h2>
${list(m.outputs, 'None.')}`;
}

function page(webview: vscode.Webview, name: string, body: string): string {
  const nonce = makeNonce();
  const csp = `default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}'; img-src ${webview.cspSource} data:`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em 1.5em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.5em; }
table { border-collapse: collapse; } th { text-align: left; font-weight: 600; padding: 2px 1.5em 2px 0; } td { padding: 2px 0; }
code { font-family: var(--vscode-editor-font-family); }
.problem { color: var(--vscode-errorForeground); }
a.button { display: inline-block; padding: 4px 14px; color: var(--vscode-button-foreground); background: var(--vscode-button-background); text-decoration: none; border-radius: 2px; }
a.button:hover { background: var(--vscode-button-hoverBackground); }
</style>
<title>${escapeHtml(name)}</title>
</head>
<body>
<h1>${escapeHtml(name)}</h1>
${body}
</body>
</html>`;
}
