// `spatten-profile simulate <trace.csv>`: replay a workload CSV (the authors' schema) through the
// SpAtten cycle/energy model and print a per-layer table and a summary, or JSON (--json), and
// optionally a Perfetto / Chrome trace of the timeline (--perfetto). Bad input throws InputError
// (the CLI's main maps it to exit 3); bad options are commander usage errors (exit 2).
//
// Also exports what `ablate` shares with it (option parsers, output, progress, formatting).
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { simulateWorkloadCsvFile, type WorkloadCsvSimulation } from '../engine/hardware/simulateWorkloadCsv';
import type { SimulationResult, TimingModel } from '../engine/hardware/simulationResult';
import { loadHardwareConfig, hardwarePresets } from '../engine/hardware/hardwarePresets';
import type { HardwareConfig } from '../engine/hardware/hardwareConfig';
import { calibratedBaselines, PAPER_MEASURED_RATIOS, platformPresets, rooflineBaselines } from '../engine/hardware/roofline';
import { DEFAULT_TIMELINE_MAX_EVENTS } from '../engine/hardware/timeline';
import { toChromeTrace } from '../engine/report/chromeTrace';
import { checkOutputs, writeOutput } from './outputs';
import type { QueriesPerRow } from '../engine/trace/workloadCsvSchema';
import type { AuthorsTopKMode } from '../engine/hardware/authorsTopK';
export interface CommandIo {
  stdout: { write(s: string): unknown };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export const defaultIo: CommandIo = { stdout: process.stdout, stderr: process.stderr };

export function parseDenseBits(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 64) throw new InvalidArgumentError('must be a whole number of bits, 1..64');
  return n;
}

export function parseSeed(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new InvalidArgumentError('must be an integer 0..4294967295');
  return Number(v);
}

/** A progress callback drawing a bar on stderr when it is a terminal, else nothing. */
export function progressBar(io: CommandIo, label: string): { update(fraction: number): void; stop(): void } {
  if (!io.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ stream: io.stderr as NodeJS.WriteStream, format: ` {bar} {percentage}% | ${label}`, hideCursor: true, clearOnComplete: true }, Presets.shades_classic);
  bar.start(100, 0);
  return { update: (f) => bar.update(Math.round(f * 100)), stop: () => bar.stop() };
}

/** Fixed-width table: first column left-aligned, the rest right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

export function fmtBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(2)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(2)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`;
  return `${b} B`;
}

export function fmtSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toFixed(3)} ms`;
  return `${(s * 1e6).toFixed(2)} us`;
}

/** Options shared by simulate and ablate. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--hardware <preset|file>', `hardware preset (${Object.keys(hardwarePresets).join(', ')}) or a JSON config file`, 'spatten-1x')
    .addOption(
      new Option('--timing <model>', "timing model: 'pipelined' (overlapped units), 'additive' (the authors' terms at RTL costs plus what they leave out, no overlap: an upper bound), 'authors' (bert.cpp exactly)")
        .choices(['pipelined', 'additive', 'authors'])
        .default('pipelined'),
    )
    .option('--dense-bits <n>', 'bits per element of the dense baseline (32 = fp32, the paper\'s DRAM baseline; 8 = the authors\' int8)', parseDenseBits, 32)
    .option('--unquantized-bits <n>', "bits of tensors the trace marks unquantized (-1); default 8 for the authors' CSVs (their RTL driver), the dense precision for engine traces", parseDenseBits)
    .option('--fetch-rounding <n>', 'round key/value fetch counts up to a multiple of n (8 = the RTL driver; default 1, as recorded)', parseDenseBits, 1)
    .addOption(new Option('--queries <mode>', "query rows per CSV row: 'one' (generation traces) or 'sentence' (BERT-style)").choices(['one', 'sentence']).default('one'))
    .option('--seed <n>', 'seed for estimated top-k rounds', parseSeed, 1)
    .option('--json <file|->', 'write the result as JSON to a file, or - for stdout');
}

export interface ModelOptions {
  hardware: string;
  timing: TimingModel;
  denseBits: number;
  unquantizedBits?: number;
  fetchRounding: number;
  queries: QueriesPerRow;
  seed: number;
  json?: string;
}

/** Units of every number in the --json output (also embedded in it as `units`). */
export const SIMULATE_JSON_UNITS = {
  totalCycles: 'cycles at clockHz (SpAtten, the chosen timing model)',
  lowerBoundCycles: 'cycles: per (step, layer) the busiest unit\'s busy cycles, summed (no schedule is faster)',
  unquantizedBits: 'bits billed for tensors the trace marks unquantized (-1)',
  fetchRounding: 'fetch counts rounded up to a multiple of this',
  denseCycles: 'cycles, dense baseline on the same hardware and timing model',
  seconds: 's',
  dramBytes: 'bytes, transaction-rounded DRAM traffic of the trace',
  dramBytesByTensor: 'bytes by tensor: kMsb, kLsb (refetch), v, q',
  denseDramBytes: 'bytes, dense baseline at denseBits',
  denseDramBytes8bit: 'bytes, dense baseline at 8 bits',
  energyJoules: 'J, dynamic energy (datapath, SRAM, HBM)',
  tflops: 'executed FLOPs (Q x K incl. recompute, prob x V; multiply-add = 2) per second / 1e12',
  utilization: 'fractions 0..1 of multiplier-cycles and of peak DRAM bandwidth',
  'layers[].stages': 'cycles by stage, summing to layers[].cycles',
  'layers[].unitBusy': 'busy cycles by hardware unit (overlapping)',
  'layers[].heads[].busy': 'busy cycles by stage of the head rows (overlapping)',
  baselines: 'roofline lower bounds of the dense fp32 workload: seconds, speedup = their seconds / SpAtten seconds (at least), energyJoules = rated power x roofline seconds',
} as const;

