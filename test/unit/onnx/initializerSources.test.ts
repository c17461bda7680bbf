// Initializer sources: the byte ranges the loader records are where each weight really lies (in the
// .onnx file or its external data file), a segment encoded with references carries no weight
// bytes, and the engine's outputs are bit-for-bit those of segments that carry copies.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { onnx } from 'onnx-proto';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { encodeReferencingSources, REFERENCE_MIN_BYTES } from '../../../src/engine/onnx/initializerSources';
import { loadOnnxModel, type LoadedModel } from '../../../src/engine/onnx/onnxModelLoader';
import { denseAttentionCore } from '../../../src/engine/runtime/denseAttentionCore';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { REPO_ROOT } from '../../fixtures/generateFixture';
import { generateFixture } from '../../fixtures/generateFixture';

function assertRangesHoldTheWeights(m: LoadedModel): void {
  const files = new Map<string, Buffer>();
  const initializers = m.proto.graph?.initializer ?? [];
  for (const t of initializers) {
    const r = m.initializerSources.get(t);
    assert.ok(r, `initializer '${t.name}' has no source`);
    const file = files.get(r.location) ?? fs.readFileSync(path.join(m.dir, r.location));
    files.set(r.location, file);
    assert.equal(r.length, t.rawData?.byteLength, `'${t.name}' length`);
    assert.ok(Buffer.from(t.rawData as Uint8Array).equals(file.subarray(r.offset, r.offset + r.length)), `'${t.name}': the bytes at [${r.offset}, +${r.length}) of ${r.location} are not its weights`);
  }
}

test('a trained model: every initializer is found at its offset in the .onnx file', async () => {
  const m = await loadOnnxModel(path.join(REPO_ROOT, 'models/encoder/model.onnx'));
  assert.ok(m.initializerSources.size > 50);
  assert.ok([...m.initializerSources.values()].every((r) => r.location === 'model.onnx'));
  assertRangesHoldTheWeights(m);
});

test('external data: sources keep the location and offset the model declared, after inlining', async () => {
  const fx = generateFixture('bert', 'external');
  const m = await loadOnnxModel(fx.path);
  const locations = new Set([...m.initializerSources.values()].map((r) => r.location));
  assert.ok(locations.has(`${path.basename(fx.path)}.data`), [...locations].join(', '));
  assertRangesHoldTheWeights(m);
});

test('a segment encoded with references: large weights become external references, the proto is untouched', async () => {
  const m = await loadOnnxModel(generateFixture('gpt2', 'fp32').path);
  const plain = onnx.ModelProto.encode(m.proto).finish();
  const referencing = encodeReferencingSources(m.proto, m.initializerSources);
  const decoded = onnx.ModelProto.decode(referencing);
  let referenced = 0;
  let referencedBytes = 0;
  for (const t of decoded.graph?.initializer ?? []) {
    const original = (m.proto.graph?.initializer ?? []).find((x) => x.name === t.name) as onnx.ITensorProto;
    const bytes = original.rawData?.byteLength ?? 0;
    if (bytes >= REFERENCE_MIN_BYTES) {
      referenced += 1;
      referencedBytes += bytes;
      assert.equal(t.dataLocation, onnx.TensorProto.DataLocation.EXTERNAL, String(t.name));
      assert.equal(t.rawData?.byteLength ?? 0, 0);
      const r = m.initializerSources.get(original);
      assert.deepEqual(
        Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value])),
        { location: r?.location, offset: String(r?.offset), length: String(r?.length) },
      );
    } else assert.equal(t.rawData?.byteLength ?? 0, bytes, `small tensor '${t.name}' stays inline`);
  }
  assert.ok(referenced > 0);
  // The weights' bytes are gone from the encoding; each reference costs at most its three entries.
  assert.ok(referencing.byteLength <= plain.byteLength - referencedBytes + 80 * referenced, `${referencing.byteLength} of ${plain.byteLength} bytes`);
  assert.ok(m.proto.graph?.initializer?.every((t) => t.dataLocation !== onnx.TensorProto.DataLocation.EXTERNAL), 'the loaded proto was changed');
});

for (const [kind, variant] of [['bert', 'fp32'], ['gpt2', 'fp16'], ['llama', 'external']] as const) {
  test(`${kind} ${variant}: segments reading their weights from the files give bit-for-bit the outputs of segments with copies`, async () => {
    const m = await loadOnnxModel(generateFixture(kind, variant).path);
    const d = discoverTransformer(m.proto, m.fileName);
    const copies = await EngineSession.create({ proto: m.proto }, d);
    const files = await EngineSession.create({ proto: m.proto, weights: { dir: m.dir, sources: m.initializerSources } }, d);
    try {
      const ids = [3, 17, 5, 42, 8, 11, 29, 1];
      const a = await copies.runEncoder(ids, denseAttentionCore);
      const b = await files.runEncoder(ids, denseAttentionCore);
      assert.deepEqual(b.dims, a.dims);
      assert.ok(Buffer.from(a.logits.buffer, a.logits.byteOffset, a.logits.byteLength).equals(Buffer.from(b.logits.buffer, b.logits.byteOffset, b.logits.byteLength)), 'logits differ');
    } finally {
      await copies.release();
      await files.release();
    }
  });
}
