// Extension-tests entry of scripts/bench-activation.ts (not a test: it asserts nothing). Runs in
// the extension host of a fresh VS Code, before anything else touches the extension: activates it
// through vscode's own activate() and writes what that cost to $SPATTEN_BENCH_RESULT as JSON:
//   hostWallMs / hostCpuMs  around vscode's activate() call: loading (reading and compiling) the
//                           activation bundle, evaluating it, running activate(), VS Code's own part
//   ownWallMs / ownCpuMs    the extension's own clock (activationClock.ts): bundle evaluation plus
//                           activate(), when the extension under test has one
//   compileCpuMs            reading and compiling the activation bundle's text once more, after
//                           the activation (what the host's require of it costs before the
//                           extension's own clock starts); a comment appended so V8's compile
//                           cache does not answer
//   bundleBytes             size of the activation bundle the manifest points to
// The host figures also count whatever else the host does meanwhile (built-in extensions starting
// up, the test runner), so own + compile is the extension's part.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import * as vscode from 'vscode';

const EXTENSION_ID = 'spatten-profiler.spatten-profiler';

interface OwnClock {
  activationMs?: () => { wallMs: number; cpuMs: number };
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<OwnClock>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  if (extension.isActive) throw new Error('the extension was already active: the measurement needs a fresh host');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const api = await extension.activate();
  const hostWallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const own = api?.activationMs?.();
  const main = (extension.packageJSON as { main: string }).main;
  const bundle = path.join(extension.extensionPath, main);
  const compile0 = process.cpuUsage();
  new vm.Script(`${readFileSync(bundle, 'utf8')}\n// activation probe ${Date.now()}`, { filename: `${bundle}?probe` });
  const compileCpu = process.cpuUsage(compile0);
  const result = {
    hostWallMs,
    hostCpuMs: (cpu.user + cpu.system) / 1000,
    ownWallMs: own?.wallMs,
    ownCpuMs: own?.cpuMs,
    compileCpuMs: (compileCpu.user + compileCpu.system) / 1000,
    bundleBytes: statSync(bundle).size,
  };
  const out = process.env.SPATTEN_BENCH_RESULT;
  if (!out) throw new Error('SPATTEN_BENCH_RESULT is not set');
  writeFileSync(out, JSON.stringify(result));
}
