// Read-only custom editor for .onnx files, the default editor for them (package.json
// customEditors, priority "default"; "Reopen Editor With… > Text" still opens the bytes): a
// Netron-style model card the engine reads from the graph without running anything. Its name and
// file, a Profile button, the architecture (family, layers, heads, dims, parameters, size, opset,
// attention), the attention cores found (or why none were), and the inputs and outputs with their
// types and shapes. Identifiers are shown verbatim in the editor's code font (underscores and all).
// The page has no script: the button is a command link limited to spatten.profileModel. In an
// untrusted workspace the file is not read at all.
import * as vscode from 'vscode';
import type { ModelDescription, TensorDescription } from '../engine/modelDescription';
import { modelLabel } from '../engine/model/modelName';
import { compactNumber, formatNumber, formatValue } from '../engine/report/formatQuantity';
import { reportError } from './userErrors';
import { escapeHtml, makeNonce } from './webviewHtml';
import { loadEngineModules } from './loadEngineModules';

export const MODEL_EDITOR_VIEW_TYPE = 'spatten.modelSummary';

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
    const fileName = document.uri.path.replace(/^.*\//, '');
    if (!vscode.workspace.isTrusted) {
      panel.webview.html = page(panel.webview, fileName, heading(fileName), '<p class="problem">This workspace is not trusted: SpAtten does not read models from it. Trust the workspace to see the summary and profile the model.</p>');
      return;
    }
    panel.webview.html = page(panel.webview, fileName, heading(fileName), '<p>Reading the model graph…</p>');
    try {
      const { describeModel } = loadEngineModules();
      const model = await describeModel(document.uri.fsPath);
      panel.webview.html = page(panel.webview, fileName, heading(modelLabel(model), model), summaryHtml(model, document.uri));
    } catch (error) {
      const message = await reportError(this.log, `Reading ${fileName}`, error);
      panel.webview.html = page(panel.webview, fileName, heading(fileName), `<p class="problem">${escapeHtml(message)}</p>`);
    }
  }
}

const FAMILY: Record<ModelDescription['family'], string> = {
  bert: 'BERT',
  gpt2: 'GPT-2',
  llama: 'Llama',
  generic: 'generic transformer',
};

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

function row(label: string, valueHtml: string, note = ''): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${valueHtml}${note ? ` <span class="muted">${escapeHtml(note)}</span>` : ''}</td></tr>`;
}

function heading(name: string, m?: ModelDescription): string {
  const sub = m ? `<p class="subtitle">${code(m.fileName)}${m.producer ? ` · ${escapeHtml(m.producer)}` : ''} · ONNX opset ${m.opset}</p>` : '';
  return `<h1 data-field="name">${escapeHtml(name)}</h1>${sub}`;
}

function tensorTable(kind: string, tensors: TensorDescription[]): string {
  if (tensors.length === 0) return `<p>No ${kind}.</p>`;
  const rows = tensors.map((t) => `<tr data-tensor="${escapeHtml(t.name)}"><td>${code(t.name)}</td><td>${code(t.elemType)}</td><td>${code(`[${t.dims.join(', ')}]`)}</td></tr>`).join('');
  return `<table class="grid" data-table="${kind}"><thead><tr><th>Name</th><th>Type</th><th>Shape</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function coresTable(m: ModelDescription): string {
  if (m.attentionCores.length === 0) return `<p>${m.problem ? 'None: see above.' : 'None.'}</p>`;
  const rows = m.attentionCores.map((c, i) => `<tr data-core="${i}"><td class="r">${i}</td><td>${code(c)}</td></tr>`).join('');
  return `<table class="grid" data-table="cores"><thead><tr><th>Layer</th><th>Pattern and place in the graph</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function summaryHtml(m: ModelDescription, uri: vscode.Uri): string {
  const args = encodeURIComponent(JSON.stringify([{ modelPath: uri.fsPath, interactive: true }]));
  const profile = m.problem
    ? `<p class="problem">${escapeHtml(m.problem)}</p>`
    : `<p><a class="button" href="command:spatten.profileModel?${args}" title="Profile this model: pick an input, a policy and a hardware preset">Profile</a></p>`;
  const arch = m.problem ? '' : `
${row('Family', escapeHtml(`${FAMILY[m.family]}${m.causal ? ' (causal decoder)' : ' (bidirectional encoder)'}`))}
${row('Layers', formatNumber(m.layers))}
${row('Attention heads', formatNumber(m.heads), m.kvHeads !== m.heads ? `${m.kvHeads} KV heads, grouped-query` : '')}
${row('Head dim', formatNumber(m.headDim), m.headDim > 0 && m.headDim < 64 ? "below SpAtten's 64-wide datapath: lanes idle" : '')}
${row('Hidden size', formatNumber(m.hiddenSize))}`;
  return `${profile}
<h2>Model</h2>
<table class="props" data-table="model">
${arch}
${row('Parameters', escapeHtml(compactNumber(m.parameters)), `(${m.parameters.toLocaleString('en-US')})`)}
${row('Size on disk', escapeHtml(formatValue(m.sizeBytes, 'B')))}
${row('Opset', String(m.opset))}
</table>
<h2>Attention cores found (${m.attentionCores.length})</h2>
${coresTable(m)}
<h2>Inputs (${m.inputTensors.length})</h2>
${tensorTable('inputs', m.inputTensors)}
<h2>Outputs (${m.outputTensors.length})</h2>
${tensorTable('outputs', m.outputTensors)}`;
}

function page(webview: vscode.Webview, title: string, header: string, body: string): string {
  const nonce = makeNonce();
  const csp = `default-src 'none'; style-src ${webview.cspSource} 'nonce-${nonce}'; img-src ${webview.cspSource} data:`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 1.5em 1.5em; max-width: 72em; }
h1 { font-size: 1.5em; margin-bottom: 0.1em; } h2 { font-size: 1.1em; margin: 1.4em 0 0.4em; }
.subtitle, .muted { color: var(--vscode-descriptionForeground); }
.subtitle { margin-top: 0; }
/* Line height leaves room for descenders: underscores in identifiers are never clipped. */
code { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); line-height: 1.5; white-space: pre; }
table { border-collapse: collapse; }
table.props th { text-align: left; font-weight: 600; padding: 3px 2em 3px 0; vertical-align: top; }
table.props td { padding: 3px 0; }
table.grid { width: 100%; }
table.grid th { text-align: left; font-weight: 600; padding: 4px 1.5em 4px 0; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border)); }
table.grid td { padding: 3px 1.5em 3px 0; border-bottom: 1px solid var(--vscode-editorGroup-border, transparent); vertical-align: top; }
td.r { text-align: right; }
.problem { color: var(--vscode-errorForeground); }
a.button { display: inline-block; padding: 4px 14px; color: var(--vscode-button-foreground); background: var(--vscode-button-background); text-decoration: none; border-radius: 2px; }
a.button:hover { background: var(--vscode-button-hoverBackground); }
a.button:focus { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
</style>
<title>${escapeHtml(title)}</title>
</head>
<body>
${header}
${body}
</body>
</html>`;
}
