// The policy space: every candidate is a valid policy file (it resolves as `profile --policy`
// resolves it), the paper presets are points of the space (their anchors are the presets
// themselves), and moves stay on the grid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { presetPolicy, resolvePolicy } from '../../../src/engine/spatten/policy';
import { headKeepCounts, tokenKeepFractions } from '../../../src/engine/spatten/pruningSchedule';
import { seededRandom } from '../../../src/engine/seededRandom';
import { candidateKey, candidatePolicy, crossover, denseCandidate, headGrid, mutate, nearestCandidate, randomCandidate, TOKEN_KEEP_GRID } from '../../../src/engine/tune/policySpace';

const shape = { layers: 4, heads: 4 };

test('random candidates resolve as policy files', () => {
  const random = seededRandom(11);
  for (let i = 0; i < 200; i++) {
    const c = randomCandidate(shape, random);
    const p = resolvePolicy(candidatePolicy(c, shape, `c${i}`));
    assert.deepEqual(Array.from(tokenKeepFractions(p.tokenPruning.schedule, 4)), c.tokenKeep.map((k) => TOKEN_KEEP_GRID[k]));
    assert.deepEqual(Array.from(headKeepCounts(p.headPruning.schedule, 4, 4)), c.headKeep.map((k) => 4 - k));
  }
});

test('the dense candidate is the off policy', () => {
  const p = resolvePolicy(candidatePolicy(denseCandidate(shape), shape, 'dense'));
  const off = presetPolicy('off');
  assert.deepEqual({ ...p, name: 'off' }, off);
});

for (const preset of ['paper-bert', 'paper-gpt2-small'] as const) {
  test(`${preset} is a point of the space: same schedules, V keep and quantization`, () => {
    const want = presetPolicy(preset);
    const got = resolvePolicy(candidatePolicy(nearestCandidate(want, shape), shape, preset));
    const keep = (p: typeof want) => Array.from(tokenKeepFractions(p.tokenPruning.enabled ? p.tokenPruning.schedule : { kind: 'none' }, 4), (x) => Number(x.toFixed(9)));
    assert.deepEqual(keep(got), keep(want));
    assert.deepEqual(Array.from(headKeepCounts(got.headPruning.enabled ? got.headPruning.schedule : { kind: 'none' }, 4, 4)), Array.from(headKeepCounts(want.headPruning.enabled ? want.headPruning.schedule : { kind: 'none' }, 4, 4)));
    assert.deepEqual(got.localVPruning, want.localVPruning);
    const q = (p: typeof want) => ({ mode: p.quantization.mode, keyBits: p.quantization.keyBits, valueBits: p.quantization.valueBits, queryBits: p.quantization.queryBits, ...(p.quantization.mode === 'progressive' ? { threshold: p.quantization.threshold, lsb: p.quantization.keyLsbBits } : {}) });
    assert.deepEqual(q(got), q(want));
    assert.deepEqual(got.tokenPruning.protect, want.tokenPruning.protect);
  });
}

test('moves stay on the grid and keys identify candidates', () => {
  const random = seededRandom(3);
  let c = randomCandidate(shape, random);
  for (let i = 0; i < 500; i++) {
    c = i % 2 ? mutate(c, shape, random, 2) : crossover(c, randomCandidate(shape, random), random);
    assert.ok(c.tokenKeep.every((k) => k >= 0 && k < TOKEN_KEEP_GRID.length));
    assert.ok(c.headKeep.every((k) => k >= 0 && k < headGrid(4).length));
    resolvePolicy(candidatePolicy(c, shape, 'x'));
  }
  assert.equal(candidateKey(c), candidateKey(structuredClone(c)));
  assert.notEqual(candidateKey(c), candidateKey(denseCandidate(shape)));
});
