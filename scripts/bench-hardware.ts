// Benchmark (not a test, never asserted): the cycle model's throughput on a million-row trace
// (scripts/benchTrace.ts), in rows per second:
//   parse       readWorkloadCsvColumnsFile, in this process
//   simulate    simulateColumns, pipelined timing, in this process
//   stream      simulateWorkloadCsvFile (the CLI's path: read and simulate group by group), in this process
//   end to end  `node out/cli.js simulate TRACE --json FILE`, a whole process
//   start-up    `node out/cli.js --version`: node and the bundle's loading (the full program's)
//   start-up, simulate  `node out/cli.js simulate --help`: the same for the program that serves
//               simulate (out/cliHardware.js since the split), the fixed cost in end to end
// Each figure is the median of n interleaved runs (parse, simulate, CLI, then again), so a load
// that comes and goes on a shared machine hits every variant alike. Wall time gives rows/s; CPU
// time (user + system) is printed beside it, the steadier figure on a loaded machine. Peak RSS:
// of each CLI process, and of this process after the in-process runs.
//
// --before also runs the path this one replaced, interleaved with it: the row-object parser and
// simulate() kept as the test oracle (test/oracle/), and --baseline-cli FILE, a CLI bundle built
// from the commit before (e.g. `git stash; npm run build; cp out/cli.js .test-cache/baseline/`).
//
// --cli-only skips the in-process variants (the end-to-end figures, and their peak RSS, alone).
//
//   node --import tsx scripts/bench-hardware.ts [--runs N] [--before] [--baseline-cli FILE] [--cli-only] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolveHardwareConfig } from '../src/engine/hardware/hardwarePresets';
import { simulateColumns } from '../src/engine/hardware/simulate';
import { simulateWorkloadCsvFile } from '../src/engine/hardware/simulateWorkloadCsv';
import type { Trace } from '../src/engine/trace/trace';
import type { ColumnarTrace } from '../src/engine/trace/traceColumns';
import { readWorkloadCsvColumnsFile } from '../src/engine/trace/workloadCsv';
import { simulate as simulateBefore } from '../test/oracle/simulate';
import { parseWorkloadCsv as parseBefore } from '../test/oracle/workloadCsv';
import { ensureBenchTrace } from './benchTrace';

interface Sample {
  wallMs: number;
  cpuMs: number;
  peakRssMb?: number;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Math.max(3, Number(option('--runs') ?? 5));
const cliOnly = process.argv.includes('--cli-only');
const before = process.argv.includes('--before');
const baselineCli = option('--baseline-cli');
const jsonOut = option('--json');
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'out/cli.js');
if (!existsSync(cli)) throw new Error('out/cli.js is missing: npm run build first');
if (baselineCli && !existsSync(baselineCli)) throw new Error(`no baseline CLI at ${baselineCli}`);
const { file, rows } = ensureBenchTrace();
const hw = resolveHardwareConfig('spatten-1x');
const resultFile = path.join(root, '.test-cache/bench-simulate.json');

function timed(fn: () => void): Sample {
  const cpu = process.cpuUsage();
  const t = performance.now();
  fn();
  const u = process.cpuUsage(cpu);
  return { wallMs: performance.now() - t, cpuMs: (u.user + u.system) / 1000 };
}

// The child reports its own CPU time and peak RSS as it exits (a data: URL module, no extra file).
// The peak is /proc/self/status's VmHWM where there is one: on Linux getrusage's maxRSS survives
// exec, so a child spawned from this process (grown by the in-process runs) would report this
// process's peak instead of its own.
const REPORTER =
  'data:text/javascript,import {readFileSync} from "node:fs";process.on("exit",()=>{const u=process.cpuUsage();let k=process.resourceUsage().maxRSS;' +
  'try{const m=/VmHWM:\\s*(\\d+)/.exec(readFileSync("/proc/self/status","utf8"));if(m)k=Number(m[1])}catch{}' +
  'process.stderr.write("\\nBENCH "+(u.user+u.system)/1000+" "+k+"\\n")})';

function runCli(bundle: string, args = ['simulate', file, '--json', resultFile]): Sample {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', REPORTER, bundle, ...args], { encoding: 'utf8' });
  const wallMs = performance.now() - t;
  const m = /BENCH (\S+) (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`${bundle} failed (${r.status}): ${r.stderr.slice(0, 400)}`);
  return { wallMs, cpuMs: Number(m[1]), peakRssMb: Number(m[2]) / 1024 };
}

