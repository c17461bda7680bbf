import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateRoundSizes, topKCallTiming, topKCyclesFromRounds } from '../../../src/engine/hardware/topKEngine';
import { seededRandom } from '../../../src/engine/seededRandom';

test('cycles from measured rounds: sum of ceil(n/16) + 3', () => {
  // 1024 -> 512 -> 100: (64 + 3) + (32 + 3) + (7 + 3) = 112.
  assert.equal(topKCyclesFromRounds([1024, 512, 100], 16, 3), 112);
  assert.deepEqual(topKCallTiming({ n: 1024, k: 10, roundSizes: [1024, 512, 100] }, 16, 3, 0), { cycles: 112, comparisons: 1636, measured: true });
});

test('estimated rounds: deterministic per seed, shrinking, and the expected quick-select work', () => {
  assert.deepEqual(estimateRoundSizes(1000, 200, seededRandom(7)), estimateRoundSizes(1000, 200, seededRandom(7)));
  assert.deepEqual(estimateRoundSizes(10, 10, seededRandom(1)), []);
  let total = 0;
  const runs = 400;
  for (let s = 0; s < runs; s++) {
    const r = estimateRoundSizes(1024, 512, seededRandom(s + 1));
    assert.equal(r[0], 1024);
    for (let i = 1; i < r.length; i++) assert.ok(r[i] < r[i - 1]);
    total += r.reduce((a, b) => a + b, 0);
  }
  // Quick-select for the median touches (2 + 2 ln 2) n ~ 3.39 n elements in expectation (Knuth).
  const perN = total / runs / 1024;
  assert.ok(Math.abs(perN - (2 + 2 * Math.LN2)) < 0.25, `elements per n ${perN}`);
});
