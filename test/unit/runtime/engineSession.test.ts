import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import { onnx } from 'onnx-proto';
import { CancelledError, InputError } from '../../../src/engine/errors';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import type { AttentionCore, AttentionCoreCall } from '../../../src/engine/runtime/attentionCore';
import { computeDenseAttention, denseAttentionCore } from '../../../src/engine/runtime/denseAttentionCore';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { ReferenceModel } from '../../../src/engine/runtime/referenceRun';
import { generateFixture } from '../../fixtures/generateFixture';
import { convertStories260K, ONCE_UPON_A_TIME } from '../model/stories260kModel';
import { tinyAttentionModel } from '../model/tinyAttentionGraph';

interface Seen {
  layer: number;
  step: number;
  queryLen: number;
  keyLen: number;
  heads: number;
  kvHeads: number;
  causal: boolean;
  positions: number[];
}

function recordingCore(seen: Seen[]): AttentionCore {
  return {
    run(call: AttentionCoreCall) {
      const s = call.shape;
      seen.push({ layer: call.layer, step: call.step, queryLen: s.queryLen, keyLen: s.keyLen, heads: s.heads, kvHeads: s.kvHeads, causal: call.causal, positions: [...call.queryPositions] });
      return computeDenseAttention(call);
    },
  };
}

async function stories(): Promise<{ engine: EngineSession; proto: onnx.ModelProto }> {
  const r = await convertStories260K();
  const proto = onnx.ModelProto.decode(fs.readFileSync(r.onnxPath));
  return { engine: await EngineSession.create({ proto, fileName: 'stories260K.onnx' }, discoverTransformer(proto)), proto };
}

test('dense core golden case: 1 head, D 1, causal, hand-computed', () => {
  // q = [1, 2], k = [0, 1], v = [10, 20], scale 1. Row 0 sees key 0 only -> 10.
  // Row 1: scores [0, 2] -> p = [1, e^2] / (1 + e^2) -> 10 p0 + 20 p1.
  const ctx = computeDenseAttention({
    layer: 0,
    step: -1,
    shape: { heads: 1, kvHeads: 1, headDim: 1, queryLen: 2, keyLen: 2 },
    q: Float32Array.of(1, 2),
    k: Float32Array.of(0, 1),
    v: Float32Array.of(10, 20),
    scale: 1,
    mask: null,
    causal: true,
    queryPositions: Int32Array.of(0, 1),
  });
  const e2 = Math.exp(2);
  assert.ok(Math.abs(ctx[0] - 10) < 1e-6);
  assert.ok(Math.abs(ctx[1] - (10 + 20 * e2) / (1 + e2)) < 1e-5);
  // An additive mask hiding key 1 from row 1 gives 10 again; GQA: head 1 reads KV head 0.
  const masked = computeDenseAttention({
    layer: 0,
    step: -1,
    shape: { heads: 2, kvHeads: 1, headDim: 1, queryLen: 2, keyLen: 2 },
    q: Float32Array.of(1, 2, 1, 2),
    k: Float32Array.of(0, 1),
    v: Float32Array.of(10, 20),
    scale: 1,
    mask: Float32Array.of(0, -1e9, 0, -1e9),
    causal: false,
    queryPositions: Int32Array.of(0, 1),
  });
  assert.deepEqual([...masked], [10, 10, 10, 10]);
});

