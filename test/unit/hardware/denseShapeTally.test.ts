// The dense baseline's shape tally: groups numbered by what their shape is made of, figures worked
// out once per denseShapeKey from the first group of it, and a layer's count x figure equal to
// adding the figure group by group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DenseShapeTally } from '../../../src/engine/hardware/denseShapeTally';
import { LayerSums, type DenseGroupSums } from '../../../src/engine/hardware/layerSums';

test('groups are numbered by shape in order of first sight, and counted', () => {
  const t = new DenseShapeTally();
  // (step, layer, head dim, context length, rows)
  assert.equal(t.add(0, 0, 64, 100, 16), 0);
  assert.equal(t.add(0, 1, 64, 100, 16), 0);
  assert.equal(t.add(0, 2, 64, 100, 12), 1); // fewer rows (heads pruned)
  assert.equal(t.add(1, 0, 64, 101, 16), 2); // the next step's context
  assert.equal(t.add(1, 1, 64, 100, 16), 0); // back to a shape seen before, not after the last one
  assert.equal(t.add(-1, 0, 64, 100, 16), 3); // the prompt pass: its dense run has every query
  assert.equal(t.add(-1, 1, 32, 100, 16), 4); // another head dim
  assert.equal(t.groups.length, 5);
  assert.deepEqual(t.groups, [3, 1, 1, 1, 1]);
  // A value per shape, summed over the groups: 3 x 10 + 20 + 30 + 40 + 50.
  assert.equal(t.sumOverGroups([10, 20, 30, 40, 50]), 170);
});

test('figures are worked out once per dense shape key, from the first group of it', () => {
  const t = new DenseShapeTally();
  t.add(5, 3, 64, 100, 12); // shape 0: 12 rows
  t.add(5, 4, 64, 100, 16); // shape 1: 16 rows, the same dense run as shape 0 when the trace has 16 heads
  t.add(6, 0, 64, 101, 16); // shape 2
  const calls: string[] = [];
  const f = t.figures(16, 'generation', (first, size) => {
    calls.push(`${first.step}/${first.layer}/${first.sentenceLength}/${first.headDim}/${size}`);
    return { id: calls.length };
  });
  // With 16 heads, 12 and 16 rows both time 16 dense rows: one call, from the first group (step 5, layer 3).
  assert.deepEqual(calls, ['5/3/100/64/12', '6/0/101/64/16']);
  assert.equal(f[0], f[1]);
  assert.notEqual(f[1], f[2]);
  // With 24 heads too (every group pads to 24 rows).
  calls.length = 0;
  t.figures(24, 'generation', (first, size) => calls.push(`${first.sentenceLength}/${size}`));
  assert.deepEqual(calls, ['100/12', '101/16']);
  // In an encoder the query rows are the context length, still one shape per context here.
  calls.length = 0;
  t.figures(8, 'encoder', (first, size) => calls.push(`${first.sentenceLength}/${size}`));
  assert.deepEqual(calls, ['100/12', '100/16', '101/16']);
});

/** A dense group's figures: whole numbers, an SRAM count in eighths (a head's vector in datapath words). */
function figures(seed: number): DenseGroupSums {
  const stages = Float64Array.from({ length: 11 }, (_, i) => 1000 * seed + 7 * i);
  return {
    cycles: 123_457 * seed,
    lowerBound: 0,
    stages,
    unitBusy: Float64Array.from({ length: 5 }, (_, u) => 99_991 * seed + u),
    counts: Float64Array.from([2 ** 40 + seed, 3 * seed, 0, 1234.375 * seed, 32 * seed]),
    bytes: 4096 * seed + 32,
  };
}

test("a layer's dense sums, count x figure per shape, equal adding each group's figure in trace order", () => {
  const shapeOfGroup = [0, 0, 1, 0, 2, 2, 1, 0, 0, 2, 1, 1, 0];
  const f = [figures(1), figures(2), figures(3)];
  const layer = new LayerSums(11);
  for (const s of shapeOfGroup) layer.countDenseShape(s);
  layer.addDenseShapes(f);
  const got = layer.toLayerAcc();
  // The reference: the figures added group by group, as the groups came.
  let cycles = 0;
  let bytes = 0;
  const stages = new Float64Array(11);
  const busy = new Float64Array(5);
  const counts = new Float64Array(5);
  for (const s of shapeOfGroup) {
    cycles += f[s].cycles;
    bytes += f[s].bytes;
    f[s].stages.forEach((v, i) => (stages[i] += v));
    f[s].unitBusy.forEach((v, i) => (busy[i] += v));
    f[s].counts.forEach((v, i) => (counts[i] += v));
  }
  assert.equal(got.denseCycles, cycles);
  assert.equal(got.denseBytes, bytes);
  assert.deepEqual([...got.denseStages], [...stages]);
  assert.deepEqual([...got.denseUnitBusy], [...busy]);
  assert.deepEqual(got.denseCounts, { macs: counts[0], softmaxElements: counts[1], comparisons: counts[2], sramBytes: counts[3], dramBytes: counts[4] });
});

test('a layer that never saw a shape adds nothing for it, and shape numbers past 8 grow its counts', () => {
  const f = Array.from({ length: 20 }, (_, i) => figures(i + 1));
  const layer = new LayerSums(11);
  layer.countDenseShape(19);
  layer.countDenseShape(19);
  layer.countDenseShape(3);
  layer.addDenseShapes(f);
  assert.equal(layer.toLayerAcc().denseCycles, 2 * f[19].cycles + f[3].cycles);
  assert.equal(layer.toLayerAcc().denseBytes, 2 * f[19].bytes + f[3].bytes);
});