export function summarizeForJson(r: SimulationResult, dense8: number, hw: HardwareConfig): Record<string, unknown> {
  const fp32Bytes = (r.denseDramBytes * 32) / r.denseBits;
  const baselines = rooflineBaselines(r.denseFlops, fp32Bytes).map((b) => ({ ...b, speedup: r.seconds > 0 ? b.seconds / r.seconds : 0 }));
  const { timeline: _t, ...rest } = r;
  void _t;
  return {
    ...rest,
    hardwareConfig: hw,
    denseDramBytes8bit: dense8,
    dramReductionVsDense: r.dramBytes > 0 ? r.denseDramBytes / r.dramBytes : 0,
    dramReductionVs8bitDense: r.dramBytes > 0 ? dense8 / r.dramBytes : 0,
    baselines,
    units: SIMULATE_JSON_UNITS,
  };
}

export function formatSimulation(r: SimulationResult, dense8: number, mode: 'generation' | 'encoder'): string {
  const rows = r.layers.map((l) => [
    String(l.layer),
    String(l.cycles),
    String(l.denseCycles),
    `${(l.denseCycles / Math.max(1, l.cycles)).toFixed(2)}x`,
    l.bound,
    fmtBytes(l.dramBytes.kMsb + l.dramBytes.kLsb + l.dramBytes.v + l.dramBytes.q),
    fmtBytes(l.dramBytes.kLsb),
    `${(l.denseDramBytes / Math.max(1, l.dramBytes.kMsb + l.dramBytes.kLsb + l.dramBytes.v + l.dramBytes.q)).toFixed(1)}x`,
    `${(l.energyJoules * 1e6).toFixed(1)}`,
    `${(l.utilization.multipliers * 100).toFixed(1)}%`,
    `${(l.utilization.dramBandwidth * 100).toFixed(1)}%`,
    topStage(l.stages),
  ]);
  const table = formatTable(['layer', 'cycles', 'dense cycles', 'speedup', 'bound', 'DRAM', 'K LSB', 'DRAM red.', 'energy uJ', 'mult util', 'BW util', 'top stage'], rows);
  const fp32Bytes = (r.denseDramBytes * 32) / r.denseBits;
  const base = rooflineBaselines(r.denseFlops, fp32Bytes);
  const lines = [
    '',
    `hardware ${r.hardware}, ${r.timing} timing, dense baseline at ${r.denseBits} bit`,
    'every figure below is modelled (cycle/energy model on the trace\'s counts; configuration constants from the hardware preset)',
    `total      ${r.totalCycles} cycles = ${fmtSeconds(r.seconds)}  (dense ${r.denseCycles} cycles = ${fmtSeconds(r.denseSeconds)})`,
    `bound      ${r.lowerBoundCycles} cycles: the busiest unit of each (step, layer), a bound no schedule beats (${((100 * r.lowerBoundCycles) / Math.max(1, r.totalCycles)).toFixed(1)}% of the total)`,
    `conventions unquantized tensors at ${r.unquantizedBits} bit, fetch counts rounded to ${r.fetchRounding}`,
    `speedup    ${r.speedup.toFixed(2)}x over the dense baseline on the same hardware`,
    `DRAM       ${fmtBytes(r.dramBytes)} (K MSB ${fmtBytes(r.dramBytesByTensor.kMsb)}, K LSB ${fmtBytes(r.dramBytesByTensor.kLsb)}, V ${fmtBytes(r.dramBytesByTensor.v)}, Q ${fmtBytes(r.dramBytesByTensor.q)})`,
    `DRAM red.  ${(fp32Bytes / Math.max(1, r.dramBytes)).toFixed(2)}x vs dense fp32, ${(dense8 / Math.max(1, r.dramBytes)).toFixed(2)}x vs dense 8-bit`,
    `throughput ${r.tflops.toFixed(3)} TFLOPS executed; multipliers ${(r.utilization.multipliers * 100).toFixed(1)}% busy, DRAM ${(r.utilization.dramBandwidth * 100).toFixed(1)}% of peak`,
    `energy     ${(r.energyJoules * 1e3).toFixed(3)} mJ (dense ${(r.denseEnergyJoules * 1e3).toFixed(3)} mJ, ${(r.denseEnergyJoules / Math.max(1e-30, r.energyJoules)).toFixed(2)}x saving)`,
    `bound      ${r.layers.map((l) => `L${l.layer}:${l.bound === 'memory' ? 'mem' : 'cmp'}`).join(' ')}`,
    `top-k      ${r.topKCalls.total} calls, ${r.topKCalls.measured} with measured quick-select rounds`,
    'roofline lower bounds of the dense fp32 workload (speedup = platform time / SpAtten time, at least; energy = rated power x that time):',
    ...base.map(
      (b) =>
        `  ${b.platform.padEnd(26)} ${fmtSeconds(b.seconds).padStart(12)}  ${b.bound}-bound  ${(b.seconds / r.seconds).toFixed(1)}x` +
        (b.energyJoules !== undefined ? `  ${(b.energyJoules * 1e3).toPrecision(3)} mJ (${(b.energyJoules / Math.max(1e-30, r.energyJoules)).toPrecision(3)}x SpAtten's)` : ''),
    ),
    ...calibratedBaselines(r.denseFlops, fp32Bytes, mode).map(
      (b) => `  ${b.platform}: ${fmtSeconds(b.seconds)}, ${(b.seconds / r.seconds).toFixed(1)}x (${b.derivation})`,
    ),
    `  the paper measured (30-benchmark means, not this workload): ${Object.entries(PAPER_MEASURED_RATIOS)
      .map(([k, v]) => `${platformPresets[k].name} ${v.speedup}x speedup, ${v.energySaving}x energy`)
      .join('; ')}`,
  ];
  return table + lines.join('\n') + '\n';
}

