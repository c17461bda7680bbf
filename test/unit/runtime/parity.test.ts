// The invariant: with the dense core, the engine's outputs equal a plain onnxruntime run of the
// unmodified model (max |diff| of logits <= 1e-4), for every fixture family/variant and for the
// converted stories260K, on the full-sequence path and the KV-cache generation path.

import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { denseAttentionCore } from '../../../src/engine/runtime/denseAttentionCore';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { ReferenceModel } from '../../../src/engine/runtime/referenceRun';
import { loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';
import { CI_FIXTURES, generateFixture } from '../../fixtures/generateFixture';
import { convertStories260K, KNOWN_CONTINUATION, ONCE_UPON_A_TIME } from '../model/stories260kModel';
import { fp16Tolerance, maxDiff, TOLERANCE } from './logitDiff';

const IDS = [3, 7, 11, 5, 9, 2, 4, 8];

for (const f of CI_FIXTURES) {
  test(`parity ${f.kind}/${f.variant}: engine with dense core equals plain onnxruntime`, async (t) => {
    const fx = generateFixture(f.kind, f.variant);
    const loaded = await loadOnnxModel(fx.path);
    const d = discoverTransformer(loaded.proto, loaded.fileName);
    const ref = await ReferenceModel.create(loaded.proto, d);
    const engine = await EngineSession.create(loaded, d);
    try {
      const a = await ref.run(IDS);
      const b = await engine.runEncoder(IDS, denseAttentionCore);
      assert.deepEqual(b.dims, a.dims);
      const tol = f.variant === 'fp16' ? fp16Tolerance(a.logits) : TOLERANCE;
      const full = maxDiff(a.logits, b.logits);
      t.diagnostic(`full-sequence max|diff| ${full.toExponential(2)} (tolerance ${tol.toExponential(2)})`);
      assert.ok(full <= tol, `full-sequence max|diff| ${full}`);
      if (!fx.config.causal) return;
      const steps = 5;
      const g1 = await ref.generateGreedy(IDS, steps);
      const g2 = await engine.generate({ promptIds: IDS, maxNewTokens: steps, core: denseAttentionCore });
      const gen = Math.max(...g1.logitsPerStep.map((r, i) => maxDiff(r, g2.logitsPerStep[i])));
      t.diagnostic(`generation (${g2.decodeMode}) max|diff| ${gen.toExponential(2)}`);
      if (f.variant === 'int8') {
        // Dynamic quantization scales each MatMul input by its max over all tokens of the pass,
        // so a cached one-token step cannot equal a full re-run (see the with-past test below).
        assert.equal(g2.decodeMode, 'kv-cache');
        assert.match(engine.decodeMode?.reason ?? '', /dynamic quantization/);
        assert.ok(maxDiff(g1.logitsPerStep[0], g2.logitsPerStep[0]) <= TOLERANCE, 'the prompt pass is a full pass');
        return;
      }
      assert.deepEqual(g2.ids, g1.ids);
      assert.equal(g2.decodeMode, 'kv-cache');
      assert.ok(gen <= tol, `generation max|diff| ${gen}`);
    } finally {
      await ref.release();
      await engine.release();
    }
  });
}

for (const variant of ['fp32', 'int8'] as const) {
  test(`parity llama-past/${variant}: engine KV cache equals onnxruntime feeding present back as past`, async (t) => {
    const fx = generateFixture('llama-past', variant);
    const loaded = await loadOnnxModel(fx.path);
    const d = discoverTransformer(loaded.proto, loaded.fileName);
    const ref = await ReferenceModel.create(loaded.proto, d);
    const engine = await EngineSession.create(loaded, d);
    try {
      const g1 = await ref.generateGreedyWithPast(IDS, 6);
      const g2 = await engine.generate({ promptIds: IDS, maxNewTokens: 6, core: denseAttentionCore });
      const gen = Math.max(...g1.logitsPerStep.map((r, i) => maxDiff(r, g2.logitsPerStep[i])));
      t.diagnostic(`generation vs ORT with past max|diff| ${gen.toExponential(2)}`);
      assert.equal(g2.decodeMode, 'kv-cache');
      assert.deepEqual(g2.ids, g1.ids);
      assert.ok(gen <= TOLERANCE, `max|diff| ${gen}`);
    } finally {
      await ref.release();
      await engine.release();
    }
  });
}

test('parity stories260K: full sequence, KV-cache generation of the known-good text, teacher-forced scoring', async (t) => {
  const r = await convertStories260K();
  const loaded = await loadOnnxModel(r.onnxPath);
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  const ref = await ReferenceModel.create(loaded.proto, d);
  const engine = await EngineSession.create(loaded, d);
  const tok = loadTokenizerForModel(r.onnxPath, { vocabSize: 512 });
  try {
    const a = await ref.run(ONCE_UPON_A_TIME);
    const b = await engine.runEncoder(ONCE_UPON_A_TIME, denseAttentionCore);
    const full = maxDiff(a.logits, b.logits);
    t.diagnostic(`full-sequence max|diff| ${full.toExponential(2)}`);
    assert.ok(full <= TOLERANCE);

    const steps = 30;
    const g1 = await ref.generateGreedy(ONCE_UPON_A_TIME, steps);
    const g2 = await engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: steps, core: denseAttentionCore });
    assert.equal(g2.decodeMode, 'kv-cache');
    const gen = Math.max(...g1.logitsPerStep.map((row, i) => maxDiff(row, g2.logitsPerStep[i])));
    t.diagnostic(`KV-cache generation max|diff| ${gen.toExponential(2)} over ${steps} steps`);
    assert.ok(gen <= TOLERANCE);
    assert.deepEqual(g2.ids, g1.ids);
    assert.ok(KNOWN_CONTINUATION.startsWith(tok.decode(g2.ids)), tok.decode(g2.ids));

    // Teacher-forced scoring through the cache equals the full pass's log-probabilities.
    const text = [...ONCE_UPON_A_TIME, ...g1.ids.slice(0, 10)];
    const scored = await engine.score({ ids: text, core: denseAttentionCore });
    const whole = await ref.run(text);
    const V = 512;
    let lp = 0;
    for (let i = 0; i < text.length; i++) lp = Math.max(lp, maxDiff(scored.logits[i], whole.logits.subarray(i * V, (i + 1) * V)));
    t.diagnostic(`teacher-forced scoring max|diff| ${lp.toExponential(2)}`);
    assert.ok(lp <= TOLERANCE);
    assert.equal(scored.tokenLogProbs.length, text.length - 1);
    assert.ok(scored.tokenLogProbs.every((x) => x <= 0 && Number.isFinite(x)));
  } finally {
    await ref.release();
    await engine.release();
  }
});
