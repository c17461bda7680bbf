// Tensor readers, Constant collection and dequantization on hand-checked values.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { InputError } from '../../../src/engine/errors';
import { collectConstants } from '../../../src/engine/onnx/constantTensors';
import { dequantizeLinear, dequantizedConstant, fakeQuantize, matMulIntegerWeight } from '../../../src/engine/onnx/dequantize';
import { floatTensor, int64Tensor, node } from '../../../src/engine/onnx/graphBuilder';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  tensorToFloat32,
  tensorToInt32,
  tensorToInt64,
} from '../../../src/engine/onnx/tensorData';
import { generateFixture } from '../../fixtures/generateFixture';

const DT = onnx.TensorProto.DataType;
const bytes = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

describe('float16', () => {
  it('decodes known bit patterns', () => {
    assert.equal(float16BitsToFloat32(0x3c00), 1);
    assert.equal(float16BitsToFloat32(0xc000), -2);
    assert.equal(float16BitsToFloat32(0x7bff), 65504);
    assert.equal(float16BitsToFloat32(0x0001), 2 ** -24);
    assert.equal(float16BitsToFloat32(0x7c00), Infinity);
    assert.ok(Number.isNaN(float16BitsToFloat32(0x7e00)));
    assert.equal(float16BitsToFloat32(0x3555), 0.333251953125);
  });
  it('encodes with round-to-nearest-even and overflow to inf', () => {
    assert.equal(float32ToFloat16Bits(1), 0x3c00);
    assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // tie -> even
    assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02); // tie -> even (up)
    assert.equal(float32ToFloat16Bits(65520), 0x7c00);
    assert.equal(float32ToFloat16Bits(-65504), 0xfbff);
    assert.equal(float32ToFloat16Bits(2 ** -24), 0x0001);
    assert.equal(float32ToFloat16Bits(1 / 3), 0x3555);
    for (let h = 0; h < 0x7c00; h += 37) assert.equal(float32ToFloat16Bits(float16BitsToFloat32(h)), h);
  });
});

describe('tensorToFloat32', () => {
  it('FLOAT from rawData (unaligned view) and floatData', () => {
    const buf = new Uint8Array(13);
    buf.set(bytes(Float32Array.of(1.5, -2, 3)), 1);
    assert.deepEqual(Array.from(tensorToFloat32({ name: 'a', dims: [3], dataType: DT.FLOAT, rawData: buf.subarray(1) })), [1.5, -2, 3]);
    assert.deepEqual(Array.from(tensorToFloat32({ name: 'b', dims: [1, 2], dataType: DT.FLOAT, floatData: [4, 5] })), [4, 5]);
  });
  it('FLOAT16 from rawData and from int32Data', () => {
    const raw = bytes(Uint16Array.of(0x3c00, 0xc000, 0x3800));
    assert.deepEqual(Array.from(tensorToFloat32({ dims: [3], dataType: DT.FLOAT16, rawData: raw })), [1, -2, 0.5]);
    assert.deepEqual(Array.from(tensorToFloat32({ dims: [3], dataType: DT.FLOAT16, int32Data: [0x3c00, 0xc000, 0x3800] })), [1, -2, 0.5]);
  });
  it('DOUBLE, INT8, UINT8, INT64', () => {
    assert.deepEqual(Array.from(tensorToFloat32({ dims: [2], dataType: DT.DOUBLE, doubleData: [0.25, -8] })), [0.25, -8]);
    assert.deepEqual(Array.from(tensorToFloat32({ dims: [3], dataType: DT.INT8, rawData: Uint8Array.of(0xff, 0x80, 5) })), [-1, -128, 5]);
    assert.deepEqual(Array.from(tensorToFloat32({ dims: [2], dataType: DT.UINT8, rawData: Uint8Array.of(0xff, 7) })), [255, 7]);
    assert.deepEqual(tensorToInt64(int64Tensor('i', [3], [0, -1, 2 ** 40])), [0, -1, 2 ** 40]);
    assert.deepEqual(Array.from(tensorToInt32({ dims: [2], dataType: DT.INT32, int32Data: [3, -4] })), [3, -4]);
  });
  it('int64Data decoded as Long', () => {
    const enc = onnx.TensorProto.encode({ dims: [2], dataType: DT.INT64, int64Data: [7, -3] }).finish();
    assert.deepEqual(tensorToInt64(onnx.TensorProto.decode(enc)), [7, -3]);
  });
  it('refuses a byte count that does not match dims, and unloaded external data', () => {
    assert.throws(() => tensorToFloat32({ name: 'w', dims: [4], dataType: DT.FLOAT, rawData: new Uint8Array(12) }), /12 bytes but dims \[4\]/);
    assert.throws(
      () => tensorToFloat32({ name: 'e', dims: [4], dataType: DT.FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL }),
      InputError,
    );
    assert.throws(() => tensorToFloat32({ name: 's', dims: [1], dataType: DT.STRING }), /cannot read STRING/);
  });
});

