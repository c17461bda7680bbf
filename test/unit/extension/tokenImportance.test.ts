// The facts a hover shows for a token, from a report: importance and rank at the layer that pruned
// it, and in a generation run the pass that pruned it (from the per-pass positions).
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import type { ProfileReport } from '../../../src/engine/report/profileReport';
import { prunedStep, tokenImportance } from '../../../src/extension/tokenImportance';

/** 4 tokens (3 prompt + 1 generated), 3 layers; token 1 pruned after layer 0 in the prompt pass, token 2 after layer 1 at decode step 0. */
function report(): ProfileReport {
  const counts = { tokensIn: 0, tokensKept: 0, headsKept: 1 };
  return {
    mode: 'generation',
    input: { text: 'abcd', promptTokens: 3, tokens: [0, 1, 2, 3].map((i) => ({ id: i, text: 'abcd'[i]!, start: i, end: i + 1, protected: i === 0 })) },
    tokens: {
      prunedAtLayer: [-1, 0, 1, -1],
      cumulativeImportance: [[3, 0.25, 1, 0], [4, 0.25, 1.5, 0.5], [5, 0.25, 1.5, 1]],
      rank: [[0, 2, 1, 3], [0, 2, 1, 3], [0, 3, 1, 2]],
      steps: [
        { step: -1, layers: [{ ...counts, alive: [0, 1, 2] }, { ...counts, alive: [0, 2] }, { ...counts, alive: [0, 2] }] },
        { step: 0, layers: [{ ...counts, alive: [0, 2, 3] }, { ...counts, alive: [0, 2, 3] }, { ...counts, alive: [0, 3] }] },
      ],
    },
  } as unknown as ProfileReport;
}

test('the pass that pruned a token: prompt pass (-1) or decode step k; unknown for kept tokens and without positions', () => {
  const r = report();
  assert.equal(prunedStep(r, 1, 0), -1);
  assert.equal(prunedStep(r, 2, 1), 0);
  assert.equal(prunedStep(r, 0, 2), undefined, 'never pruned');
  const noPositions = report();
  for (const s of noPositions.tokens.steps!) for (const l of s.layers) delete l.alive;
  assert.equal(prunedStep(noPositions, 1, 0), undefined);
  assert.equal(prunedStep({ ...r, mode: 'encoder' }, 1, 0), undefined, 'encoder: one pass, nothing to name');
});

test('importance and rank are read at the pruning layer (or the last layer) with the pass', () => {
  const r = report();
  assert.deepEqual(tokenImportance(r, 2), { index: 2, text: 'c', importance: 1.5, rank: 1, ranked: 4, prunedAtLayer: 1, prunedAtStep: 0, layers: 3, protected: false });
  assert.deepEqual(tokenImportance(r, 3), { index: 3, text: 'd', importance: 1, rank: 2, ranked: 4, prunedAtLayer: -1, layers: 3, protected: false });
  assert.equal(tokenImportance(r, 9), undefined);
});
