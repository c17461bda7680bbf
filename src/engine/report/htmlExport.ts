// Export a ProfileReport as ONE self-contained HTML file: the webview bundle, its CSS and the report
// JSON inlined, under a strict CSP (default-src 'none'; script and style only by nonce; images only
// data:). It makes no network request and opens offline in any browser. The page runs the same
// webview code as VS Code; without acquireVsCodeApi it reads the report from
// <script type="application/json" id="report">.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import type { ProfileReport } from './profileReport';
import { modelLabel } from '../model/modelName';

/** JSON safe inside a <script> element: no `</script`, no `<!--`, no raw U+2028/U+2029. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript safe inside a <script> element. `</script` and `<!--` can only occur inside string,
 * template or regex literals or comments of a bundle; `<\/` and `<\!` mean the same there.
 */
export function scriptForInline(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** CSS safe inside a <style> element. */
export function styleForInline(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/** The Content-Security-Policy of the exported page for a given nonce. */
export function exportCsp(nonce: string): string {
  return [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, `img-src data:`, `font-src data:`, `base-uri 'none'`, `form-action 'none'`].join('; ');
}

export function exportHtml(report: ProfileReport, webviewJs: string, css: string): string {
  if (typeof report !== 'object' || report === null || typeof report.version !== 'number') {
    throw new InputError('report', 'not a ProfileReport (missing version)');
  }
  const nonce = randomBytes(18).toString('base64');
  const title = `SpAtten profile: ${report.model ? modelLabel(report.model) : 'report'}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(exportCsp(nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(`${report.tool?.name ?? 'spatten-profiler'} ${report.tool?.version ?? ''}`.trim())}">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
${styleForInline(css)}
</style>
</head>
<body class="standalone">
<main id="app"></main>
<script type="application/json" id="report">${jsonForScript(report)}</script>
<script nonce="${nonce}">
${scriptForInline(webviewJs)}
</script>
</body>
</html>
`;
}

export interface WebviewAssets {
  webviewJs: string;
  css: string;
}

/**
 * Reads out/webview.js and media/webview.css relative to the running bundle's folder: both
 * out/cli.js and out/extension.js live in out/, next to webview.js, one level below media/.
 * Pass `__dirname` of the bundle (or another out/ folder, e.g. in tests).
 */
export function loadWebviewAssets(bundleDir: string): WebviewAssets {
  const jsPath = path.join(bundleDir, 'webview.js');
  const cssPath = path.join(bundleDir, '..', 'media', 'webview.css');
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      throw new InputError(p, 'webview asset not found (run `npm run build` first)');
    }
  };
  return { webviewJs: read(jsPath), css: read(cssPath) };
}