test('dense core: blocked rows equal a naive per-row softmax (causal, mask, GQA, Lq not a multiple of 4)', () => {
  const H = 4;
  const Hkv = 2;
  const D = 3;
  const Lk = 9;
  for (const Lq of [1, 6, 9]) {
    const rnd = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 2);
    const q = rnd(H * Lq * D, 1);
    const k = rnd(Hkv * Lk * D, 2);
    const v = rnd(Hkv * Lk * D, 3);
    const mask = Float32Array.from({ length: Lq * Lk }, (_, i) => (i % 5 === 1 ? -1e9 : (i % 3) * 0.1));
    const positions = Int32Array.from({ length: Lq }, (_, i) => Lk - Lq + i);
    const got = computeDenseAttention({ layer: 0, step: -1, shape: { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk }, q, k, v, scale: 0.7, mask, causal: true, queryPositions: positions });
    for (let h = 0; h < H; h++) {
      const kh = Math.floor((h * Hkv) / H);
      for (let i = 0; i < Lq; i++) {
        const w: number[] = [];
        for (let j = 0; j <= positions[i]; j++) {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[(h * Lq + i) * D + d] * k[(kh * Lk + j) * D + d];
          w.push(Math.exp(dot * 0.7 + mask[i * Lk + j]));
        }
        const sum = w.reduce((a, b) => a + b, 0);
        for (let d = 0; d < D; d++) {
          let want = 0;
          w.forEach((x, j) => (want += (x / sum) * v[(kh * Lk + j) * D + d]));
          assert.ok(Math.abs(got[(h * Lq + i) * D + d] - want) < 1e-5, `Lq ${Lq} h ${h} i ${i} d ${d}`);
        }
      }
    }
  }
});

test('the core receives every layer of the prompt pass (step -1) then one query per decode step with the cache', async () => {
  const { engine } = await stories();
  const seen: Seen[] = [];
  const steps: number[] = [];
  const out = await engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: 3, core: recordingCore(seen), onStep: (s) => steps.push(s.step) });
  assert.equal(out.ids.length, 3);
  assert.deepEqual(steps, [-1, 0, 1]);
  const P = ONCE_UPON_A_TIME.length;
  const expect: Seen[] = [];
  for (const [step, q, k] of [[-1, P, P], [0, 1, P + 1], [1, 1, P + 2]]) {
    for (let layer = 0; layer < 5; layer++) {
      expect.push({ layer, step, queryLen: q, keyLen: k, heads: 8, kvHeads: 4, causal: true, positions: step < 0 ? [0, 1, 2, 3, 4] : [k - 1] });
    }
  }
  assert.deepEqual(seen, expect);
  assert.deepEqual(engine.summary().heads, 8);
  await engine.release();
});

test('cancellation: an aborted signal stops generation with CancelledError', async () => {
  const { engine } = await stories();
  const ac = new AbortController();
  await assert.rejects(
    engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: 20, core: denseAttentionCore, signal: ac.signal, onStep: (s) => s.step === 1 && ac.abort() }),
    (e: unknown) => e instanceof CancelledError,
  );
  const pre = new AbortController();
  pre.abort();
  await assert.rejects(engine.runEncoder(ONCE_UPON_A_TIME, denseAttentionCore, pre.signal), CancelledError);
  await engine.release();
});

test('seeded sampling repeats exactly; stop ids end generation', async () => {
  const { engine } = await stories();
  const run = () => engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: 8, core: denseAttentionCore, sampling: { temperature: 1, topK: 20, seed: 42 } });
  const a = await run();
  const b = await run();
  assert.deepEqual(a.ids, b.ids);
  const greedy = await engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: 8, core: denseAttentionCore });
  const stop = await engine.generate({ promptIds: ONCE_UPON_A_TIME, maxNewTokens: 8, core: denseAttentionCore, stopIds: [greedy.ids[2]] });
  assert.deepEqual(stop.ids, greedy.ids.slice(0, 3));
  await engine.release();
});

test('positions computed from the sequence length: detected, decode steps re-run the prefix, parity holds', async () => {
  const proto = tinyAttentionModel({ tokens: true, rangePositions: true, mask: 'trilu' });
  const d = discoverTransformer(proto, 'range.onnx');
  const engine = await EngineSession.create({ proto, fileName: 'range.onnx' }, d);
  const ref = await ReferenceModel.create(proto, d);
  const seen: Seen[] = [];
  const g2 = await engine.generate({ promptIds: [1, 2, 3], maxNewTokens: 4, core: recordingCore(seen) });
  const g1 = await ref.generateGreedy([1, 2, 3], 4);
  assert.equal(g2.decodeMode, 'full-prefix');
  assert.match(engine.warnings.join('\n'), /derives positions or masks from the sequence length/);
  let m = 0;
  g1.logitsPerStep.forEach((r, i) => r.forEach((x, j) => (m = Math.max(m, Math.abs(x - g2.logitsPerStep[i][j])))));
  assert.ok(m <= 1e-4, `max|diff| ${m}`);
  // Same calls as with a cache: one query row per decode step.
  assert.deepEqual(seen.map((s) => [s.step, s.queryLen, s.keyLen]), [[-1, 3, 3], [0, 1, 4], [1, 1, 5], [2, 1, 6]]);
  await engine.release();
  await ref.release();
});

