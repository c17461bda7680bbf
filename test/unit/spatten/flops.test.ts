import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fcFlopsPerToken, pvFlops, qkFlops } from '../../../src/engine/spatten/flops';

test('GPT-2-small FC work per token: 2 x (4 x 768^2 + 2 x 768 x 3072) FLOPs', () => {
  const dims = { hiddenSize: 768, ffnSize: 3072, heads: 12, kvHeads: 12, headDim: 64 };
  assert.equal(fcFlopsPerToken(dims, 12, 12), 2 * (4 * 768 * 768 + 2 * 768 * 3072));
  // Pruning 3 of 12 heads removes their Q, K, V and output projections: 3 x 4 x 2 x 768 x 64.
  assert.equal(fcFlopsPerToken(dims, 12, 12) - fcFlopsPerToken(dims, 9, 9), 3 * 4 * 2 * 768 * 64);
  // Llama's gated FFN has three matrices.
  assert.equal(fcFlopsPerToken({ ...dims, ffnMatrices: 3 }, 12, 12) - fcFlopsPerToken(dims, 12, 12), 2 * 768 * 3072);
  assert.equal(qkFlops(64, 100), 12800);
  assert.equal(pvFlops(64, 20), 2560);
});
