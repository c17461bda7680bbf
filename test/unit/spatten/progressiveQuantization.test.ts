import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quantizeRows, splitRows } from '../../../src/engine/spatten/progressiveQuantization';
import { createSpattenCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { makeCall } from './coreCallFixtures';
import { assertClose } from './handCases';

const ROW0 = Int32Array.of(0);

test('linear symmetric quantizer and the MSB/LSB split, by hand', () => {
  const x = Float32Array.from([0.7, 0, -0.7, 0.3]);
  // 2 + 2 bits: codes in [-7, 7], scale 0.7 / 7 = 0.1. Codes [7, 0, -7, 3].
  const msb = new Float32Array(4);
  const full = new Float32Array(4);
  splitRows(x, 0, ROW0, 1, 4, 2, 2, 'mid-bin', msb, full, 0);
  // MSB = floor(code / 4) = [1, 0, -2, 0]; mid-bin reading = MSB x 4 + 1.5 = [5.5, 1.5, -6.5, 1.5] x 0.1.
  assertClose(msb, [0.55, 0.15, -0.65, 0.15], 1e-6, 'msb');
  assertClose(full, [0.7, 0, -0.7, 0.3], 1e-6, 'full');
  // Truncated (the RTL): MSB x 4 = [4, 0, -8, 0] x 0.1.
  splitRows(x, 0, ROW0, 1, 4, 2, 2, 'truncate', msb, full, 0);
  assertClose(msb, [0.4, 0, -0.8, 0], 1e-6, 'msb truncated');
  // 3 bits: codes in [-3, 3], scale 0.7 / 3; 0.3 -> round(1.2857) = 1 -> 0.2333.
  const q = new Float32Array(4);
  quantizeRows(x, 0, ROW0, 1, 4, 3, q, 0);
  assertClose(q, [0.7, 0, -0.7, 0.7 / 3], 1e-6, 'static 3 bit');
  // All-zero input has scale 0 and stays zero (both readings too).
  const z = Float32Array.of(5, 5);
  quantizeRows(new Float32Array(2), 0, ROW0, 1, 2, 8, z, 0);
  assert.deepEqual(Array.from(z), [0, 0]);
  const zm = Float32Array.of(5, 5);
  const zf = Float32Array.of(5, 5);
  splitRows(new Float32Array(2), 0, ROW0, 1, 2, 6, 4, 'mid-bin', zm, zf, 0);
  assert.deepEqual([...zm, ...zf], [0, 0, 0, 0]);
  // Ties go to even: at 2 bits (codes [-1, 1]) the scale is 0.5 / 1, and 0.25 / 0.5 = 0.5 rounds to code 0.
  const t = new Float32Array(2);
  quantizeRows(Float32Array.of(0.5, 0.25), 0, ROW0, 1, 2, 2, t, 0);
  assertClose(t, [0.5, 0], 1e-7, 'ties to even');
});

test('MSB-only error is at most half an MSB step on random data', () => {
  const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i * 1.7) * 3);
  let maxAbs = 0;
  for (const v of x) maxAbs = Math.max(maxAbs, Math.abs(v));
  const s = maxAbs / (2 ** 9 - 1);
  const msb = new Float32Array(1000);
  const full = new Float32Array(1000);
  splitRows(x, 0, ROW0, 1, 1000, 6, 4, 'mid-bin', msb, full, 0);
  for (let i = 0; i < 1000; i++) {
    assert.ok(Math.abs(msb[i] - full[i]) <= 8 * s + 1e-9);
    assert.ok(Math.abs(full[i] - x[i]) <= 0.5 * s + 1e-6);
  }
});

test('each row its own scale, only the rows named, at the bases given', () => {
  const D = 8;
  // 6 rows; row 3 is all zero (scale 0), values span several magnitudes and both signs.
  const src = Float32Array.from({ length: 6 * D }, (_, i) => (Math.floor(i / D) === 3 ? 0 : Math.sin(i * 2.3) * 10 ** ((i % 5) - 2)));
  const rows = Int32Array.from([5, 0, 3, 2]);
  const n = 3; // row 2 is past n: untouched
  for (const bits of [4, 6, 8]) {
    const got = new Float32Array(6 * D).fill(7);
    quantizeRows(src, 0, rows, n, D, bits, got, 0);
    for (let j = 0; j < 6; j++) {
      const want = new Float32Array(D).fill(7);
      // Rows named: as if quantized alone (its scale is its own); others: untouched.
      if ([5, 0, 3].includes(j)) quantizeRows(src.slice(j * D, (j + 1) * D), 0, ROW0, 1, D, bits, want, 0);
      assert.deepEqual(Array.from(got.subarray(j * D, (j + 1) * D)), Array.from(want), `row ${j} at ${bits} bits`);
    }
  }
  const msb = new Float32Array(6 * D).fill(7);
  const full = new Float32Array(6 * D).fill(7);
  splitRows(src, 0, rows, n, D, 6, 4, 'truncate', msb, full, 0);
  for (let j = 0; j < 6; j++) {
    const wm = new Float32Array(D).fill(7);
    const wf = new Float32Array(D).fill(7);
    if ([5, 0, 3].includes(j)) splitRows(src.slice(j * D, (j + 1) * D), 0, ROW0, 1, D, 6, 4, 'truncate', wm, wf, 0);
    assert.deepEqual(Array.from(msb.subarray(j * D, (j + 1) * D)), Array.from(wm), `MSB reading of row ${j}`);
    assert.deepEqual(Array.from(full.subarray(j * D, (j + 1) * D)), Array.from(wf), `full reading of row ${j}`);
  }
  // Bases: the source and destination offsets shift every row alike.
  const out = new Float32Array(7 * D);
  quantizeRows(src, D, ROW0, 1, D, 6, out, 2 * D);
  const ref = new Float32Array(D);
  quantizeRows(src.slice(D, 2 * D), 0, ROW0, 1, D, 6, ref, 0);
  assert.deepEqual(Array.from(out.subarray(2 * D, 3 * D)), Array.from(ref));
  assert.ok(out.subarray(0, 2 * D).every((v) => v === 0) && out.subarray(3 * D).every((v) => v === 0));
});

