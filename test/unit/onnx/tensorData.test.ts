// Tensor readers and Constant collection on hand-checked values.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { onnx } from 'onnx-proto';
import { InputError } from '../../../src/engine/errors';
import { collectConstants } from '../../../src/engine/onnx/constantTensors';
import { floatTensor, int64Tensor, node } from '../../../src/engine/onnx/graphBuilder';
import {
  float16BitsToFloat32,
  float32ToFloat16Bits,
  integerValues,
  tensorToFloat32,
} from '../../../src/engine/onnx/tensorData';

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
    assert.deepEqual(integerValues(int64Tensor('i', [3], [0, -1, 2 ** 40])), [0, -1, 2 ** 40]);
    assert.deepEqual(integerValues({ dims: [2], dataType: DT.INT32, int32Data: [3, -4] }), [3, -4]);
  });
  it('int64Data decoded as Long', () => {
    const enc = onnx.TensorProto.encode({ dims: [2], dataType: DT.INT64, int64Data: [7, -3] }).finish();
    assert.deepEqual(integerValues(onnx.TensorProto.decode(enc)), [7, -3]);
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
    assert.deepEqual(integerValues(c.get('c_i')!), [9]);
    assert.deepEqual(integerValues(c.get('c_is')!), [4, 5, 6]);
  });
});
