// The shared numerics (src/engine/numerics.ts) on hand-checked values, and the seeded sampler
// drawing from the one mulberry32 (seededRandom) with a reproducible sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argmax, logSumExp, maxAndSumExp, tokenLogProb } from '../../src/engine/numerics';
import { TokenSampler } from '../../src/engine/runtime/tokenSampling';

const f32 = (x: number[]) => Float32Array.from(x);

test('argmax: the first of a tie, within a row window', () => {
  assert.equal(argmax(f32([1, 3, 3, 2])), 1);
  assert.equal(argmax(f32([9, 0, 5, 5]), 1, 3), 1, 'index within the window [0, 5, 5]');
});

test('logSumExp and tokenLogProb: stable for large logits, -Infinity rows', () => {
  // [1000, 1000 + ln 3]: P = [1/4, 3/4], log-sum-exp = 1000 + ln 4.
  const row = [1000, 1000 + Math.log(3)];
  assert.ok(Math.abs(logSumExp(row) - (1000 + Math.log(4))) < 1e-9);
  assert.ok(Math.abs(tokenLogProb(row, 0) - Math.log(1 / 4)) < 1e-9);
  assert.ok(Math.abs(tokenLogProb(row, 1) - Math.log(3 / 4)) < 1e-9);
  assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
  assert.deepEqual(maxAndSumExp([2, 2]), { max: 2, sum: 2 });
});

test('the sampler: greedy at temperature 0, the same draws for the same seed, top-k respected', () => {
  const row = f32([0, 1, 2, 3, 2.5]);
  assert.equal(new TokenSampler({ temperature: 0, seed: 1 }).sample(row), 3);
  const draw = (seed: number) => {
    const s = new TokenSampler({ temperature: 1, topK: 2, seed });
    return Array.from({ length: 50 }, () => s.sample(row));
  };
  const a = draw(7);
  assert.deepEqual(draw(7), a);
  assert.ok(a.every((t) => t === 3 || t === 4), 'only the two largest logits');
  assert.ok(a.includes(3) && a.includes(4), 'both drawn in 50 samples (P = 0.62 / 0.38)');
});
