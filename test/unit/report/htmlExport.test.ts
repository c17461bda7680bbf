import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import { exportHtml, jsonForScript, loadWebviewAssets, scriptForInline } from '../../../src/engine/report/htmlExport';
import { makeSampleReport } from './sampleReport';

const JS = 'console.log("</script><!-- x", `</SCRIPT>`);';
const CSS = 'body { color: red; }';

function embedded(html: string): string {
  const m = /<script type="application\/json" id="report">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'report element present');
  return m[1];
}

test('embedded report round-trips exactly, even with </script> and U+2028 in token text', () => {
  const r = makeSampleReport();
  r.input.tokens[3].text = '</script><script>alert(1)</script>\u2028\u2029<!--';
  const html = exportHtml(r, JS, CSS);
  const json = embedded(html);
  assert.ok(!/<\/script/i.test(json));
  assert.ok(!json.includes('\u2028') && !json.includes('\u2029'));
  assert.deepEqual(JSON.parse(json), JSON.parse(JSON.stringify(r)));
});

test('strict CSP with one nonce on every script and style; no external references', () => {
  const html = exportHtml(makeSampleReport(), JS, CSS);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'");
  assert.ok(csp);
  const nonce = /script-src 'nonce-([^']+)'/.exec(csp)![1];
  assert.ok(nonce.length >= 16);
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, new RegExp(`style-src 'nonce-${nonce.replace(/[+/=]/g, '\\$&')}'`));
  assert.match(csp, /img-src data:/);
  assert.ok(!/unsafe-/.test(csp));
  const scripts = html.match(/<script\b[^>]*>/g)!;
  assert.equal(scripts.length, 2);
  assert.ok(scripts.some((s) => s === `<script nonce="${nonce}">`));
  assert.match(html, new RegExp(`<style nonce="${nonce.replace(/[+/=]/g, '\\$&')}">`));
  assert.ok(!/\b(src|href)=/i.test(html), 'no src/href attributes');
  assert.ok(!/https?:\/\//.test(html.replace(/<script nonce[\s\S]*<\/script>/, '')), 'no URLs outside the bundle');
  // Two exports get different nonces.
  assert.notEqual(/nonce="([^"]+)"/.exec(exportHtml(makeSampleReport(), JS, CSS))![1], nonce);
});

test('the inlined bundle cannot close its script element', () => {
  const html = exportHtml(makeSampleReport(), JS, CSS);
  const body = html.slice(html.indexOf('<script nonce='));
  assert.equal(body.match(/<\/script/gi)!.length, 1);
  assert.equal(scriptForInline('a</script>b<!--c'), 'a<\\/script>b<\\!--c');
  assert.equal(jsonForScript({ a: '<&>' }), '{"a":"\\u003c\\u0026\\u003e"}');
});

test('title and generator are escaped', () => {
  const r = makeSampleReport();
  const html = exportHtml(r, JS, CSS);
  assert.match(html, /<title>SpAtten profile: toy-&lt;bert&gt;&amp;&quot;model&quot;.onnx<\/title>/);
});

test('exportHtml rejects a non-report', () => {
  assert.throws(() => exportHtml({} as never, JS, CSS), InputError);
});

test('loadWebviewAssets reads out/webview.js and media/webview.css next to the bundle', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'sp-assets-'));
  try {
    mkdirSync(path.join(root, 'out'));
    mkdirSync(path.join(root, 'media'));
    writeFileSync(path.join(root, 'out', 'webview.js'), JS);
    assert.throws(() => loadWebviewAssets(path.join(root, 'out')), (e: unknown) => e instanceof InputError && /webview\.css/.test(e.where));
    writeFileSync(path.join(root, 'media', 'webview.css'), CSS);
    assert.deepEqual(loadWebviewAssets(path.join(root, 'out')), { webviewJs: JS, css: CSS });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