// One head, 4 tokens, D = 2. Key rows [a_j, 0.7] with a = [0.7, 0, -0.7, 0.3]: each row's scale
// (one per token row) is 0.7 / 7 = 0.1 at 2 + 2 bits, so dim 0 has codes [7, 0, -7, 3] and reads
// [0.55, 0.15, -0.65, 0.15] from the MSBs (see the test above). Query rows [q_i, 0] with
// q = [1, 10, 1, 10], so only dim 0 scores. V rows [j + 1, j + 1].
// Rows with q = 1: MSB scores [0.55, 0.15, -0.65, 0.15], exp = [1.73325, 1.16183, 0.52205, 1.16183],
//   max P = 1.73325 / 4.57897 = 0.37852 < 0.4: refetch. Full scores [0.7, 0, -0.7, 0.3]:
//   exp = [2.01375, 1, 0.49659, 1.34986], max P = 2.01375 / 4.86020 = 0.41433.
// Rows with q = 10: MSB scores [5.5, 1.5, -6.5, 1.5], max P = 244.692 / 253.655 = 0.96466: kept.
function quantCall() {
  return makeCall({
    layer: 0,
    step: -1,
    heads: 1,
    kvHeads: 1,
    headDim: 2,
    q: [1, 0, 10, 0, 1, 0, 10, 0],
    k: [0.7, 0.7, 0, 0.7, -0.7, 0.7, 0.3, 0.7],
    v: [1, 1, 2, 2, 3, 3, 4, 4],
    queryPositions: [0, 1, 2, 3],
    keyLen: 4,
  });
}
const dims = { layers: 1, heads: 1, kvHeads: 1, headDim: 2, hiddenSize: 1, ffnSize: 4, mode: 'encoder' as const, protectedPositions: [] };

test('progressive quantization refetches exactly the flat rows (0 and 2) and records events', () => {
  const core = createSpattenCore(
    { extends: 'off', quantization: { mode: 'progressive', queryBits: 16, keyBits: 2, keyLsbBits: 2, valueBits: 16, threshold: 0.4 } },
    dims,
  );
  const out = core.run(quantCall());
  const softmax = (s: number[]) => {
    const e = s.map(Math.exp);
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / z);
  };
  const dot = (p: number[]) => p[0] * 1 + p[1] * 2 + p[2] * 3 + p[3] * 4;
  const refetched = dot(softmax([0.7, 0, -0.7, 0.3]));
  const msbOnly = dot(softmax([5.5, 1.5, -6.5, 1.5]));
  assertClose(out, [refetched, refetched, msbOnly, msbOnly, refetched, refetched, msbOnly, msbOnly], 1e-4, 'out');
  const report = core.observations().refetch;
  assert.equal(report.threshold, 0.4);
  assert.deepEqual(report.rows, [[4]]);
  assert.deepEqual(report.refetched, [[2]]);
  assert.deepEqual(report.events.map((e) => e.query), [0, 2]);
  assert.ok(Math.abs(report.events[0].maxProbBefore - 0.37852) < 1e-4);
  assert.ok(Math.abs(report.events[0].maxProbAfter - 0.41433) < 1e-4);
  // Histogram of MSB-only max probability: two rows in [0.35, 0.40), two in [0.95, 1].
  assert.equal(report.maxProbHistogram[0][7], 2);
  assert.equal(report.maxProbHistogram[0][19], 2);
  const row = core.trace().rows[0];
  assert.deepEqual([row.keyBits, row.lsbBits, row.queryBits, row.valueBits, row.requantThreshold, row.refetchedQueries], [2, 2, 16, 16, 0.4, 2]);
  assert.ok(Math.abs(row.maxProbability! - 0.96466) < 1e-4);
  // Refetched rows pay a second Q x K: 4 rows x 16 + 2 refetches x 16 + 4 rows x 16 (P x V) = 160.
  assert.equal(core.trace().layerSteps![0].attentionFlops, 160);
});

test('static quantization: fixed widths, no refetch', () => {
  const core = createSpattenCore({ extends: 'off', quantization: { mode: 'static', queryBits: 16, keyBits: 3, valueBits: 16 } }, dims);
  const out = core.run(quantCall());
  // K dim 0 at 3 bits with each row's scale 0.7 / 3 = [0.7, 0, -0.7, 0.2333] (see the quantizer test).
  const e = (q: number) => [0.7, 0, -0.7, 0.7 / 3].map((k) => Math.exp(q * k));
  const row = (q: number) => {
    const x = e(q);
    const z = x.reduce((a, b) => a + b, 0);
    return (x[0] + 2 * x[1] + 3 * x[2] + 4 * x[3]) / z;
  };
  assertClose(out, [row(1), row(1), row(10), row(10), row(1), row(1), row(10), row(10)], 1e-4, 'out');
  assert.deepEqual(core.observations().refetch.refetched, [[0]]);
  const t = core.trace().rows[0];
  assert.deepEqual([t.keyBits, t.lsbBits, t.requantThreshold, t.refetchedQueries], [3, -1, -1, 0]);
});
