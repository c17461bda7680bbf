// Generation with the SpAtten core: K and V are quantized once, when their rows enter the cache
// (spatten/quantizedOperands.ts), and the prompt pass runs on the onnxruntime kernel. Oracles:
// the same core re-quantizing the whole cache at every step (calls without cachedKeys: the
// previous behaviour) must give the identical Trace, observations and tokens; the TypeScript
// loops for the prompt pass the same decisions, outputs within 1e-5 or float32 rounding (logitDiff.ts).
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import type { AttentionCore } from '../../../src/engine/runtime/attentionCore';
import type { SpattenAttentionCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { assertSameRecord, spattenCore, tsOnly } from './coreOracle';
import { KERNEL_MEASURED_REL, kernelOutputBound, maxDiff } from './logitDiff';

/** The TypeScript core told nothing is cached: it quantizes every alive row at every call. */
function requantizeEveryCall(core: SpattenAttentionCore): AttentionCore {
  return { run: (call) => core.run({ ...call, cachedKeys: undefined }) };
}

const POLICIES = ['paper-gpt2-small', 'paper-gpt2-medium', 'aggressive'];

async function checkGeneration(t: { diagnostic: (s: string) => void }, file: string, promptIds: number[], steps: number): Promise<void> {
  const loaded = await loadOnnxModel(file);
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  const engine = await EngineSession.create(loaded, d);
  try {
    for (const policy of POLICIES) {
      const once = spattenCore(policy, d, 'generation');
      const every = spattenCore(policy, d, 'generation');
      const a = await engine.generate({ promptIds, maxNewTokens: steps, core: tsOnly(once) });
      const b = await engine.generate({ promptIds, maxNewTokens: steps, core: requantizeEveryCall(every) });
      assert.deepEqual(a.ids, b.ids, `${policy}: tokens`);
      a.logitsPerStep.forEach((row, i) => assert.equal(maxDiff(row, b.logitsPerStep[i]), 0, `${policy}: step ${i} logits`));
      assertSameRecord(once, every, 0);
      const ortCore = spattenCore(policy, d, 'generation');
      const c = await engine.generate({ promptIds, maxNewTokens: steps, core: ortCore });
      assert.deepEqual(c.ids, a.ids, `${policy}: tokens with the prompt pass on the kernel`);
      const diff = Math.max(...a.logitsPerStep.map((row, i) => maxDiff(row, c.logitsPerStep[i])));
      t.diagnostic(`${policy} (${a.decodeMode}): kernel vs TypeScript max|logit diff| ${diff.toExponential(2)}, refetched rows ${once.trace().rows.reduce((s, r) => s + r.refetchedQueries, 0)}`);
      const bound = Math.max(...a.logitsPerStep.map((row) => kernelOutputBound(row, false)));
      assert.ok(diff <= bound, `${policy}: outputs differ by ${diff} (bound ${bound})`);
      assertSameRecord(ortCore, once, KERNEL_MEASURED_REL.float32);
    }
  } finally {
    await engine.release();
  }
}

const PROMPT = [3, 7, 11, 5, 9, 2, 4, 8, 1, 6, 10, 12];

for (const kind of ['gpt2', 'gpt2-past', 'llama', 'llama-gqa'] as const) {
  test(`generation ${kind}: K/V quantized once on append, prompt pass on the kernel, same decisions`, async (t) => {
    await checkGeneration(t, generateFixture(kind, 'fp32').path, PROMPT, 6);
  });
}

test('generation models/decoder: K/V quantized once on append, prompt pass on the kernel, same decisions', async (t) => {
  const prompt = Array.from({ length: 48 }, (_, i) => (i * 37 + 11) % 500);
  await checkGeneration(t, path.join(REPO_ROOT, 'models', 'decoder', 'model.onnx'), prompt, 12);
});
