import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENERGY_TABLE, energyOf, energyPerOp } from '../../../src/engine/hardware/energyModel';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { calibratedBaselines, measuredPlatform, PAPER_CALIBRATIONS, platformPresets, rooflineLatency } from '../../../src/engine/hardware/roofline';
import { simulate } from '../../../src/engine/hardware/simulate';
import { readWorkloadCsvFile } from '../../../src/engine/trace/workloadCsv';

test('energy: 45 nm constants scale to 40 nm, HBM does not', () => {
  const e = energyPerOp(resolveHardwareConfig('spatten-1x'));
  assert.ok(Math.abs(e.multiply12b - 0.45e-12 * (40 / 45)) < 1e-18);
  assert.equal(e.hbmBit, ENERGY_TABLE.hbmBit.pj * 1e-12);
  // 1000 MACs + 1 kB from HBM: 1000 x (0.45 + 0.045) x 40/45 pJ + 8000 bits x 3.9 pJ.
  const j = energyOf({ macs: 1000, softmaxElements: 0, comparisons: 0, sramBytes: 0, dramBytes: 1000 }, e);
  assert.ok(Math.abs(j.total - (1000 * 0.495 * (40 / 45) + 8000 * 3.9) * 1e-12) < 1e-15);
  assert.ok(j.dram > 50 * j.compute, 'DRAM dominates, the premise of SpAtten');
});

test('roofline: memory vs compute bound, and a measured platform', () => {
  const gpu = platformPresets['titan-xp'];
  const mem = rooflineLatency(2e9, 1e9, gpu); // 2 FLOP/B: below the ridge (~22 FLOP/B)
  assert.equal(mem.bound, 'memory');
  assert.ok(Math.abs(mem.seconds - 1e9 / 547.7e9) < 1e-12);
  const cmp = rooflineLatency(1e12, 1e9, gpu);
  assert.equal(cmp.bound, 'compute');
  const here = measuredPlatform(0.5, 1e9);
  assert.equal(here.peakFlops, 2e9);
  assert.equal(rooflineLatency(4e9, 1e12, here).seconds, 2);
  assert.throws(() => measuredPlatform(0, 1));
});

test("the TITAN Xp calibration factor is what the paper's GPT-2 datapath speedup gives on the authors' dense trace", () => {
  // 22x (the paper's datapath-alone speedup over TITAN Xp on GPT-2) x our datapath time / the roofline.
  const dense = readWorkloadCsvFile('../shared/spatten-traces/gpt2-small-wikitext2-dense.csv');
  const r = simulate(dense, resolveHardwareConfig('spatten-1x'), { timing: 'pipelined', denseBits: 32, unquantizedBits: 32 });
  const roof = rooflineLatency(r.flops, r.dramBytes, platformPresets['titan-xp']);
  const factor = (22 * r.seconds) / roof.seconds;
  const k = PAPER_CALIBRATIONS.find((c) => c.platform === 'titan-xp');
  assert.ok(k && Math.abs(factor / k.factor - 1) < 0.005, `recomputed ${factor}, constant ${k?.factor}`);
  const [row] = calibratedBaselines(r.flops, r.dramBytes, 'generation');
  assert.ok(Math.abs(row.seconds / (22 * r.seconds) - 1) < 0.005);
  assert.equal(calibratedBaselines(r.flops, r.dramBytes, 'encoder').length, 0);
});
