// Conversions between onnxruntime tensors and the engine's float32 arrays. fp16 models hand the
// engine float16 Q/K/V (as raw Uint16 bits in Node 20) and expect float16 contexts back.

import * as ort from 'onnxruntime-node';
import type { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import { float16BitsToFloat32, float32ToFloat16Bits, tensorDims, tensorToFloat32 } from '../onnx/tensorData';

/** The tensor's values as float32 (copy for fp16/other types, a view for float32). */
export function tensorToF32(t: ort.Tensor, where: string): Float32Array {
  const d = t.data;
  if (t.type === 'float32') return d as Float32Array;
  if (t.type === 'float16') {
    const bits = d as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = float16BitsToFloat32(bits[i]);
    return out;
  }
  // A plain loop and the typed-array constructor, not Float32Array.from with a mapping callback:
  // a graph's masks come through here once per pass, in code V8 has not optimized, and the
  // callback per element cost ~1.5 ms for a 128 x 128 causal mask (same values either way).
  if (t.type === 'int64') {
    const big = d as BigInt64Array;
    const out = new Float32Array(big.length);
    for (let i = 0; i < big.length; i++) out[i] = Number(big[i]);
    return out;
  }
  if (t.type === 'int32' || t.type === 'uint8' || t.type === 'int8' || t.type === 'bool' || t.type === 'float64') {
    return new Float32Array(d as Int32Array | Uint8Array | Int8Array | Float64Array);
  }
  throw new InputError(where, `tensor of type ${t.type} where a number tensor was expected`);
}

/** A float32 array as an ORT tensor of the element type the graph expects there. */
export function f32ToTensor(data: Float32Array, dims: number[], elemType: 'float32' | 'float16'): ort.Tensor {
  if (elemType === 'float32') return new ort.Tensor('float32', data, dims);
  const bits = new Uint16Array(data.length);
  for (let i = 0; i < data.length; i++) bits[i] = float32ToFloat16Bits(data[i]);
  return new ort.Tensor('float16', bits, dims);
}

/** A constant (initializer or Constant node) as float32 values and dims. */
export function constantToF32(t: onnx.ITensorProto): { data: Float32Array; dims: number[] } {
  return { data: tensorToFloat32(t), dims: tensorDims(t) };
}
