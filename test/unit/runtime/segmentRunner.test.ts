// The segment runner's memory: a pass releases each layer's tensors once nothing later reads them,
// and keeps K, V and contexts only when decode or prefix steps may follow; neither changes a result.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { denseAttentionCore } from '../../../src/engine/runtime/denseAttentionCore';
import { buildFeeds, classifyInputs } from '../../../src/engine/runtime/modelInputs';
import { coreReads, planSegments } from '../../../src/engine/runtime/segmentPlan';
import { newPassState, SegmentRunner } from '../../../src/engine/runtime/segmentRunner';
import { generateFixture } from '../../fixtures/generateFixture';

for (const kind of ['bert', 'gpt2'] as const) {
  test(`${kind}: a pass drops every core's reads but the last stage's and keeps K/V only when steps follow, with the same outputs`, async () => {
    const loaded = await loadOnnxModel(generateFixture(kind, 'fp32').path);
    const d = discoverTransformer(loaded.proto, loaded.fileName);
    const plan = planSegments(loaded.proto, d.graph, d.cores, { withMasks: true });
    const runner = await SegmentRunner.create(plan, {});
    try {
      const L = 9;
      const positions = Int32Array.from({ length: L }, (_, i) => i);
      const feeds = () => buildFeeds(classifyInputs(d.graph), { ids: Array.from({ length: L }, (_, i) => 3 + i), positions: [...positions] });
      const encoder = newPassState(d.cores.length, false);
      const dropped = await runner.run(d.cores, feeds(), positions, 'full', -1, denseAttentionCore, encoder);
      const decoder = newPassState(d.cores.length, true);
      const kept = await runner.run(d.cores, feeds(), positions, 'full', -1, denseAttentionCore, decoder);

      assert.ok(plan.finalOutputs.length > 0);
      for (const name of plan.finalOutputs) {
        const a = dropped.get(name);
        const b = kept.get(name);
        assert.ok(a && b, `output ${name} is in the store`);
        assert.deepEqual(Array.from(a.data as Float32Array), Array.from(b.data as Float32Array), `output ${name} does not depend on keeping K/V (parity.test.ts pins the outputs against onnxruntime)`);
      }
      // Every tensor a core before the last one reads is gone (unless the model outputs it or the
      // last stage reads it too); the last core's own reads may remain.
      const lastStage = new Set([...coreReads(d.cores[d.cores.length - 1], true), ...(plan.segments.at(-1)?.inputs ?? []), ...plan.finalOutputs]);
      const early = d.cores.slice(0, -1).flatMap((c) => coreReads(c, true)).filter((n) => !lastStage.has(n));
      assert.ok(early.length > 0, 'the fixture has per-layer tensors to drop');
      for (const name of early) assert.equal(dropped.has(name), false, `'${name}' was dropped`);

      assert.ok(encoder.kv.every((c) => c === null), 'an encoder pass keeps no KV cache');
      assert.ok(encoder.contexts.every((c) => Array.isArray(c) && c.length === 0), 'nor contexts');
      assert.ok(decoder.kv.every((c) => c !== null && c.length === L), 'a pass that steps may follow keeps every layer\'s K/V');
    } finally {
      await runner.release();
    }
  });
}
