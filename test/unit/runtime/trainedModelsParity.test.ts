// The project's trained models (models/decoder, models/encoder: real torch.onnx.export graphs, see
// their MODEL.md) next to the fixtures: with the dense core the engine equals plain onnxruntime
// (max |logit diff| <= 1e-4) on the full sequence and through the KV cache, the past-KV export
// generates as ORT does feeding `present` back, and the fixture builders' graphs have the same
// attention op pattern as the real exporter's.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { denseAttentionCore } from '../../../src/engine/runtime/denseAttentionCore';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { ReferenceModel } from '../../../src/engine/runtime/referenceRun';
import { loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';
import { generateFixture } from '../../fixtures/generateFixture';
import { REPO_ROOT } from '../model/stories260kModel';
import { fp16Tolerance, maxDiff, TOLERANCE } from './logitDiff';
import { deriveFp16 } from '../../../src/cli/deriveFp16Command';
import { scratchDir } from '../scratchDir';

const DECODER = path.join(REPO_ROOT, 'models', 'decoder');
const ENCODER = path.join(REPO_ROOT, 'models', 'encoder');

/** "MatMul->Div->Add->Softmax->MatMul at /h.0/attn (causal)" -> "MatMul->Div->Add->Softmax->MatMul". */
function opPatterns(cores: readonly string[]): string[] {
  return [...new Set(cores.map((c) => c.split(' at ')[0]))];
}

/** The dense reference and the engine (dense core) on the same ids: both logits, sessions released. */
async function fullSequenceLogits(loaded: Awaited<ReturnType<typeof loadOnnxModel>>, d: ReturnType<typeof discoverTransformer>, ids: number[]) {
  const ref = await ReferenceModel.create(loaded.proto, d);
  const engine = await EngineSession.create(loaded, d);
  try {
    return { dense: (await ref.run(ids)).logits, engine: (await engine.runEncoder(ids, denseAttentionCore)).logits };
  } finally {
    await ref.release();
    await engine.release();
  }
}

async function openModel(file: string) {
  const loaded = await loadOnnxModel(file);
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  return { loaded, d };
}

for (const file of ['model.onnx', 'model_with_past.onnx']) {
  test(`trained decoder ${file}: a torch export with head dim 64; engine equals onnxruntime, full and KV cache`, async (t) => {
    const { loaded, d } = await openModel(path.join(DECODER, file));
    assert.equal(d.summary.family, 'gpt2');
    assert.equal(d.summary.headDim, 64);
    assert.ok(d.summary.layers >= 4);
    const tok = loadTokenizerForModel(path.join(DECODER, file), {});
    const ids = tok.encode('The jury said it did find that the city had been handled well.').ids.slice(0, 24);
    const ref = await ReferenceModel.create(loaded.proto, d);
    const engine = await EngineSession.create(loaded, d);
    try {
      const a = await ref.run(ids);
      const b = await engine.runEncoder(ids, denseAttentionCore);
      const full = maxDiff(a.logits, b.logits);
      t.diagnostic(`full-sequence max|diff| ${full.toExponential(2)}`);
      assert.ok(full <= TOLERANCE, `full-sequence max|diff| ${full}`);
      const steps = 6;
      const g1 = file === 'model.onnx' ? await ref.generateGreedy(ids, steps) : await ref.generateGreedyWithPast(ids, steps);
      const g2 = await engine.generate({ promptIds: ids, maxNewTokens: steps, core: denseAttentionCore });
      const gen = Math.max(...g1.logitsPerStep.map((r, i) => maxDiff(r, g2.logitsPerStep[i])));
      t.diagnostic(`generation (${g2.decodeMode}) max|diff| ${gen.toExponential(2)}`);
      assert.equal(g2.decodeMode, 'kv-cache');
      assert.deepEqual(g2.ids, g1.ids);
      assert.ok(gen <= TOLERANCE, `generation max|diff| ${gen}`);
    } finally {
      await ref.release();
      await engine.release();
    }
  });
}

test('trained encoder: a torch export with head dim 64; engine equals onnxruntime', async (t) => {
  const { loaded, d } = await openModel(path.join(ENCODER, 'model.onnx'));
  assert.equal(d.summary.family, 'bert');
  assert.equal(d.summary.headDim, 64);
  assert.ok(d.summary.layers >= 4);
  const tok = loadTokenizerForModel(path.join(ENCODER, 'model.onnx'), {});
  const ids = tok.encode('Subject: cheap meds online, click here to claim your prize').ids;
  const { dense, engine } = await fullSequenceLogits(loaded, d, ids);
  const diff = maxDiff(dense, engine);
  t.diagnostic(`max|diff| ${diff.toExponential(2)}`);
  assert.ok(diff <= TOLERANCE, `max|diff| ${diff}`);
});

test("the fixture builders' attention chains are the real exporter's (same op pattern as the torch exports)", async () => {
  const torchDecoder = opPatterns((await openModel(path.join(DECODER, 'model.onnx'))).d.summary.attentionCores);
  const torchEncoder = opPatterns((await openModel(path.join(ENCODER, 'model.onnx'))).d.summary.attentionCores);
  const fixtureDecoder = opPatterns((await openModel(generateFixture('gpt2', 'fp32').path)).d.summary.attentionCores);
  const fixtureEncoder = opPatterns((await openModel(generateFixture('bert', 'fp32').path)).d.summary.attentionCores);
  assert.equal(torchDecoder.length, 1, `one pattern in the torch decoder: ${torchDecoder.join(' | ')}`);
  assert.equal(torchEncoder.length, 1, `one pattern in the torch encoder: ${torchEncoder.join(' | ')}`);
  assert.deepEqual(fixtureDecoder, torchDecoder);
  assert.deepEqual(fixtureEncoder, torchEncoder);
});

for (const [model, file] of [['decoder', 'model.onnx'], ['decoder', 'model_with_past.onnx'], ['encoder', 'model.onnx']] as const) {
  test(`the fp16 variant derived from the trained ${model} (${file}) is half precision and the engine equals onnxruntime on it`, async (t) => {
    const dir = path.join(scratchDir('spatten-fp16-', t), `${model}-fp16`);
    const r = await deriveFp16(path.join(REPO_ROOT, 'models', model, file), dir);
    assert.ok(r.companions.includes('tokenizer.json'));
    const { loaded, d } = await openModel(r.onnxPath);
    assert.ok((loaded.proto.graph?.initializer ?? []).every((w) => w.dataType !== 1), 'no fp32 initializer is left');
    const tok = loadTokenizerForModel(r.onnxPath, {});
    const ids = tok.encode('Subject: the jury said it did find that the city had been handled well').ids.slice(0, 20);
    const { dense, engine } = await fullSequenceLogits(loaded, d, ids);
    const diff = maxDiff(dense, engine);
    const tol = fp16Tolerance(dense);
    t.diagnostic(`max|diff| ${diff.toExponential(2)} (tolerance ${tol.toExponential(2)})`);
    assert.ok(diff <= tol, `max|diff| ${diff}`);
  });
}