function topStage(stages: Record<string, number>): string {
  let best = '';
  let v = -1;
  for (const [k, c] of Object.entries(stages)) if (c > v) [best, v] = [k, c];
  return best;
}

export function registerSimulateCommand(program: Command, io: CommandIo = defaultIo): void {
  const cmd = program
    .command('simulate')
    .description('replay a workload CSV through the SpAtten cycle, DRAM and energy model')
    .argument('<trace.csv>', "workload CSV in the SpAtten authors' schema");
  addModelOptions(cmd)
    .option('--perfetto <file>', `write the timeline as Chrome trace / Perfetto JSON (at most ${DEFAULT_TIMELINE_MAX_EVENTS} events)`)
    .addOption(
      new Option('--authors-top-k <mode>', "top-k term of --timing authors: 'as-built' reproduces bert.cpp's quick-select defects, 'intended' fixes them")
        .choices(['as-built', 'intended'])
        .default('as-built'),
    )
    .action((tracePath: string, opts: ModelOptions & { perfetto?: string; authorsTopK: AuthorsTopKMode }, self: Command) => {
      if (opts.perfetto === '-' && opts.json === '-') {
        self.error('error: --perfetto - and --json - cannot both write to stdout', { exitCode: 2, code: 'spatten.usage' });
      }
      checkOutputs([opts.json, opts.perfetto]);
      const hw = loadHardwareConfig(opts.hardware);
      const bar = progressBar(io, 'simulate');
      let sim: WorkloadCsvSimulation;
      try {
        sim = simulateWorkloadCsvFile(tracePath, hw, {
          queries: opts.queries,
          timing: opts.timing,
          denseBits: opts.denseBits,
          unquantizedBits: opts.unquantizedBits,
          fetchRounding: opts.fetchRounding,
          seed: opts.seed,
          authorsTopK: opts.authorsTopK,
          timeline: opts.perfetto !== undefined,
          onProgress: bar.update,
        });
      } finally {
        bar.stop();
      }
      const { result: r, denseDramBytes8bit: dense8 } = sim;
      if (opts.perfetto !== undefined && r.timeline) {
        writeOutput(opts.perfetto, JSON.stringify(toChromeTrace(r.timeline, `SpAtten ${hw.name} (${opts.timing})`)), io.stdout);
      }
      if (opts.json !== undefined) writeOutput(opts.json, JSON.stringify(summarizeForJson(r, dense8, hw), null, 2) + '\n', io.stdout);
      // stdout holds one document: the table only when no JSON goes there.
      else if (opts.perfetto !== '-') io.stdout.write(formatSimulation(r, dense8, sim.mode));
    });
}
