// Benchmark (not a test, never asserted): the extension's activation time in a real VS Code
// (code-server + headless chromium through test/vscode/shim, as the VS Code suite runs; see
// ../shared/VSCODE-E2E.md). Each run is a fresh VS Code whose extension-tests entry
// (test/vscode/bench/activationProbe.ts) activates the extension first thing and reports:
//   host      vscode's activate() around it: reading and compiling the activation bundle,
//             evaluating it, activate(), and VS Code's own part (wall and CPU of the host process)
//   own       the extension's own clock: bundle evaluation + activate() (activationClock.ts)
//   compile   reading and compiling the bundle's text (CPU), what the host's require costs first
//   total     own CPU + compile CPU: the extension's part (the host figures also count whatever
//             else the host does meanwhile)
// With --before-src DIR, the activation bundle built from another checkout's sources (e.g. the
// commit before, /work/main) runs too, interleaved run by run with this one. Medians of n runs.
// CPU time is the steadier figure on a loaded machine (wall time also counts waiting for a core).
//
//   node --import tsx scripts/bench-activation.ts [--runs N] [--before-src DIR] [--json FILE]
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';

interface Sample {
  hostWallMs: number;
  hostCpuMs: number;
  ownWallMs?: number;
  ownCpuMs?: number;
  compileCpuMs: number;
  bundleBytes: number;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const root = path.resolve(__dirname, '..');
const runs = Math.max(1, Number(option('--runs') ?? 5));
const beforeSrc = option('--before-src');
const jsonOut = option('--json');
const shim = path.join(root, 'test', 'vscode', 'shim', 'code');
const workspace = path.join(root, 'test', 'vscode', 'workspace');
const probe = path.join(root, 'out', 'test', 'bench', 'activationProbe.js');
const nodeExtension: esbuild.BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', 'onnxruntime-node'], logLevel: 'warning' };

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'out', 'extension.js'))) throw new Error('out/extension.js is missing: npm run build first');
  await esbuild.build({ ...nodeExtension, entryPoints: [path.join(root, 'test', 'vscode', 'bench', 'activationProbe.ts')], outfile: probe });
  const variants: { name: string; dir: string }[] = [{ name: 'this checkout', dir: root }];
  if (beforeSrc) variants.push({ name: `before (${beforeSrc})`, dir: await extensionFrom(beforeSrc) });
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'spatten-bench-activation-'));
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  try {
    for (let i = 0; i < runs; i++) {
      for (const v of variants) {
        const result = path.join(scratch, `run-${i}.json`);
        // A workbench that does not load in the shim's time (a loaded machine) is started again.
        for (let attempt = 1; !existsSync(result); attempt++) {
          try {
            await runTests({
              vscodeExecutablePath: shim,
              extensionDevelopmentPath: v.dir,
              extensionTestsPath: probe,
              launchArgs: [workspace],
              extensionTestsEnv: { SPATTEN_BENCH_RESULT: result, SPATTEN_GOTO_TIMEOUT_MS: '180000' },
            });
          } catch (e) {
            if (attempt >= 3) throw e;
            process.stderr.write(`[bench-activation] ${v.name}: VS Code run failed (${e instanceof Error ? e.message : String(e)}), again\n`);
          }
        }
        const s = JSON.parse(readFileSync(result, 'utf8')) as Sample;
        (samples.get(v.name) as Sample[]).push(s);
        rmSync(result);
        process.stderr.write(`[bench-activation] run ${i + 1}/${runs} ${v.name}: host ${s.hostWallMs.toFixed(1)} ms wall, ${s.hostCpuMs.toFixed(1)} ms CPU\n`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const fmt = (x: number | undefined): string => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1)).padStart(10);
  console.log(`extension activation in VS Code (code-server, headless chromium): ${runs} fresh hosts per variant, interleaved, medians, ms`);
  console.log(`${'variant'.padEnd(34)}${'host wall'.padStart(10)}${'host CPU'.padStart(10)}${'own wall'.padStart(10)}${'own CPU'.padStart(10)}${'compile'.padStart(10)}${'total CPU'.padStart(10)}${'bundle kB'.padStart(10)}`);
  const results = variants.map((v) => {
    const ss = samples.get(v.name) as Sample[];
    const own = (k: 'ownWallMs' | 'ownCpuMs'): number | undefined => (ss.every((s) => s[k] !== undefined) ? median(ss.map((s) => s[k] as number)) : undefined);
    const r = {
      variant: v.name,
      hostWallMs: median(ss.map((s) => s.hostWallMs)),
      hostCpuMs: median(ss.map((s) => s.hostCpuMs)),
      ownWallMs: own('ownWallMs'),
      ownCpuMs: own('ownCpuMs'),
      compileCpuMs: median(ss.map((s) => s.compileCpuMs)),
      totalCpuMs: median(ss.map((s) => (s.ownCpuMs ?? NaN) + s.compileCpuMs)),
      bundleBytes: ss[0].bundleBytes,
      samples: ss,
    };
    console.log(`${v.name.padEnd(34)}${fmt(r.hostWallMs)}${fmt(r.hostCpuMs)}${fmt(r.ownWallMs)}${fmt(r.ownCpuMs)}${fmt(r.compileCpuMs)}${fmt(r.totalCpuMs)}${(r.bundleBytes / 1000).toFixed(0).padStart(10)}`);
    return r;
  });
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ runs, results }, null, 2) + '\n');
}

/** An extension folder whose activation bundle is built from `src`'s sources (manifest and media from there too). */
async function extensionFrom(src: string): Promise<string> {
  const dir = path.join(root, '.test-cache', 'activation-before');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(path.join(dir, 'out'), { recursive: true });
  await esbuild.build({ ...nodeExtension, absWorkingDir: path.resolve(src), entryPoints: { extension: 'src/extension/extension.ts' }, outdir: path.join(dir, 'out') });
  copyFileSync(path.join(src, 'package.json'), path.join(dir, 'package.json'));
  symlinkSync(path.resolve(src, 'media'), path.join(dir, 'media'));
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
