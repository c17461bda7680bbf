// Decode steps on the onnxruntime kernel: long contexts (heads x keys >= the decode threshold)
// run there, and must make the TypeScript loops' decisions (token top-k before each layer, head
// top-k, refetches) with outputs within 1e-5 or float32 rounding (logitDiff.ts). Synthetic calls straight into the core: a 2-layer,
// 8-head (4 KV heads) model at 2048+ keys, without the cost of a 2048-token prompt pass in the oracle.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttentionCoreCall } from '../../../src/engine/runtime/attentionCore';
import { OrtAttentionKernel } from '../../../src/engine/runtime/ortAttentionKernel';
import { createSpattenCore, type SpattenCoreDims } from '../../../src/engine/spatten/spattenAttentionCore';
import { randomArray, seededRandom } from '../spatten/coreCallFixtures';
import { assertSameRecord } from './coreOracle';
import { KERNEL_MEASURED_REL, kernelOutputBound } from './logitDiff';

const H = 8;
const HKV = 4;
const D = 16;
const START = 2048;
const STEPS = 4;
const LAYERS = 2;
const DIMS: SpattenCoreDims = { layers: LAYERS, heads: H, kvHeads: HKV, headDim: D, hiddenSize: H * D, ffnSize: 4 * H * D, mode: 'generation', protectedPositions: [0] };

/** Per layer, K and V of every position [Hkv, START + STEPS, D] and queries per step. */
function decodeCalls(): AttentionCoreCall[] {
  const random = seededRandom(7);
  const total = START + STEPS;
  const calls: AttentionCoreCall[] = [];
  const kv = Array.from({ length: LAYERS }, () => ({ k: randomArray(HKV * total * D, random), v: randomArray(HKV * total * D, random) }));
  for (let step = 0; step < STEPS; step++) {
    const Lk = START + step + 1;
    for (let layer = 0; layer < LAYERS; layer++) {
      const k = new Float32Array(HKV * Lk * D);
      const v = new Float32Array(HKV * Lk * D);
      for (let g = 0; g < HKV; g++) {
        k.set(kv[layer].k.subarray(g * total * D, (g * total + Lk) * D), g * Lk * D);
        v.set(kv[layer].v.subarray(g * total * D, (g * total + Lk) * D), g * Lk * D);
      }
      calls.push({
        layer,
        step,
        shape: { heads: H, kvHeads: HKV, headDim: D, queryLen: 1, keyLen: Lk },
        q: randomArray(H * D, random),
        k,
        v,
        scale: 1 / Math.sqrt(D),
        mask: null,
        causal: true,
        queryPositions: Int32Array.of(Lk - 1),
        cachedKeys: step === 0 ? 0 : Lk - 1,
      });
    }
  }
  return calls;
}

const POLICIES: Record<string, unknown>[] = [
  { extends: 'paper-gpt2-small', name: 'gpt2-small-no-local-v', localVPruning: { enabled: false } },
  { extends: 'aggressive', name: 'aggressive-no-local-v', localVPruning: { enabled: false } },
  { extends: 'paper-bert', name: 'static-with-heads' },
  // Local V pruning on the kernel: float64 probabilities out, the per-row top-k here.
  { extends: 'paper-gpt2-small', name: 'gpt2-small' },
  { extends: 'aggressive', name: 'aggressive' },
];

for (const policy of POLICIES) {
  test(`decode steps on the ORT kernel, ${String(policy.name)}: the TypeScript loops' decisions, outputs within 1e-5 or float32 rounding`, async (t) => {
    const kernel = new OrtAttentionKernel();
    try {
      const viaKernel = createSpattenCore(policy, DIMS);
      const oracle = createSpattenCore(policy, DIMS);
      let worst = 0;
      let bound = 0;
      for (const call of decodeCalls()) {
        const a = await viaKernel.runWithKernel(call, kernel);
        const b = oracle.run(call);
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        bound = Math.max(bound, kernelOutputBound(b, false));
      }
      assert.ok(kernel.runMs > 0, 'the kernel ran');
      const rows = oracle.trace().rows;
      t.diagnostic(`max|out diff| ${worst.toExponential(2)}, refetched ${rows.reduce((s, r) => s + r.refetchedQueries, 0)} of ${rows.reduce((s, r) => s + r.queries, 0)} rows, last step kept ${oracle.observations().keptTokensByLayer.at(-1)?.length} tokens`);
      assert.ok(worst <= bound, `outputs differ by ${worst} (bound ${bound})`);
      assertSameRecord(viaKernel, oracle, KERNEL_MEASURED_REL.float32);
    } finally {
      await kernel.release();
    }
  });
}
