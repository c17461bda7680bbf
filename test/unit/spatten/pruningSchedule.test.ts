import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../src/engine/errors';
import { headKeepCounts, keepCount, tokenKeepFractions } from '../../../src/engine/spatten/pruningSchedule';

const close = (a: number, b: number, eps = 1e-12) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

test('GPT-2-small trace schedule: the trace keep counts at 1024', () => {
  const f = tokenKeepFractions({ kind: 'gpt2-trace', model: 'gpt2-small' }, 12);
  assert.deepEqual(Array.from(f), [0.9, 0.7, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
  // Mean 3.0 / 12 = 0.25 over pruned steps; with step 0 fetching everything, the trace's 32 steps
  // average (1 + 31 x 0.2535) / 32 = 0.277, the README's 0.276.
  close(f.reduce((a, b) => a + b, 0) / 12, 3 / 12);
  // The authors' trace fetched 921, 716, 204, 102 keys of a 1024 context.
  assert.deepEqual([0, 1, 2, 6].map((l) => keepCount(f[l], 1024, 1024)), [921, 716, 204, 102]);
});

test('GPT-2-medium trace schedule has 24 layers and stretches to a shallower model', () => {
  const f = tokenKeepFractions({ kind: 'gpt2-trace', model: 'gpt2-medium' }, 24);
  close(f.reduce((a, b) => a + b, 0) / 24, (1 + 1 + 0.9 + 0.8 + 0.8 + 6 * 0.6 + 13 * 0.3) / 24);
  // 6 layers sample trace layers 0, 4, 8, 12, 16, 20.
  assert.deepEqual(Array.from(tokenKeepFractions({ kind: 'gpt2-trace', model: 'gpt2-medium' }, 6)), [1, 0.8, 0.6, 0.3, 0.3, 0.3]);
});

test('BERT ramp: no pruning in the first ceil(15%) layers, then start + end = 2 x average', () => {
  const f = tokenKeepFractions({ kind: 'ramp', averagePrune: 0.3 }, 12);
  // ceil(0.15 * 12) = 2 unpruned layers; prune ramps 0 -> 0.6 over layers 2..11.
  assert.equal(f[0], 1);
  assert.equal(f[1], 1);
  close(f[2], 1);
  close(f[11], 0.4);
  close(f[6], 1 - 0.6 * (4 / 9));
  const rampMeanPrune = Array.from(f.slice(2)).reduce((a, b) => a + (1 - b), 0) / 10;
  close(rampMeanPrune, 0.3);
  assert.throws(() => tokenKeepFractions({ kind: 'ramp', averagePrune: 0.6 }, 12), InputError);
});

test('head ramp: none in the first 30% of layers, mean kept fraction = averageKeep', () => {
  const counts = headKeepCounts({ kind: 'ramp', averageKeep: 0.75 }, 10, 16);
  // ceil(3) = 3 unpruned layers; drop = 2*10*0.25/8 = 0.625; layer 3+j keeps 1 - 0.625 (j+1)/7.
  assert.deepEqual(Array.from(counts.slice(0, 3)), [16, 16, 16]);
  const expected = Array.from({ length: 7 }, (_, j) => Math.floor(16 * (1 - (0.625 * (j + 1)) / 7) + 1e-9));
  assert.deepEqual(Array.from(counts.slice(3)), expected);
  assert.equal(counts[9], 6); // 16 * 0.375 = 6
});

test('GPT-2-medium head trace: 16 heads in layers 0-15, 13 in 16-21, 10 in 22-23', () => {
  const c = Array.from(headKeepCounts({ kind: 'gpt2-trace', model: 'gpt2-medium' }, 24, 16));
  assert.deepEqual(c, [...Array(16).fill(16), ...Array(6).fill(13), 10, 10]);
});

test('explicit lists must match the depth; keep counts stay in [1, available]', () => {
  assert.throws(() => tokenKeepFractions({ kind: 'per-layer', keep: [1, 0.5] }, 3), /has 2 entries but the model has 3 layers/);
  assert.equal(keepCount(0.01, 10, 10), 1);
  assert.equal(keepCount(0.9, 1024, 50), 50);
});