describe('collectConstants', () => {
  it('initializers and every Constant form', () => {
    const T = onnx.AttributeProto.AttributeType;
    const graph: onnx.IGraphProto = {
      initializer: [floatTensor('W', [2], Float32Array.of(1, 2))],
      node: [
        node({ op: 'Constant', inputs: [], outputs: ['c_t'], attrs: { value: floatTensor('', [1], Float32Array.of(3)) } }),
        { opType: 'Constant', output: ['c_f'], attribute: [{ name: 'value_float', type: T.FLOAT, f: 0.5 }] },
        { opType: 'Constant', output: ['c_fs'], attribute: [{ name: 'value_floats', type: T.FLOATS, floats: [1, 2] }] },
        { opType: 'Constant', output: ['c_i'], attribute: [{ name: 'value_int', type: T.INT, i: 9 }] },
        { opType: 'Constant', output: ['c_is'], attribute: [{ name: 'value_ints', type: T.INTS, ints: [4, 5, 6] }] },
        node({ op: 'Relu', inputs: ['x'], outputs: ['y'] }),
      ],
    };
    const c = collectConstants(graph);
    assert.deepEqual([...c.keys()].sort(), ['W', 'c_f', 'c_fs', 'c_i', 'c_is', 'c_t']);
    assert.deepEqual(Array.from(tensorToFloat32(c.get('c_t')!)), [3]);
    assert.deepEqual(Array.from(tensorToFloat32(c.get('c_f')!)), [0.5]);
    assert.deepEqual(Array.from(tensorToFloat32(c.get('c_fs')!)), [1, 2]);
    assert.deepEqual(tensorToInt64(c.get('c_i')!), [9]);
    assert.deepEqual(tensorToInt64(c.get('c_is')!), [4, 5, 6]);
  });
});

describe('dequantization', () => {
  it('per tensor: (x - zp) * scale', () => {
    const x = { name: 'x', dims: [3], dataType: DT.INT8, rawData: bytes(Int8Array.of(-2, 0, 5)) };
    const s = floatTensor('s', [], Float32Array.of(0.5));
    const zp = { name: 'z', dims: [], dataType: DT.INT8, rawData: bytes(Int8Array.of(1)) };
    assert.deepEqual(Array.from(dequantizeLinear(x, s, zp).data), [-1.5, -0.5, 2]);
  });
  it('per axis 0 and axis 1', () => {
    const x = { name: 'x', dims: [2, 2], dataType: DT.UINT8, rawData: Uint8Array.of(1, 2, 11, 12) };
    const s = floatTensor('s', [2], Float32Array.of(1, 0.5));
    const zp = { name: 'z', dims: [2], dataType: DT.UINT8, rawData: Uint8Array.of(0, 10) };
    assert.deepEqual(Array.from(dequantizeLinear(x, s, zp, 0).data), [1, 2, 0.5, 1]);
    assert.deepEqual(Array.from(dequantizeLinear(x, s, zp, 1).data), [1, -4, 11, 1]);
    assert.throws(() => dequantizeLinear(x, floatTensor('s3', [3], Float32Array.of(1, 1, 1)), undefined, 0), /3 values but axis 0/);
  });
  it('QuantizeLinear -> DequantizeLinear of a float constant rounds half to even and saturates', () => {
    const w = floatTensor('w', [4], Float32Array.of(0.25, 0.75, 100, -100));
    const s = floatTensor('s', [], Float32Array.of(0.5));
    const zp = { name: 'z', dims: [], dataType: DT.INT8, rawData: new Uint8Array(1) };
    assert.deepEqual(Array.from(fakeQuantize(w, s, zp).data), [0, 1, 63.5, -64]);
    const graph: onnx.IGraphProto = {
      initializer: [w, s, zp],
      node: [
        node({ op: 'QuantizeLinear', inputs: ['w', 's', 'z'], outputs: ['wq'] }),
        node({ op: 'DequantizeLinear', inputs: ['wq', 's', 'z'], outputs: ['wd'] }),
      ],
    };
    assert.deepEqual(Array.from(dequantizedConstant('wd', graph, collectConstants(graph))!.data), [0, 1, 63.5, -64]);
    assert.equal(dequantizedConstant('wq', graph, collectConstants(graph)), undefined);
  });
  it('MatMulInteger weight of the int8 fixture is within half a step of the fp32 weight', async () => {
    const q = (await loadOnnxModel(generateFixture('bert', 'int8').path)).proto.graph!;
    const f = (await loadOnnxModel(generateFixture('bert', 'fp32').path)).proto.graph!;
    const qc = collectConstants(q);
    const fc = collectConstants(f);
    const mmi = q.node!.filter((n) => n.opType === 'MatMulInteger');
    assert.ok(mmi.length >= 12);
    for (const n of mmi) {
      const bName = n.input![1];
      const deq = matMulIntegerWeight(n, q, qc);
      const orig = tensorToFloat32(fc.get(bName.replace(/_quantized$/, ''))!);
      const scale = tensorToFloat32(qc.get(bName.replace(/_quantized$/, '_scale'))!)[0];
      assert.equal(deq.data.length, orig.length);
      let maxErr = 0;
      for (let i = 0; i < orig.length; i++) maxErr = Math.max(maxErr, Math.abs(deq.data[i] - orig[i]));
      assert.ok(maxErr <= scale / 2 + 1e-7, `${bName}: ${maxErr} > ${scale / 2}`);
    }
  });
});

