// Benchmark (not a test): time to parse and simulate the largest shipped trace
// (gpt2-medium-ptb-dense.csv, 12288 rows) in both timing models. Prints wall time and this
// process's CPU time (the CPU time is the fairer figure on a shared, loaded machine). Run:
//   node --import tsx scripts/bench-hardware.ts
import path from 'node:path';
import { resolveHardwareConfig } from '../src/engine/hardware/hardwarePresets';
import { simulate } from '../src/engine/hardware/simulate';
import { readWorkloadCsvFile } from '../src/engine/trace/workloadCsv';

const file = path.resolve(__dirname, '../../shared/spatten-traces/gpt2-medium-ptb-dense.csv');
const hw = resolveHardwareConfig('spatten-1x');
let t = performance.now();
let cpu = process.cpuUsage();
const ms = (): string => {
  const u = process.cpuUsage(cpu);
  const out = `${(performance.now() - t).toFixed(1)} ms wall, ${((u.user + u.system) / 1000).toFixed(1)} ms CPU`;
  t = performance.now();
  cpu = process.cpuUsage();
  return out;
};
const trace = readWorkloadCsvFile(file);
console.log(`parse ${trace.rows.length} rows: ${ms()}`);
for (const timing of ['pipelined', 'additive'] as const) {
  for (const run of ['cold', 'warm']) {
    const r = simulate(trace, hw, { timing, denseBits: 32 });
    console.log(`simulate ${timing} (${run}): ${ms()}, ${r.totalCycles} cycles`);
  }
}
const r = simulate(trace, hw, { timing: 'pipelined', denseBits: 32, timeline: true });
console.log(`simulate pipelined + timeline: ${ms()}, ${r.timeline?.events.length} events (aggregated: ${r.timeline?.aggregated})`);
