import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topKCallTiming } from '../../../src/engine/hardware/topKEngine';
import { mixSeed5 } from '../../../src/engine/seededRandom';
import { estimateRoundSizes, topKCyclesFromRounds } from '../../oracle/topKEngine';
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

test('the estimate walks the seeded rounds of quick-select: the same cycles and comparisons as the rounds kept (the oracle)', () => {
  // Comparators of the presets (16) and others; sizes past 2^30 on every tenth call.
  for (const comparators of [16, 1, 3, 64]) {
    for (let s = 0; s < 300; s++) {
      const seed = mixSeed5(1, 1, s, s % 24, s % 16);
      const n = s % 10 === 9 ? 2 ** 30 + s * 1e6 : 1 + ((s * 37) % 2000);
      const k = (s * 13) % (n + 1);
      const rounds = estimateRoundSizes(n, k, seededRandom(seed));
      const t = topKCallTiming({ n, k }, comparators, 3, seed);
      assert.deepEqual(t, { cycles: topKCyclesFromRounds(rounds, comparators, 3), comparisons: rounds.reduce((a, b) => a + b, 0), measured: false }, `n ${n} k ${k} comparators ${comparators}`);
    }
  }
});

test('the estimate takes int32 counts only (its branch-free side choice works on int32): larger or fractional ones are a RangeError, not a wrong figure', () => {
  const largest = 2 ** 31 - 1;
  assert.equal(topKCallTiming({ n: largest, k: 5 }, 16, 3, 9).measured, false);
  for (const [n, k] of [[2 ** 31, 5], [1000.5, 10], [1000, 10.25]]) {
    assert.throws(() => topKCallTiming({ n, k }, 16, 3, 9), (e: unknown) => e instanceof RangeError && /n = .*k = /.test(e.message), `n ${n} k ${k}`);
  }
});
