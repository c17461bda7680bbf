// `spatten-profile ablate <trace.csv | --policy-traces dense.csv,spatten.csv>`: the paper's speedup
// breakdown (datapath, + pruning with a slow top-k, + top-k engine, + progressive quantization)
// rebuilt from one SpAtten trace (dense step derived from it) or from a dense/SpAtten pair of the
// same workload. How each step is derived: src/engine/hardware/ablation.ts.
import { InvalidArgumentError, type Command } from 'commander';
import { InputError } from '../engine/errors';
import { ablate } from '../engine/hardware/ablation';
import { loadHardwareConfig } from '../engine/hardware/hardwarePresets';
import { readWorkloadCsvFile } from '../engine/trace/workloadCsv';
import type { Trace } from '../engine/trace/trace';
import { addModelOptions, defaultIo, fmtBytes, fmtSeconds, formatTable, type CommandIo, type ModelOptions } from './simulateCommand';
import { checkOutputs, writeOutput } from './outputs';

function sameWorkload(dense: Trace, spatten: Trace, densePath: string, spattenPath: string): void {
  // The pair must describe the same steps, layers and context lengths, or the ratios mean nothing.
  const key = (t: Trace): string => {
    const seen = new Map<string, number>();
    for (const r of t.rows) seen.set(`${r.step}:${r.layer}`, r.sentenceLength);
    return [...seen.entries()].sort().map(([k, v]) => `${k}=${v}`).join(',');
  };
  if (key(dense) !== key(spatten)) {
    throw new InputError(`${densePath},${spattenPath}`, 'the two traces do not cover the same steps, layers and context lengths');
  }
}

export function registerAblateCommand(program: Command, io: CommandIo = defaultIo): void {
  const cmd = program
    .command('ablate')
    .description("the paper's speedup breakdown by technique, from a SpAtten trace (or a dense,spatten pair)")
    .argument('[trace.csv]', 'SpAtten workload CSV (the dense step is derived from it)')
    .option('--policy-traces <dense.csv,spatten.csv>', 'a dense and a SpAtten trace of the same workload')
    .option('--slow-topk-comparators <n>', 'comparators of the slow top-k step', (v: string) => {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('must be a positive integer');
      return Number(v);
    }, 1);
  addModelOptions(cmd).action((tracePath: string | undefined, opts: ModelOptions & { policyTraces?: string; slowTopkComparators: number }) => {
    if ((tracePath === undefined) === (opts.policyTraces === undefined)) {
      cmd.error('error: give either <trace.csv> or --policy-traces dense.csv,spatten.csv (not both)', { exitCode: 2, code: 'spatten.usage' });
    }
    checkOutputs([opts.json]);
    const hw = loadHardwareConfig(opts.hardware);
    let spatten: Trace;
    let dense: Trace | undefined;
    if (opts.policyTraces !== undefined) {
      const parts = opts.policyTraces.split(',');
      if (parts.length !== 2 || parts.some((p) => p === '')) {
        cmd.error('error: --policy-traces takes two files: dense.csv,spatten.csv', { exitCode: 2, code: 'spatten.usage' });
      }
      dense = readWorkloadCsvFile(parts[0], { queries: opts.queries });
      spatten = readWorkloadCsvFile(parts[1], { queries: opts.queries });
      sameWorkload(dense, spatten, parts[0], parts[1]);
    } else {
      spatten = readWorkloadCsvFile(tracePath as string, { queries: opts.queries });
    }
    const steps = ablate(spatten, dense, hw, { timing: opts.timing, denseBits: opts.denseBits, seed: opts.seed, slowTopKComparators: opts.slowTopkComparators });
    if (opts.json !== undefined) {
      const units = { seconds: 's', cycles: `cycles at ${hw.clockHz} Hz`, dramBytes: 'bytes', speedupOverPrevious: 'ratio', speedupOverGpu: 'ratio' };
      writeOutput(opts.json, JSON.stringify({ hardware: hw.name, timing: opts.timing, denseBits: opts.denseBits, steps, units }, null, 2) + '\n', io.stdout);
      return;
    }
    const rows = steps.map((s) => [s.name, fmtSeconds(s.seconds), s.cycles > 0 ? String(s.cycles) : '-', fmtBytes(s.dramBytes), `${s.speedupOverPrevious.toFixed(2)}x`, `${s.speedupOverGpu.toFixed(1)}x`]);
    io.stdout.write(formatTable(['step', 'time', 'cycles', 'DRAM', 'vs previous', 'vs TITAN Xp'], rows));
    io.stdout.write(`\nhardware ${hw.name}, ${opts.timing} timing, unquantized at ${opts.denseBits} bit\n`);
    for (const s of steps) io.stdout.write(`  ${s.name}: ${s.description}\n`);
  });
}
