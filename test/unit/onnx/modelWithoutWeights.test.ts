// The model read without its large weights' bytes: with those bytes read back from their ranges it
// encodes to exactly what decoding the whole file gives, on fixtures of every family and on both
// trained models; an unusual or damaged layout is handed back (null) for the whole file's decoder
// to judge, and the loader's messages for damaged large files are the same as before.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { onnx } from 'onnx-proto';
import { readModelWithoutWeights, type ModelWithoutWeights } from '../../../src/engine/onnx/modelWithoutWeights';
import { decodeWithoutWeights, loadOnnxModel, READ_WITHOUT_WEIGHTS_MIN_BYTES } from '../../../src/engine/onnx/onnxModelLoader';
import type { InitializerSources } from '../../../src/engine/onnx/initializerSources';
import { detachFromBuffer } from '../../../src/engine/onnx/weightsOnDisk';
import { seededRandom } from '../../../src/engine/seededRandom';
import { generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { scratchDir } from '../scratchDir';

function withoutWeights(file: string, minSkip: number) {
  const fd = fs.openSync(file, 'r');
  try {
    return readModelWithoutWeights(fd, fs.fstatSync(fd).size, minSkip);
  } finally {
    fs.closeSync(fd);
  }
}

/** Detached as the loader does: raw_data of at least minSkip read back from its range in the file. */
function readBack(proto: onnx.ModelProto, read: ModelWithoutWeights, minSkip: number, file: string): void {
  const onDisk: InitializerSources = new Map();
  const inits = proto.graph?.initializer ?? [];
  for (const r of read.rawData) if (r.length >= minSkip && inits[r.initializer]) onDisk.set(inits[r.initializer], { location: path.basename(file), offset: r.offset, length: r.length });
  detachFromBuffer(proto, read.bytes, onDisk, path.dirname(file));
}

function encodeWhole(file: string): Buffer {
  return Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.decode(fs.readFileSync(file))).finish());
}

const files = () => [
  generateFixture('bert', 'fp32').path,
  generateFixture('gpt2', 'fp32').path,
  generateFixture('llama', 'int8').path,
  generateFixture('bert-fused', 'fp32').path,
  path.join(REPO_ROOT, 'models/encoder/model.onnx'),
  path.join(REPO_ROOT, 'models/decoder/model.onnx'),
];

for (const minSkip of [1, 64, 4096]) {
  test(`left out at >= ${minSkip} B and read back from disk: the same model as a whole decode`, () => {
    for (const file of files()) {
      const read = withoutWeights(file, minSkip);
      assert.ok(read, `${path.basename(file)} has an ordinary layout`);
      const proto = onnx.ModelProto.decode(read.bytes);
      const whole = fs.readFileSync(file);
      // Every raw_data range points at the bytes of its initializer in the file.
      const plain = onnx.ModelProto.decode(whole);
      const inits = plain.graph?.initializer ?? [];
      for (const r of read.rawData) {
        assert.ok(Buffer.from(inits[r.initializer].rawData ?? []).equals(whole.subarray(r.offset, r.offset + r.length)), `${path.basename(file)}: range of '${inits[r.initializer].name}'`);
      }
      assert.equal(read.rawData.length, inits.filter((t) => (t.rawData?.byteLength ?? 0) > 0).length, 'one range per initializer with raw_data');
      const leftOut = read.rawData.filter((r) => r.length >= minSkip);
      assert.ok(leftOut.length > 0, `${path.basename(file)}: something was left out`);
      const leftOutBytes = leftOut.reduce((n, r) => n + r.length, 0);
      assert.ok(read.bytes.byteLength <= whole.byteLength - leftOutBytes, 'the bytes left out are missing from what was read');
      readBack(proto, read, minSkip, file);
      assert.ok(Buffer.from(onnx.ModelProto.encode(proto).finish()).equals(encodeWhole(file)), `${path.basename(file)} encodes the same`);
    }
  });
}

