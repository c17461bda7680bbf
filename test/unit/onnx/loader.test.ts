// loadOnnxModel on good and bad files: every bad file is an InputError naming the problem.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { InputError } from '../../../src/engine/errors';
import { encodeModel, floatTensor, model, node, valueInfo } from '../../../src/engine/onnx/graphBuilder';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { tensorToFloat32 } from '../../../src/engine/onnx/tensorData';
import { createOrtSession } from '../../../src/engine/runtime/ortEnvironment';
import { toExternalData } from '../../fixtures/fixtureVariants';
import { generateFixture } from '../../fixtures/generateFixture';
import { SeededRandom } from '../../fixtures/seededRandom';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'spatten-loader-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, bytes: Uint8Array | string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, bytes);
  return p;
}

async function rejects(p: string, re: RegExp, opts = {}): Promise<void> {
  await assert.rejects(loadOnnxModel(p, opts), (e: unknown) => {
    assert.ok(e instanceof InputError, `InputError expected, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

/** y = x @ W + b with W [4, 4] (64 bytes, external with threshold 16). */
function smallModel(): onnx.ModelProto {
  const w = Float32Array.from({ length: 16 }, (_, i) => (i % 5) - 2);
  const b = Float32Array.from([0.5, -0.5, 1, 2]);
  return model({
    graphName: 'g',
    nodes: [node({ op: 'MatMul', inputs: ['x', 'W'], outputs: ['xw'] }), node({ op: 'Add', inputs: ['xw', 'b'], outputs: ['y'] })],
    initializers: [floatTensor('W', [4, 4], w), floatTensor('b', [4], b)],
    inputs: [valueInfo('x', 'float32', [1, 4])],
    outputs: [valueInfo('y', 'float32', [1, 4])],
  });
}

/** Writes smallModel with W external at `location` (data written to `dataPath` if given). */
function externalModel(dirRel: string, location: string, dataPath?: string, edit?: (t: onnx.ITensorProto) => void): string {
  const { proto, data } = toExternalData(smallModel(), location, 64);
  const w = proto.graph!.initializer!.find((t) => t.name === 'W')!;
  edit?.(w);
  if (dataPath) write(dataPath, data);
  return write(path.join(dirRel, 'model.onnx'), encodeModel(proto));
}

describe('loadOnnxModel: good files', () => {
  it('loads a fixture and reports its folder, name and size', async () => {
    const f = generateFixture('bert', 'fp32');
    const m = await loadOnnxModel(f.path);
    assert.equal(m.dir, path.dirname(f.path));
    assert.equal(m.fileName, path.basename(f.path));
    assert.equal(m.fileBytes, fs.statSync(f.path).size);
    assert.equal(m.opset, 17);
    assert.equal(m.externalBytes, 0);
    assert.equal(m.proto.graph!.node!.length, f.proto.graph!.node!.length);
  });

  it('inlines external data so the re-encoded proto runs from a buffer', async () => {
    const p = externalModel('ext-ok', 'weights.bin', 'ext-ok/weights.bin');
    const m = await loadOnnxModel(p);
    assert.equal(m.externalBytes, 64);
    const w = m.proto.graph!.initializer!.find((t) => t.name === 'W')!;
    assert.equal(w.dataLocation, onnx.TensorProto.DataLocation.DEFAULT);
    assert.deepEqual(Array.from(tensorToFloat32(w)).slice(0, 6), [-2, -1, 0, 1, 2, -2]);
    const s = await createOrtSession(encodeModel(m.proto), {});
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([1, 0, 0, 0]), [1, 4]) });
    // Row 0 of W plus b.
    assert.deepEqual(Array.from(out.y.data as Float32Array), [-1.5, -1.5, 1, 3]);
  });

  it('can validate external data without inlining it', async () => {
    const p = externalModel('ext-keep', 'w/weights.bin', 'ext-keep/w/weights.bin');
    const m = await loadOnnxModel(p, { inlineExternalData: false });
    const w = m.proto.graph!.initializer!.find((t) => t.name === 'W')!;
    assert.equal(w.dataLocation, onnx.TensorProto.DataLocation.EXTERNAL);
    assert.equal(m.externalFiles.get('w/weights.bin'), fs.realpathSync(path.join(tmp, 'ext-keep/w/weights.bin')));
  });
});

describe('loadOnnxModel: bad files', () => {
  it('missing file', () => rejects(path.join(tmp, 'nope.onnx'), /model file not found/));
  it('a folder', () => rejects(tmp, /not a regular file/));
  it('empty file', () => rejects(write('empty.onnx', new Uint8Array(0)), /empty/));

  it('truncated file: names the decode position', async () => {
    const full = fs.readFileSync(generateFixture('gpt2', 'fp32').path);
    await rejects(write('trunc.onnx', full.subarray(0, Math.floor(full.length / 2))), /truncated or corrupt \(index out of range: \d+/);
  });

  it('PNG header', () => rejects(write('img.onnx', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), /PNG/));
  it('zip (PyTorch checkpoint)', () => rejects(write('ckpt.onnx', Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])), /zip/));
  it('git-lfs pointer', () => rejects(write('lfs.onnx', 'version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n'), /git-lfs pointer/));

  it('random bytes (20 seeded files)', async () => {
    const rng = new SeededRandom(7);
    for (let k = 0; k < 20; k++) {
      const bytes = Uint8Array.from({ length: 64 + rng.int(512) }, () => rng.int(256));
      await rejects(write(`rand${k}.onnx`, bytes), /not an ONNX model|not a valid ONNX ModelProto|truncated|ir_version|no graph|opset|no nodes|IR version|outputs|domain/);
    }
  });

  it('over the size limit, checked before reading', () => rejects(generateFixture('bert', 'fp32').path, /over the 1000-byte limit/, { maxBytes: 1000 }));

  it('ModelProto without a graph', () => rejects(write('nograph.onnx', encodeModel({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }] })), /no graph/));

  it('valid ModelProto whose graph has no nodes', async () => {
    const m = model({ graphName: 'g', nodes: [], initializers: [], inputs: [valueInfo('x', 'float32', [1])], outputs: [valueInfo('x', 'float32', [1])] });
    await rejects(write('nonodes.onnx', encodeModel(m)), /graph has no nodes/);
  });

  it('opset newer than onnxruntime supports', async () => {
    const m = smallModel();
    m.opsetImport = [{ domain: '', version: 40 }];
    await rejects(write('opset40.onnx', encodeModel(m)), /opset 40 is outside/);
  });

  it('node from a domain the model does not import', async () => {
    const m = smallModel();
    m.graph!.node![0].domain = 'com.microsoft';
    await rejects(write('domain.onnx', encodeModel(m)), /domain 'com.microsoft' that the model does not import/);
  });

  it('missing external data file', () => rejects(externalModel('ext-missing', 'weights.bin'), /external data file 'weights.bin' not found/));

  it("external path with '..'", async () => {
    write('secret.bin', new Uint8Array(64));
    await rejects(externalModel('ext-dotdot', '../secret.bin'), /leaves the model's folder/);
  });

  it('absolute external path', async () => {
    const abs = write('abs/secret.bin', new Uint8Array(64));
    await rejects(externalModel('ext-abs', abs), /is absolute/);
  });

  it('symlink resolving outside the folder', async () => {
    const outside = write('outside/weights.bin', new Uint8Array(64));
    const p = externalModel('ext-link', 'weights.bin');
    fs.symlinkSync(outside, path.join(tmp, 'ext-link', 'weights.bin'));
    await rejects(p, /resolves outside the model's folder/);
  });

  it('symlinked folder inside the model folder that points outside', async () => {
    fs.mkdirSync(path.join(tmp, 'outside2'), { recursive: true });
    write('outside2/weights.bin', new Uint8Array(64));
    const p = externalModel('ext-dirlink', 'sub/weights.bin');
    fs.symlinkSync(path.join(tmp, 'outside2'), path.join(tmp, 'ext-dirlink', 'sub'));
    await rejects(p, /resolves outside/);
  });

  it('offset past the end of the data file', async () => {
    const p = externalModel('ext-offset', 'weights.bin', 'ext-offset/weights.bin', (t) => {
      t.externalData = t.externalData!.map((e) => (e.key === 'offset' ? { key: 'offset', value: '32' } : e));
    });
    await rejects(p, /range \[32, 96\) is past the end of 'weights.bin' \(64 bytes\)/);
  });

  it('huge declared length (matching huge dims) is refused before allocating', async () => {
    const p = externalModel('ext-huge', 'weights.bin', 'ext-huge/weights.bin', (t) => {
      t.dims = [2 ** 20, 2 ** 20];
      t.externalData = t.externalData!.map((e) => (e.key === 'length' ? { key: 'length', value: String(4 * 2 ** 40) } : e));
    });
    await rejects(p, /past the end/);
  });

  it('declared length that does not match the dims', async () => {
    const p = externalModel('ext-len', 'weights.bin', 'ext-len/weights.bin', (t) => {
      t.externalData = t.externalData!.map((e) => (e.key === 'length' ? { key: 'length', value: '60' } : e));
    });
    await rejects(p, /length 60 does not match dims \[4, 4\]/);
  });

  it('non-numeric offset', async () => {
    const p = externalModel('ext-nan', 'weights.bin', 'ext-nan/weights.bin', (t) => {
      t.externalData = t.externalData!.map((e) => (e.key === 'offset' ? { key: 'offset', value: '-4' } : e));
    });
    await rejects(p, /'offset' is not a non-negative integer/);
  });

  it('external data over the configured limit', () =>
    rejects(externalModel('ext-limit', 'weights.bin', 'ext-limit/weights.bin'), /over 32 bytes/, { maxExternalBytes: 32 }));
});
