// The attention-bias field of a core call (AttentionCoreCall.bias, [H, Lq, Lk], added to the scaled
// scores with the mask): ALiBi-style position biases are applied the same way by the TypeScript
// loops, the onnxruntime kernel and the dense reference core.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import type { AttentionCoreCall } from '../../../src/engine/runtime/attentionCore';
import { computeDenseAttention } from '../../../src/engine/runtime/denseAttentionCore';
import { OrtAttentionKernel } from '../../../src/engine/runtime/ortAttentionKernel';
import { seededRandom } from '../../../src/engine/seededRandom';
import { createSpattenCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { makeCall } from './coreCallFixtures';
import { assertClose } from './handCases';

const H = 2;

/** ALiBi (Press et al. 2022): head h of H gets slope 2^(-8 (h + 1) / H), bias -slope * |i - j|. */
function alibiBias(L: number): Float32Array {
  const bias = new Float32Array(H * L * L);
  for (let h = 0; h < H; h++) {
    const slope = 2 ** ((-8 * (h + 1)) / H);
    for (let i = 0; i < L; i++) for (let j = 0; j < L; j++) bias[(h * L + i) * L + j] = -slope * Math.abs(i - j);
  }
  return bias;
}

function core(D: number) {
  return createSpattenCore('off', { layers: 1, heads: H, kvHeads: H, headDim: D, hiddenSize: H * D, ffnSize: 0, mode: 'encoder', protectedPositions: [] });
}

/** Context of the call through the TypeScript loops, the ORT kernel and the dense core. */
async function threeWays(call: AttentionCoreCall, D: number): Promise<{ loops: Float32Array; kernel: Float32Array; dense: Float32Array }> {
  const k = new OrtAttentionKernel();
  try {
    const loops = core(D).run(call);
    const before = k.runMs;
    const kernel = await core(D).runWithKernel(call, k);
    assert.ok(k.runMs > before, 'the ORT kernel ran');
    return { loops, kernel, dense: computeDenseAttention(call) };
  } finally {
    await k.release();
  }
}

test('ALiBi on a 2-head toy: Q = 0 leaves softmax(bias) per row, V = identity reads it out (hand-checked)', async () => {
  const L = 3;
  const D = 3;
  // V rows are the unit vectors, so context[h, i, :] = probabilities of row i of head h.
  const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const call = { ...makeCall({ layer: 0, step: -1, heads: H, kvHeads: H, headDim: D, q: new Array(H * L * D).fill(0), k: Array.from({ length: H * L * D }, (_, i) => (i % 5) - 2), v: [...identity, ...identity], queryPositions: [0, 1, 2], keyLen: L }), bias: alibiBias(L) };
  // Head 0, slope 1/16: row 0 = [1, e^-1/16, e^-2/16] / sum, row 1 = [e^-1/16, 1, e^-1/16] / sum.
  // Head 1, slope 1/256: row 0 = [1, e^-1/256, e^-2/256] / sum.
  const expected = [
    [0.35436991692218484, 0.3328997290248266, 0.3127303540529885],
    [0.32631809696700254, 0.34736380606599493, 0.32631809696700254],
    [0.3127303540529885, 0.3328997290248266, 0.35436991692218484],
    [0.3346362610625782, 0.3333316379187939, 0.33203210101862796],
    [0.33289902335391625, 0.33420195329216745, 0.33289902335391625],
    [0.33203210101862796, 0.3333316379187939, 0.3346362610625782],
  ].flat();
  const { loops, kernel, dense } = await threeWays(call, D);
  assertClose(loops, expected, 1e-7, 'TypeScript loops');
  assertClose(kernel, expected, 1e-7, 'ORT kernel');
  assertClose(dense, expected, 1e-7, 'dense core');
});

test('ALiBi with real scores, a padding mask and causal rows: loops, ORT kernel and dense core agree; the bias changes the result', async () => {
  const L = 6;
  const D = 4;
  const rnd = seededRandom(7);
  const vals = (n: number) => Array.from({ length: n }, () => rnd() * 2 - 1);
  const mask = new Float32Array(L * L);
  for (let i = 0; i < L; i++) mask[i * L + 4] = -10000; // key 4 is padding
  const base = makeCall({ layer: 0, step: -1, heads: H, kvHeads: H, headDim: D, q: vals(H * L * D), k: vals(H * L * D), v: vals(H * L * D), queryPositions: [0, 1, 2, 3, 4, 5], keyLen: L, causal: true, mask, scale: 0.5 });
  const withBias = await threeWays({ ...base, bias: alibiBias(L) }, D);
  assertClose(withBias.kernel, Array.from(withBias.loops), 1e-6, 'ORT kernel vs loops');
  assertClose(withBias.dense, Array.from(withBias.loops), 1e-6, 'dense core vs loops');
  const without = await threeWays(base, D);
  const moved = Math.max(...Array.from(withBias.loops, (x, i) => Math.abs(x - without.loops[i])));
  assert.ok(moved > 1e-3, `the bias moved the context by ${moved}`);
});

test('a bias of the wrong size is refused with the layout it should have', () => {
  const call = { ...makeCall({ layer: 0, step: -1, heads: H, kvHeads: H, headDim: 1, q: [1, 1], k: [1, 1], v: [1, 1], queryPositions: [0], keyLen: 1 }), bias: new Float32Array(3) };
  assert.throws(() => core(1).run(call), (e: unknown) => e instanceof InputError && /bias has 3 elements, expected 2 \(\[H, Lq, Lk\]\)/.test(e.message));
});
