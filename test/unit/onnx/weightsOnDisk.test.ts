// A loaded model holds no view of the model file's buffer (the loader gives that memory back): the
// proto encodes to exactly the bytes of a plain decode of the file, big weights are read from disk
// when asked for, small tensors and Constant attributes are copies, and a weight whose file changed
// since the load is an error that names the file, never silently empty bytes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { onnx } from 'onnx-proto';
import { REFERENCE_MIN_BYTES } from '../../../src/engine/onnx/initializerSources';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { scratchDir } from '../scratchDir';

/** Byte-for-byte equality of the loaded proto and a decode that keeps its views of the file. */
async function assertSameAsPlainDecode(file: string): Promise<void> {
  const m = await loadOnnxModel(file);
  const plain = onnx.ModelProto.decode(fs.readFileSync(file));
  const a = onnx.ModelProto.encode(m.proto).finish();
  const b = onnx.ModelProto.encode(plain).finish();
  assert.equal(a.byteLength, b.byteLength, 'encoded size');
  assert.ok(Buffer.from(a).equals(Buffer.from(b)), 'the loaded proto encodes to the same bytes as the file decoded as is');
}

test('a trained model and fixtures with Constant nodes: nothing lost when the file buffer is released', async () => {
  await assertSameAsPlainDecode(path.join(REPO_ROOT, 'models/encoder/model.onnx'));
  await assertSameAsPlainDecode(generateFixture('gpt2', 'fp32').path);
  await assertSameAsPlainDecode(generateFixture('llama', 'int8').path);
});

test('big weights are read from their range on disk; small ones are copies', async () => {
  const m = await loadOnnxModel(path.join(REPO_ROOT, 'models/encoder/model.onnx'));
  const file = fs.readFileSync(path.join(m.dir, m.fileName));
  let big = 0;
  let small = 0;
  for (const t of m.proto.graph?.initializer ?? []) {
    const r = m.initializerSources.get(t);
    assert.ok(r);
    const raw = t.rawData as Uint8Array;
    assert.ok(Buffer.from(raw).equals(file.subarray(r.offset, r.offset + r.length)), `'${t.name}'`);
    // A read on demand is a fresh array each time; a copy is the same array.
    if (r.length >= REFERENCE_MIN_BYTES) {
      assert.notEqual(t.rawData, raw, `'${t.name}' (${r.length} B) is read on demand`);
      big++;
    } else {
      assert.equal(t.rawData, raw, `'${t.name}' (${r.length} B) is held`);
      assert.equal(raw.buffer.byteLength, raw.byteLength, `'${t.name}' is a copy, not a view of a larger buffer`);
      small++;
    }
  }
  assert.ok(big > 10 && small > 10, `${big} big, ${small} small`);
});

test('assigning a weight replaces the read on demand (the fp16 derivation rewrites rawData)', async () => {
  const m = await loadOnnxModel(generateFixture('bert', 'fp32').path);
  const t = (m.proto.graph?.initializer ?? []).find((x) => (m.initializerSources.get(x)?.length ?? 0) >= REFERENCE_MIN_BYTES);
  assert.ok(t);
  const mine = new Uint8Array([1, 2, 3, 4]);
  t.rawData = mine;
  assert.equal(t.rawData, mine);
});

test('a weight whose file was truncated after the load: an error naming the file', async (tc) => {
  const dir = scratchDir('weights-on-disk-', tc);
  const file = path.join(dir, 'model.onnx');
  fs.copyFileSync(generateFixture('bert', 'fp32').path, file);
  const m = await loadOnnxModel(file);
  const t = (m.proto.graph?.initializer ?? []).find((x) => (m.initializerSources.get(x)?.length ?? 0) >= REFERENCE_MIN_BYTES);
  assert.ok(t);
  fs.truncateSync(file, 100);
  assert.throws(
    () => t.rawData,
    (e: Error) => e.message.includes(file) && /could not be read again/.test(e.message),
  );
});
