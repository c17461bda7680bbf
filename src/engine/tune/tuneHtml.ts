// The HTML page of a tune result: self-contained (the chart bundle out/tuneChart.js and the result
// JSON inlined), a strict CSP (scripts only with the page's nonce, no network), readable offline.
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { InputError } from '../errors';
import type { TuneResult } from './runTune';

/** out/tuneChart.js beside the running bundle, or in out/ when run from source (tests, tsx). */
export function tuneChartScript(): string {
  const candidates = [path.join(__dirname, 'tuneChart.js'), path.resolve(__dirname, '..', '..', '..', 'out', 'tuneChart.js')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new InputError(candidates[0], 'tune chart bundle not found (run `npm run build` first)');
  return readFileSync(file, 'utf8');
}

/** JSON safe inside a <script> element (no "</script>", no "<!--"). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:1.5em;color:var(--vscode-foreground,#222);background:var(--vscode-editor-background,#fff)}
.chart-box{position:relative;height:420px;max-width:900px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #8884;padding:.25em .6em;text-align:right}
caption{text-align:left;font-weight:600;padding:.3em 0}pre.policy{background:#8881;padding:.6em;max-width:900px;overflow:auto}button{margin:.5em 0}`;

export function tuneHtml(result: TuneResult, opts: { script?: string; cspSource?: string } = {}): string {
  const nonce = randomBytes(16).toString('base64');
  const script = opts.script ?? tuneChartScript();
  const csp = `default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'${opts.cspSource ? ` ${opts.cspSource}` : ''};`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>SpAtten tune: ${result.model.name.replace(/[<&"]/g, '')}</title><style>${STYLE}</style></head>
<body><div id="tune-root"></div>
<script type="application/json" id="tune-data">${scriptJson(result)}</script>
<script nonce="${nonce}">${script.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}