test('the loader reads large files this way (the trained models), with the same result as a whole decode', async () => {
  const file = path.join(REPO_ROOT, 'models/decoder/model.onnx');
  assert.ok(fs.statSync(file).size >= READ_WITHOUT_WEIGHTS_MIN_BYTES);
  assert.notEqual(await decodeWithoutWeights(file, 2 ** 31 - 1), null, 'the loader\'s path for large files takes it');
  const m = await loadOnnxModel(file);
  assert.ok(Buffer.from(onnx.ModelProto.encode(m.proto).finish()).equals(encodeWhole(file)));
  assert.equal(m.fileBytes, fs.statSync(file).size);
});

test('an unusual or damaged layout is handed back for the whole decode', (tc) => {
  const dir = scratchDir('without-weights-', tc);
  const good = fs.readFileSync(generateFixture('bert', 'fp32').path);
  const write = (name: string, bytes: Uint8Array) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  // Cut inside the graph (a length now runs past the end): null at any cut.
  for (const cut of [1, 7, Math.floor(good.length / 3), good.length - 1]) {
    assert.equal(withoutWeights(write(`cut-${cut}.onnx`, good.subarray(0, cut)), 64), null, `cut at ${cut}`);
  }
  // A group (wire type 3) at the top level.
  assert.equal(withoutWeights(write('group.onnx', Buffer.concat([Buffer.from([0x0b]), good])), 64), null, 'group');
  // An overlong varint (11 continuation bytes) as a tag.
  assert.equal(withoutWeights(write('varint.onnx', Buffer.concat([Buffer.alloc(11, 0xff), good])), 64), null, 'overlong varint');
  // Field number 0.
  assert.equal(withoutWeights(write('field0.onnx', Buffer.concat([Buffer.from([0x00, 0x00]), good])), 64), null, 'field 0');
});

test('a large file cut short: the loader says truncated, as the whole decode does', async (tc) => {
  const dir = scratchDir('without-weights-cut-', tc);
  const src = fs.readFileSync(path.join(REPO_ROOT, 'models/encoder/model.onnx'));
  const file = path.join(dir, 'model.onnx');
  fs.writeFileSync(file, src.subarray(0, READ_WITHOUT_WEIGHTS_MIN_BYTES + 12345));
  await assert.rejects(loadOnnxModel(file), (e: Error) => e.message.includes(file) && /truncated or corrupt/.test(e.message));
});

test('300 damaged copies of a model (bytes flipped, cut, spliced): each is handed back or read to what the whole decode reads', (tc) => {
  const dir = scratchDir('without-weights-fuzz-', tc);
  const good = fs.readFileSync(generateFixture('gpt2', 'fp32').path);
  const random = seededRandom(7);
  const pick = (n: number) => Math.floor(random() * n);
  let handedBack = 0;
  let read = 0;
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.from(good);
    const kind = i % 3;
    let damaged: Buffer = bytes;
    if (kind === 0) for (let k = 0; k < 1 + pick(8); k++) bytes[pick(bytes.length)] = pick(256);
    else if (kind === 1) damaged = bytes.subarray(0, pick(bytes.length));
    else damaged = Buffer.concat([bytes.subarray(0, pick(bytes.length)), bytes.subarray(pick(bytes.length))]);
    const file = path.join(dir, `m${i}.onnx`);
    fs.writeFileSync(file, damaged);
    const r = withoutWeights(file, 64);
    if (r === null) {
      handedBack++;
      continue;
    }
    let whole: Buffer | null = null;
    try {
      whole = encodeWhole(file);
    } catch {
      // The whole decode refuses it: the loader decodes what was read, which must refuse it too or
      // be handed back (decodeWithoutWeights returns null when protobufjs throws).
    }
    let mine: Buffer | null = null;
    try {
      const proto = onnx.ModelProto.decode(r.bytes);
      readBack(proto, r, 64, file);
      mine = Buffer.from(onnx.ModelProto.encode(proto).finish());
    } catch {
      mine = null;
    }
    assert.ok(whole !== null || mine === null, `copy ${i}: the whole decode refuses it, so must this`);
    if (whole && mine) {
      assert.ok(mine.equals(whole), `copy ${i}: read to the same model as the whole decode`);
      read++;
    }
  }
  assert.ok(handedBack > 50 && read > 20, `${handedBack} handed back, ${read} read and compared`);
});