describe('dequantization agrees with onnxruntime', () => {
  it('per-axis DequantizeLinear -> MatMul: our weight times x equals the ORT output', async () => {
    const ort = await import('onnxruntime-node');
    const { encodeModel, model, valueInfo } = await import('../../../src/engine/onnx/graphBuilder');
    // W int8 [3, 2] (K x N), per-column (axis 1) scale and zero point.
    const w = { name: 'W', dims: [3, 2], dataType: DT.INT8, rawData: bytes(Int8Array.of(-3, 7, 0, -128, 127, 4)) };
    const s = floatTensor('S', [2], Float32Array.of(0.25, 0.125));
    const z = { name: 'Z', dims: [2], dataType: DT.INT8, rawData: bytes(Int8Array.of(1, -2)) };
    const graph: onnx.IGraphProto = {
      initializer: [w, s, z],
      node: [
        node({ op: 'DequantizeLinear', inputs: ['W', 'S', 'Z'], outputs: ['Wf'], attrs: { axis: 1 } }),
        node({ op: 'MatMul', inputs: ['x', 'Wf'], outputs: ['y'] }),
      ],
    };
    const m = model({
      graphName: 'g',
      nodes: graph.node!,
      initializers: graph.initializer!,
      inputs: [valueInfo('x', 'float32', [1, 3])],
      outputs: [valueInfo('y', 'float32', [1, 2])],
      opsets: { '': 13 },
    });
    // Optimizations off: ORT would otherwise fuse DQ + MatMul into a kernel that also quantizes x.
    const sess = await ort.InferenceSession.create(encodeModel(m), { graphOptimizationLevel: 'disabled' });
    const x = Float32Array.of(1, -2, 0.5);
    const y = (await sess.run({ x: new ort.Tensor('float32', x, [1, 3]) })).y.data as Float32Array;
    const wf = dequantizedConstant('Wf', graph, collectConstants(graph))!;
    assert.deepEqual(wf.dims, [3, 2]);
    for (let n = 0; n < 2; n++) {
      let acc = 0;
      for (let k = 0; k < 3; k++) acc += x[k] * wf.data[k * 2 + n];
      assert.ok(Math.abs(acc - y[n]) < 1e-6, `column ${n}: ${acc} vs ${y[n]}`);
    }
  });

  it('fp16 fixture initializers read back as the fp32 values rounded to half precision', async () => {
    const h = collectConstants((await loadOnnxModel(generateFixture('llama', 'fp16').path)).proto.graph!);
    const f = collectConstants((await loadOnnxModel(generateFixture('llama', 'fp32').path)).proto.graph!);
    let checked = 0;
    for (const [name, t] of h) {
      if (t.dataType !== DT.FLOAT16) continue;
      const a = tensorToFloat32(t);
      const b = tensorToFloat32(f.get(name)!);
      for (let i = 0; i < a.length; i++) {
        const clamped = Math.max(-65504, Math.min(65504, b[i]));
        assert.equal(a[i], float16BitsToFloat32(float32ToFloat16Bits(clamped)));
      }
      checked++;
    }
    assert.ok(checked > 20, `${checked} tensors checked`);
  });
});
