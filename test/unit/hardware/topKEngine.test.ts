import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topKCallTiming, topKCallTimingPairInto, type TopKTiming } from '../../../src/engine/hardware/topKEngine';
import type { TopKCall } from '../../../src/engine/trace/trace';
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

test('two calls timed together (the cycle model pairs a group\'s top-ks) get the figures each gets alone, whichever ends first, measured or estimated', () => {
  const fresh = (): TopKTiming => ({ cycles: -1, comparisons: -1, measured: true });
  const calls: TopKCall[] = [
    { n: 1000, k: 300 }, { n: 7, k: 1 }, { n: 2 ** 30 + 5, k: 2 ** 29 }, { n: 64, k: 64 }, { n: 50, k: 0 },
    { n: 1024, k: 10, roundSizes: [1024, 512, 100] }, { n: 2, k: 1 }, { n: 993, k: 307 },
  ];
  for (let s = 0; s < 200; s++) calls.push({ n: 2 + ((s * 7919) % 3000), k: 1 + ((s * 104729) % (2 + ((s * 7919) % 3000) - 1)) });
  for (const comparators of [16, 3]) {
    for (let i = 0; i < calls.length; i++) {
      const a = calls[i];
      const b = calls[(i * 31 + 7) % calls.length];
      const seedA = mixSeed5(1, 1, i, 3, 5);
      const seedB = mixSeed5(1, 2, i, 4, 6);
      const outA = fresh();
      const outB = fresh();
      topKCallTimingPairInto(outA, a, seedA, outB, b, seedB, comparators, 3);
      assert.deepEqual(outA, topKCallTiming(a, comparators, 3, seedA), `a = ${JSON.stringify(a)}`);
      assert.deepEqual(outB, topKCallTiming(b, comparators, 3, seedB), `b = ${JSON.stringify(b)}`);
    }
  }
});
