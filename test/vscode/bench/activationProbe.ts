// Extension-tests entry of scripts/bench-activation.ts (not a test: it asserts nothing). Runs in
// the extension host of a fresh VS Code, before anything else touches the extension: activates it
// through vscode's own activate() and writes what that cost to $SPATTEN_BENCH_RESULT as JSON:
//   hostWallMs / hostCpuMs  around vscode's activate() call: loading (reading and compiling) the
//                           activation bundle, evaluating it, running activate(), VS Code's own part
//   ownWallMs / ownCpuMs    the extension's own clock (activationClock.ts): bundle evaluation plus
//                           activate(), when the extension under test has one
//   bundleBytes             size of the activation bundle the manifest points to
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
  const result = {
    hostWallMs,
    hostCpuMs: (cpu.user + cpu.system) / 1000,
    ownWallMs: own?.wallMs,
    ownCpuMs: own?.cpuMs,
    bundleBytes: statSync(path.join(extension.extensionPath, main)).size,
  };
  const out = process.env.SPATTEN_BENCH_RESULT;
  if (!out) throw new Error('SPATTEN_BENCH_RESULT is not set');
  writeFileSync(out, JSON.stringify(result));
}