test('generation on a bidirectional model is refused; synthetic inputs for a graph without tokens', async () => {
  const bert = generateFixture('bert', 'fp32');
  const engine = await EngineSession.create({ proto: bert.proto }, discoverTransformer(bert.proto, 'bert.onnx'));
  await assert.rejects(engine.generate({ promptIds: [1, 2], maxNewTokens: 2, core: denseAttentionCore }), (e: unknown) => e instanceof InputError && /bidirectional/.test(e.message));
  await engine.release();

  // x [1, sequence, 8] float: seeded values, same seed in both runs.
  const proto = tinyAttentionModel({ mask: 'none' });
  const d = discoverTransformer(proto);
  const s = await EngineSession.create({ proto }, d, { seed: 5, sequenceLength: 6 });
  const ref = await ReferenceModel.create(proto, d, { seed: 5, sequenceLength: 6 });
  const a = await s.runEncoder(null, denseAttentionCore);
  const b = await ref.run(null);
  assert.deepEqual(a.dims, [1, 6, 8]);
  let m = 0;
  a.logits.forEach((x, i) => (m = Math.max(m, Math.abs(x - b.logits[i]))));
  assert.ok(m <= 1e-5);
  await s.release();
  await ref.release();
});

test('reference with attention probabilities: rows sum to 1 and the causal future is zero', async () => {
  const { proto } = await stories();
  const d = discoverTransformer(proto);
  const ref = await ReferenceModel.create(proto, d, { withProbabilities: true });
  const r = await ref.runWithProbabilities(ONCE_UPON_A_TIME);
  assert.equal(r.probabilities.length, 5);
  const L = ONCE_UPON_A_TIME.length;
  for (const p of r.probabilities) {
    assert.ok(p && p.length === 8 * L * L);
    for (let row = 0; row < 8 * L; row++) {
      const i = row % L;
      let sum = 0;
      for (let j = 0; j < L; j++) {
        sum += p[row * L + j];
        if (j > i) assert.equal(p[row * L + j], 0);
      }
      assert.ok(Math.abs(sum - 1) < 1e-5);
    }
  }
  await ref.release();
});

test('geometry discovery cannot read statically is measured when the session is created', async () => {
  const proto = tinyAttentionModel({ tokens: true, dynamicHeads: true, mask: 'trilu' });
  const d = discoverTransformer(proto);
  assert.deepEqual([d.cores[0].heads, d.summary.headDim], [0, 0]);
  const engine = await EngineSession.create({ proto }, d);
  const measured = engine.discovered;
  assert.deepEqual([measured.cores[0].heads, measured.cores[0].kvHeads, measured.cores[0].headDim], [2, 2, 4]);
  assert.deepEqual([measured.summary.heads, measured.summary.headDim, measured.summary.hiddenSize], [2, 4, 8]);
  // The caller's discovery is not completed in place: the session's copy is the measured one.
  assert.deepEqual([d.cores[0].heads, d.summary.headDim], [0, 0]);
  await engine.release();
});

test('running past the model position table is an InputError from onnxruntime, not a crash', async () => {
  const fx = generateFixture('gpt2', 'fp32');
  const d = discoverTransformer(fx.proto, 'gpt2.onnx');
  const engine = await EngineSession.create({ proto: fx.proto }, d);
  const tooLong = Array.from({ length: fx.config.maxPositions + 4 }, (_, i) => 1 + (i % 50));
  await assert.rejects(engine.runEncoder(tooLong, denseAttentionCore), (e: unknown) => e instanceof InputError && /onnxruntime failed/.test(e.message));
  await engine.release();
});
