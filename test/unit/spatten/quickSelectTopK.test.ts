import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuickSelectTopK } from '../../../src/engine/spatten/quickSelectTopK';
import { seededRandom } from '../../../src/engine/seededRandom';

/** Reference: sort by (value desc, position asc), take k, return positions ascending. */
function referenceTopK(values: number[], k: number): number[] {
  const idx = values.map((_, i) => i);
  idx.sort((a, b) => values[b] - values[a] || a - b);
  return idx.slice(0, k).sort((a, b) => a - b);
}

test('keeps the k largest in original order', () => {
  const topK = new QuickSelectTopK(seededRandom(7));
  // 0.5 at positions 1 and 3 are the two largest.
  assert.deepEqual(Array.from(topK.select([0.1, 0.5, 0.3, 0.5, 0.2], 5, 2).kept), [1, 3]);
  // Adding the third largest (0.3 at 2) keeps original order 1, 2, 3.
  assert.deepEqual(Array.from(topK.select([0.1, 0.5, 0.3, 0.5, 0.2], 5, 3).kept), [1, 2, 3]);
});

test('ties at the threshold are broken by position', () => {
  const topK = new QuickSelectTopK(seededRandom(3));
  assert.deepEqual(Array.from(topK.select([1, 1, 1, 1], 4, 2).kept), [0, 1]);
  // 2 is kept for sure; one of the three 1s joins it: the first one (position 0).
  assert.deepEqual(Array.from(topK.select([1, 2, 1, 1], 4, 2).kept), [0, 1]);
});

test('first round streams every candidate; k >= n needs no rounds', () => {
  const topK = new QuickSelectTopK(seededRandom(1));
  const r = topK.select([5, 4, 3, 2, 1, 0], 6, 2);
  assert.equal(r.roundSizes[0], 6);
  for (let i = 1; i < r.roundSizes.length; i++) assert.ok(r.roundSizes[i] < r.roundSizes[i - 1]);
  assert.deepEqual(topK.select([1, 2], 2, 2), { kept: Int32Array.from([0, 1]), roundSizes: [] });
  assert.equal(topK.select([1, 2], 2, 0).kept.length, 0);
});

test('candidates subset returns positions in the score array', () => {
  const topK = new QuickSelectTopK(seededRandom(1));
  const scores = [9, 1, 8, 2, 7, 3];
  // Among positions 1, 3, 5 (values 1, 2, 3) the two largest are 3 and 5.
  assert.deepEqual(Array.from(topK.select(scores, 3, 2, Int32Array.from([1, 3, 5])).kept), [3, 5]);
});

test('NaN ranks below every number', () => {
  const topK = new QuickSelectTopK(seededRandom(1));
  assert.deepEqual(Array.from(topK.select([NaN, -5, NaN], 3, 1).kept), [1]);
});

test('matches a sort on random data with many ties, for several seeds', () => {
  const data = seededRandom(42);
  for (let trial = 0; trial < 300; trial++) {
    const n = 1 + Math.floor(data() * 60);
    const values = Array.from({ length: n }, () => Math.floor(data() * 8) / 8);
    const k = Math.floor(data() * (n + 1));
    const topK = new QuickSelectTopK(seededRandom(trial));
    const r = topK.select(values, n, k);
    assert.deepEqual(Array.from(r.kept), referenceTopK(values, k), `trial ${trial}`);
  }
});

test('same seed, same rounds; the pivot sequence is what varies', () => {
  const values = Array.from({ length: 200 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const a = new QuickSelectTopK(seededRandom(5)).select(values, 200, 20).roundSizes;
  const b = new QuickSelectTopK(seededRandom(5)).select(values, 200, 20).roundSizes;
  assert.deepEqual(a, b);
  assert.equal(a[0], 200);
});
