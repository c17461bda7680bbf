// simulate() on columns against the row-object path it replaced (test/oracle/): every number of
// the result (and the timeline) identical, on every shipped trace read from its file as the CLI
// reads it, and on seeded random workloads (encoder passes, prompt passes, decode steps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { denseDramBytes, denseDramBytesOfColumns, simulate, simulateColumns, type SimulateOptions } from '../../../src/engine/hardware/simulate';
import { readWorkloadCsvColumnsFile } from '../../../src/engine/trace/workloadCsv';
import { denseDramBytes as oracleDenseDramBytes, simulate as oracleSimulate } from '../../oracle/simulate';
import { parseWorkloadCsv as oracleParse } from '../../oracle/workloadCsv';
import { randomWorkload } from './randomWorkloads';
import { SHIPPED_TRACES as SHIPPED, SHIPPED_TRACES_DIR as TRACES } from '../trace/shippedTraces';

const HW = [resolveHardwareConfig('spatten-1x'), resolveHardwareConfig('spatten-1/8')];

const VARIANTS: SimulateOptions[] = [
  { timing: 'pipelined', denseBits: 32 },
  { timing: 'additive', denseBits: 32 },
  { timing: 'pipelined', denseBits: 8, fetchRounding: 8, unquantizedBits: 16, seed: 7 },
  { timing: 'pipelined', denseBits: 32, timeline: true },
  { timing: 'pipelined', denseBits: 32, timeline: { maxEvents: 500 } },
  { timing: 'additive', denseBits: 32, timeline: true },
];

for (const f of SHIPPED) {
  test(`simulate on columns = the row path: ${f}`, () => {
    const file = path.join(TRACES, f);
    const columns = readWorkloadCsvColumnsFile(file);
    const rows = oracleParse(readFileSync(file, 'utf8'), { fileName: file });
    for (const hw of HW) {
      // The big traces with a timeline only on one configuration: the timeline path is not the hot one.
      for (const opts of f.includes('medium') && hw !== HW[0] ? VARIANTS.slice(0, 3) : VARIANTS) {
        assert.deepStrictEqual(simulateColumns(columns, hw, opts), oracleSimulate(rows, hw, opts), `${hw.name} ${JSON.stringify(opts)}`);
      }
      assert.equal(denseDramBytesOfColumns(columns, hw, 8), oracleDenseDramBytes(rows, hw, 8));
    }
  });
}

test('simulate on columns = the row path: seeded random workloads, rows in any order, measured rounds, layer steps', () => {
  for (let seed = 1; seed <= 60; seed++) {
    const trace = randomWorkload(seed);
    if (seed % 3 === 0) trace.rows.reverse();
    if (seed % 4 === 0) {
      trace.rows.forEach((r, i) => {
        if (r.tokenTopK && i % 2 === 0) r.tokenTopK.roundSizes = [r.tokenTopK.n, Math.ceil(r.tokenTopK.n / 3)];
        if (r.localVTopK && i % 3 === 0) r.localVTopK.roundSizes = [];
      });
    }
    if (seed % 5 === 0) {
      trace.layerSteps = [{ step: trace.rows[0].step, layer: trace.rows[0].layer, tokensIn: 1, tokensKept: 1, headsKept: 1, headTopK: { n: 8, k: 3 }, attentionFlops: 0, denseAttentionFlops: 0, fcFlops: 0, denseFcFlops: 0 }];
    }
    for (const hw of HW) {
      for (const opts of VARIANTS) assert.deepStrictEqual(simulate(trace, hw, opts), oracleSimulate(trace, hw, opts), `seed ${seed} ${hw.name} ${JSON.stringify(opts)}`);
      assert.equal(denseDramBytes(trace, hw, 8), oracleDenseDramBytes(trace, hw, 8));
    }
  }
});
