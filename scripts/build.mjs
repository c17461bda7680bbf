// Builds the bundles with esbuild:
//   out/extension.js      the extension host's activation glue (node, cjs; vscode and onnxruntime-node
//                         stay external). No engine code: activation parses only this.
//   out/profileWorker.js  the worker thread that runs a profile (the engine and onnxruntime-node)
//   out/engineModules.js  engine code the host runs itself on demand (model summary, exports)
//   out/cli.js        the headless CLI `spatten-profile` (node, cjs): a small entry that loads one of
//   out/cliFull.js      every command (onnxruntime-node external), or
//   out/cliHardware.js  simulate and ablate only, which then start without the profile path's code
//   out/webview.js    the report webview (browser, iife; also inlined into exported HTML)
//   out/tuneWorker.js a `tune` trial worker (child process; the engine and onnxruntime-node)
//   out/tuneChart.js  the `tune` Pareto page (browser, iife; inlined into tune --html and the tune view)
// onnxruntime-node is external because it loads a native addon and its shared library from its own
// package folder; the VSIX ships it in node_modules (see README, "Packaging").
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'info', legalComments: 'none' };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'onnxruntime-node'] };

const builds = [];
if (existsSync('src/extension/extension.ts')) builds.push({ ...node, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'out' });
if (existsSync('src/worker/profileWorker.ts')) builds.push({ ...node, entryPoints: { profileWorker: 'src/worker/profileWorker.ts' }, outdir: 'out' });
if (existsSync('src/extension/engineModules.ts')) builds.push({ ...node, entryPoints: { engineModules: 'src/extension/engineModules.ts' }, outdir: 'out' });
if (existsSync('src/cli/bin.ts')) {
  builds.push({ ...node, entryPoints: { cli: 'src/cli/bin.ts' }, outdir: 'out', banner: { js: '#!/usr/bin/env node' } });
  builds.push({ ...node, entryPoints: { cliFull: 'src/cli/main.ts', cliHardware: 'src/cli/hardwareMain.ts' }, outdir: 'out' });
}
if (existsSync('src/webview/main.ts')) builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { webview: 'src/webview/main.ts' }, outdir: 'out' });
if (existsSync('src/worker/tuneWorker.ts')) builds.push({ ...node, entryPoints: { tuneWorker: 'src/worker/tuneWorker.ts' }, outdir: 'out' });
if (existsSync('src/webview/tuneChart.ts')) builds.push({ ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: { tuneChart: 'src/webview/tuneChart.ts' }, outdir: 'out' });
if (existsSync('test/vscode/suite/index.ts')) builds.push({ ...node, entryPoints: { 'test/suite/index': 'test/vscode/suite/index.ts' }, outdir: 'out', external: ['vscode', 'onnxruntime-node', 'mocha'] });

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  buildDefaultModel();
  deriveTrainedFp16();
}

// The trained models' fp16 variants, derived from the committed fp32 files (only fp32 is in git).
function deriveTrainedFp16() {
  const jobs = [
    ['models/decoder/model.onnx', 'out/models/decoder-fp16'],
    ['models/decoder/model_with_past.onnx', 'out/models/decoder-fp16'],
    ['models/encoder/model.onnx', 'out/models/encoder-fp16'],
  ];
  for (const [src, dir] of jobs) {
    const out = `${dir}/${src.split('/').pop()}`;
    if (!existsSync(src) || existsSync(out)) continue;
    mkdirSync('out/models', { recursive: true });
    const r = spawnSync(process.execPath, ['out/cli.js', 'derive-fp16', src, dir], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

// The bundled default model: the real trained stories260K (tiny Llama-2) converted to ONNX by the
// project's own converter, from ../shared (never committed; see README "The default model").
function buildDefaultModel() {
  const out = 'out/models/default/model.onnx';
  const src = '../shared/models/stories260K';
  if (existsSync(out)) return;
  if (!existsSync(`${src}/stories260K.bin`)) {
    console.warn(`[build] ${src} not found: the default model (${out}) was not built`);
    return;
  }
  const r = spawnSync(process.execPath, ['out/cli.js', 'convert-llama2c', `${src}/stories260K.bin`, `${src}/tok512.bin`, out], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