const variants: { name: string; run: () => Sample }[] = [];
let columns: ColumnarTrace | undefined;
if (!cliOnly) {
  variants.push({ name: 'parse', run: () => timed(() => (columns = readWorkloadCsvColumnsFile(file))) });
  variants.push({ name: 'simulate', run: () => timed(() => simulateColumns(columns as ColumnarTrace, hw, { timing: 'pipelined', denseBits: 32 })) });
  variants.push({ name: 'stream', run: () => timed(() => simulateWorkloadCsvFile(file, hw, { timing: 'pipelined', denseBits: 32 })) });
}
variants.push({ name: 'end to end (CLI)', run: () => runCli(cli) });
variants.push({ name: 'start-up (CLI)', run: () => runCli(cli, ['--version']) });
variants.push({ name: 'start-up, simulate (CLI)', run: () => runCli(cli, ['simulate', '--help']) });
if (before && !cliOnly) {
  let trace: Trace | undefined;
  variants.push({ name: 'parse (before)', run: () => timed(() => (trace = parseBefore(readFileSync(file, 'utf8'), { fileName: file }))) });
  variants.push({ name: 'simulate (before)', run: () => timed(() => simulateBefore(trace as Trace, hw, { timing: 'pipelined', denseBits: 32 })) });
}
if (baselineCli) {
  variants.push({ name: 'end to end (CLI before)', run: () => runCli(baselineCli) });
  variants.push({ name: 'start-up (CLI before)', run: () => runCli(baselineCli, ['--version']) });
  variants.push({ name: 'start-up, simulate (CLI before)', run: () => runCli(baselineCli, ['simulate', '--help']) });
}

const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
for (let i = 0; i < runs; i++) {
  for (const v of variants) (samples.get(v.name) as Sample[]).push(v.run());
  process.stderr.write(`run ${i + 1}/${runs} done\n`);
}
const inProcessPeakRssMb = process.resourceUsage().maxRSS / 1024;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const results = variants.map((v) => {
  const ss = samples.get(v.name) as Sample[];
  const wallMs = median(ss.map((s) => s.wallMs));
  const cpuMs = median(ss.map((s) => s.cpuMs));
  const rss = ss.map((s) => s.peakRssMb).filter((x): x is number => x !== undefined);
  return {
    name: v.name,
    medianWallMs: wallMs,
    medianCpuMs: cpuMs,
    rowsPerSecond: rows / (wallMs / 1000),
    rowsPerCpuSecond: rows / (cpuMs / 1000),
    ...(rss.length ? { peakRssMb: Math.max(...rss) } : {}),
    wallMs: ss.map((s) => s.wallMs),
  };
});

const pad = (s: string, n: number): string => s.padStart(n);
console.log(`cycle model on ${path.basename(file)}: ${rows} rows, ${runs} interleaved runs, medians`);
console.log(`${'variant'.padEnd(32)}${pad('wall ms', 10)}${pad('rows/s', 12)}${pad('CPU ms', 10)}${pad('rows/CPU s', 12)}${pad('peak RSS', 10)}`);
for (const r of results) {
  const rss = r.peakRssMb !== undefined ? `${r.peakRssMb.toFixed(0)} MB` : '';
  // Start-up replays no row: its rates would mean nothing.
  const perRow = !r.name.startsWith('start-up');
  const rate = (x: number): string => (perRow ? Math.round(x).toLocaleString('en') : '-');
  console.log(`${r.name.padEnd(32)}${pad(r.medianWallMs.toFixed(0), 10)}${pad(rate(r.rowsPerSecond), 12)}${pad(r.medianCpuMs.toFixed(0), 10)}${pad(rate(r.rowsPerCpuSecond), 12)}${pad(rss, 10)}`);
}
const byName = new Map(results.map((r) => [r.name, r]));
for (const what of ['end to end', 'start-up', 'start-up, simulate']) {
  const after = byName.get(`${what} (CLI)`);
  const was = byName.get(`${what} (CLI before)`);
  if (after && was) {
    console.log(`${what}: before / after = ${(was.medianWallMs / after.medianWallMs).toFixed(2)}x wall, ${(was.medianCpuMs / after.medianCpuMs).toFixed(2)}x CPU, peak RSS ${was.peakRssMb?.toFixed(0)} -> ${after.peakRssMb?.toFixed(0)} MB`);
  }
}
if (!cliOnly) console.log(`peak RSS of this process (in-process runs${before ? ', both paths' : ''}): ${inProcessPeakRssMb.toFixed(0)} MB`);
if (jsonOut) {
  writeFileSync(jsonOut, JSON.stringify({ trace: path.basename(file), rows, runs, hardware: hw.name, timing: 'pipelined', results, inProcessPeakRssMb }, null, 2) + '\n');
}
