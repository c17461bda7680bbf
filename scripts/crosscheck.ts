// Cross-check our timing models against the SpAtten authors' analytical model (bert.cpp), built
// from ../shared. `npm run crosscheck -- [options]`:
//   --short            a small subset (CI, under a minute)
//   --timing a,b       timing models to compare (default authors,additive; any of pipelined,
//                      additive, authors)
//   --count N          random workloads per random family (default 100; --short: 8)
//   --seed N           seed of the random workloads (default 1)
//   --authors-top-k M  as-built (default) | intended
//   --bound X          bound on the authors model's relative error of each workload's total cycles
//                      (default 0.01): exit 1 above it
//   --json FILE        write every comparison and the summary as JSON
//   --markdown FILE    write the cross-check table as a markdown fragment
//   --update FILE      replace the fragment between <!-- crosscheck:begin --> and <!-- crosscheck:end -->
//                      in FILE (FIDELITY.md) with it
// Prints the error distribution per (family, hardware, timing). Exit 2 when g++ or the fmt/fccp
// headers are missing (the message names the apt-get line).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolveHardwareConfig } from '../src/engine/hardware/hardwarePresets';
import type { TimingModel } from '../src/engine/hardware/simulationResult';
import type { AuthorsTopKMode } from '../src/engine/hardware/authorsTopK';
import { formatTable } from '../src/cli/simulateCommand';
import { BERT_PRESETS, buildBertCpp, ToolchainMissingError, type BertBinary } from './crosscheck/bertCpp';
import { compareWorkload, type WorkloadComparison } from './crosscheck/compare';
import { groupStats, pct, type GroupStats } from './crosscheck/errorStats';
import { crosscheckMarkdown } from './crosscheck/markdown';
import { randomWorkloads, traceWorkloads, type Workload } from './crosscheck/workloads';

export interface CrosscheckOptions {
  short: boolean;
  timings: TimingModel[];
  count?: number;
  seed: number;
  authorsTopK: AuthorsTopKMode;
}

export interface CrosscheckReport {
  binary: BertBinary;
  stats: GroupStats[];
  results: WorkloadComparison[];
}

/** The workloads of a run: --short keeps two iterations of one trace and a few random ones. */
export function crosscheckWorkloads(o: Pick<CrosscheckOptions, 'short' | 'count' | 'seed'>): Workload[] {
  const count = o.count ?? (o.short ? 8 : 100);
  const traces = o.short ? traceWorkloads(2, 'gpt2-small-wikitext2-spatten.csv') : traceWorkloads();
  return [...traces, ...randomWorkloads('bert-pruned', count, o.seed), ...randomWorkloads('bert-dense', count, o.seed), ...randomWorkloads('gpt2-random', count, o.seed)];
}

/** Build bert.cpp (throws ToolchainMissingError) and compare every workload on both presets. */
export function runCrosscheck(o: CrosscheckOptions): CrosscheckReport {
  const binary = buildBertCpp();
  const workloads = crosscheckWorkloads(o);
  const results: WorkloadComparison[] = [];
  for (const preset of BERT_PRESETS) {
    const hw = resolveHardwareConfig(preset.hardware);
    for (const w of workloads) results.push(...compareWorkload(w, preset, hw, binary, o.timings, o.authorsTopK));
  }
  return { binary, stats: groupStats(results), results };
}

/** Largest relative error of a workload's total cycles under the authors timing. */
export function worstAuthorsTotalError(stats: readonly GroupStats[]): number {
  return Math.max(0, ...stats.filter((s) => s.timing === 'authors').map((s) => s.total.max));
}

function statsTable(stats: readonly GroupStats[]): string {
  return formatTable(
    ['family', 'hardware', 'timing', 'workloads', 'layers', 'exact', 'layer med', 'layer p95', 'layer max', 'total med', 'total p95', 'total max', 'worst'],
    stats.map((s) => [
      s.family, s.hardware, s.timing, String(s.workloads), String(s.layers), String(s.exactLayers),
      pct(s.perLayer.median), pct(s.perLayer.p95), pct(s.perLayer.max), pct(s.total.median), pct(s.total.p95), pct(s.total.max), s.worstWorkload,
    ]),
  );
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function main(args: string[]): number {
  const timings = (argValue(args, '--timing') ?? 'authors,additive').split(',') as TimingModel[];
  const o: CrosscheckOptions = {
    short: args.includes('--short'),
    timings,
    count: argValue(args, '--count') !== undefined ? Number(argValue(args, '--count')) : undefined,
    seed: Number(argValue(args, '--seed') ?? 1),
    authorsTopK: (argValue(args, '--authors-top-k') ?? 'as-built') as AuthorsTopKMode,
  };
  const bound = Number(argValue(args, '--bound') ?? 0.01);
  let report: CrosscheckReport;
  try {
    report = runCrosscheck(o);
  } catch (e) {
    if (e instanceof ToolchainMissingError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  process.stdout.write(statsTable(report.stats));
  const json = argValue(args, '--json');
  if (json) writeFileSync(json, JSON.stringify({ options: o, bound, bertCpp: { sha256: report.binary.sourceSha256, compiler: report.binary.compiler }, stats: report.stats, results: report.results }, null, 1) + '\n');
  const md = argValue(args, '--markdown');
  const outputFlags = ['--json', '--markdown', '--update'];
  const command = `npm run crosscheck --${args.filter((a, i) => !outputFlags.includes(a) && !outputFlags.includes(args[i - 1])).map((a) => ` ${a}`).join('')}`;
  const fragment = crosscheckMarkdown(report.stats, { command, sourceSha256: report.binary.sourceSha256, compiler: report.binary.compiler, bound, authorsTopK: o.authorsTopK });
  if (md) writeFileSync(md, fragment);
  const update = argValue(args, '--update');
  if (update) writeFileSync(update, replaceBetweenMarkers(readFileSync(update, 'utf8'), fragment, update));
  const worst = worstAuthorsTotalError(report.stats);
  if (o.authorsTopK === 'as-built' && worst > bound) {
    console.error(`authors timing: largest workload-total error ${pct(worst)} exceeds the bound ${pct(bound)}`);
    return 1;
  }
  return 0;
}

/** `text` with the part between the crosscheck markers replaced by `fragment`. */
function replaceBetweenMarkers(text: string, fragment: string, file: string): string {
  const begin = '<!-- crosscheck:begin -->';
  const end = '<!-- crosscheck:end -->';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${file}: no ${begin} ... ${end} markers to replace`);
  return `${text.slice(0, i + begin.length)}\n${fragment.trimEnd()}\n${text.slice(j)}`;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
