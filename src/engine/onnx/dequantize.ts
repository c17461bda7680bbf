// Weights of quantized exports as float32. Two forms matter for transformers:
// - QDQ (static quantization, onnxruntime's quantize_static / torch's QDQ export): a constant
//   int8/uint8 tensor, or a float constant through QuantizeLinear, feeding DequantizeLinear with a
//   per-tensor or per-axis scale and zero point.
// - Dynamic quantization (onnxruntime's quantize_dynamic): MatMulInteger(A_q, B_int8, A_zp, B_zp)
//   -> Cast(float) -> Mul(Mul(A_scale, B_scale)); the weight is (B - B_zp) * B_scale.

import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import { integerValues, longToNumber, tensorDims, tensorToFloat32 } from './tensorData';

export interface FloatWeight {
  dims: number[];
  data: Float32Array;
}

const DT = onnx.TensorProto.DataType;

function intAttr(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = (node.attribute ?? []).find((x) => x.name === name);
  return a ? longToNumber(a.i) : fallback;
}

/**
 * Which scale/zero-point entry each element of a tensor of `dims` uses: 0 for per-tensor
 * quantization (one scale), else its channel along `axis`, (i / inner) % channels.
 */
function channelIndexer(dims: number[], axis: number, channels: number, where: string): (i: number) => number {
  if (channels === 1) return () => 0;
  const ax = axis < 0 ? axis + dims.length : axis;
  if (ax < 0 || ax >= dims.length) throw new InputError(where, `axis ${axis} is out of range for dims [${dims.join(', ')}]`);
  if (dims[ax] !== channels) {
    throw new InputError(where, `per-axis scale has ${channels} values but axis ${axis} of [${dims.join(', ')}] has ${dims[ax]}`);
  }
  let inner = 1;
  for (let i = ax + 1; i < dims.length; i++) inner *= dims[i];
  return (i) => Math.floor(i / inner) % channels;
}

/**
 * y = (x - zero_point) * scale, per tensor (scale has 1 value) or per axis (scale is 1-D along
 * `axis`). x: integer tensor of `dims`; returns float32 of the same shape.
 */
export function dequantizeLinear(
  x: onnx.ITensorProto,
  scale: onnx.ITensorProto,
  zeroPoint: onnx.ITensorProto | undefined,
  axis = 1,
): FloatWeight {
  const where = `DequantizeLinear of '${x.name ?? ''}'`;
  const dims = tensorDims(x);
  const q = integerValues(x);
  const s = tensorToFloat32(scale);
  const zp = zeroPoint ? integerValues(zeroPoint) : undefined;
  if (zp && zp.length !== s.length) throw new InputError(where, `zero point has ${zp.length} values, scale has ${s.length}`);
  const channel = channelIndexer(dims, axis, s.length, where);
  const out = new Float32Array(q.length);
  for (let i = 0; i < q.length; i++) {
    const c = channel(i);
    out[i] = (q[i] - (zp ? zp[c] : 0)) * s[c];
  }
  return { dims, data: out };
}

/** Range of the quantized type of a zero-point tensor (uint8 when absent, as the ONNX spec says). */
function quantRange(zeroPoint: onnx.ITensorProto | undefined): [number, number] {
  switch (zeroPoint?.dataType ?? DT.UINT8) {
    case DT.INT8:
      return [-128, 127];
    case DT.UINT8:
      return [0, 255];
    case DT.INT16:
      return [-32768, 32767];
    case DT.UINT16:
      return [0, 65535];
    default:
      throw new InputError(`zero point '${zeroPoint?.name ?? ''}'`, 'unsupported quantized type');
  }
}

/** QuantizeLinear then DequantizeLinear of a float constant: the weight the QDQ graph really uses. */
export function fakeQuantize(
  x: onnx.ITensorProto,
  scale: onnx.ITensorProto,
  zeroPoint: onnx.ITensorProto | undefined,
  axis = 1,
): FloatWeight {
  const where = `QuantizeLinear of '${x.name ?? ''}'`;
  const dims = tensorDims(x);
  const v = tensorToFloat32(x);
  const s = tensorToFloat32(scale);
  const zp = zeroPoint ? integerValues(zeroPoint) : undefined;
  const [lo, hi] = quantRange(zeroPoint);
  const channel = channelIndexer(dims, axis, s.length, where);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const c = channel(i);
    const z = zp ? zp[c] : 0;
    // ONNX QuantizeLinear rounds half to even, then saturates.
    const r = v[i] / s[c];
    let q = Math.round(r);
    if (Math.abs(r % 1) === 0.5) q = 2 * Math.round(r / 2);
    q = Math.min(hi, Math.max(lo, q + z));
    out[i] = (q - z) * s[c];
  }
  return { dims, data: out };
}

function producerMap(graph: onnx.IGraphProto): Map<string, onnx.INodeProto> {
  const m = new Map<string, onnx.INodeProto>();
  for (const n of graph.node ?? []) for (const o of n.output ?? []) m.set(o, n);
  return m;
}

/**
 * The float weight behind tensor `name` when it is a DequantizeLinear of a constant (optionally
 * through a QuantizeLinear of a float constant); undefined when `name` is not such a tensor.
 */
export function dequantizedConstant(
  name: string,
  graph: onnx.IGraphProto,
  constants: Map<string, onnx.ITensorProto>,
): FloatWeight | undefined {
  const producers = producerMap(graph);
  const dq = producers.get(name);
  if (!dq || dq.opType !== 'DequantizeLinear') return undefined;
  const [xName, sName, zName] = dq.input ?? [];
  const scale = constants.get(sName);
  if (!scale) return undefined;
  const zp = zName ? constants.get(zName) : undefined;
  const axis = intAttr(dq, 'axis', 1);
  if (intAttr(dq, 'block_size', 0) !== 0) {
    throw new InputError(`node '${dq.name ?? ''}'`, 'blocked DequantizeLinear (block_size) is not supported');
  }
  const x = constants.get(xName);
  if (x) return dequantizeLinear(x, scale, zp, axis);
  const q = producers.get(xName);
  if (q && q.opType === 'QuantizeLinear') {
    const [fName, qsName, qzName] = q.input ?? [];
    const f = constants.get(fName);
    const qs = constants.get(qsName);
    if (f && qs) return fakeQuantize(f, qs, qzName ? constants.get(qzName) : undefined, intAttr(q, 'axis', 1));
  }
  return undefined;
}

/**
 * The float weight [K, N] of a dynamically quantized MatMulInteger node: (B - B_zp) * B_scale.
 * B_scale is found where quantize_dynamic puts it: the output goes through Cast to a Mul whose
 * other input is Mul(A_scale, B_scale) with B_scale constant. Per-column scales/zero points
 * (per_channel=True) are [N].
 */
export function matMulIntegerWeight(
  node: onnx.INodeProto,
  graph: onnx.IGraphProto,
  constants: Map<string, onnx.ITensorProto>,
): FloatWeight {
  const where = `MatMulInteger '${node.name ?? ''}'`;
  const [, bName, , bZpName] = node.input ?? [];
  const b = constants.get(bName);
  if (!b) throw new InputError(where, `weight input '${bName}' is not a constant`);
  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const n of graph.node ?? []) {
    for (const i of n.input ?? []) {
      const list = consumers.get(i) ?? [];
      list.push(n);
      consumers.set(i, list);
    }
  }
  const producers = producerMap(graph);
  const out = node.output?.[0] ?? '';
  const cast = (consumers.get(out) ?? []).find((n) => n.opType === 'Cast');
  const mul = cast ? (consumers.get(cast.output?.[0] ?? '') ?? []).find((n) => n.opType === 'Mul') : undefined;
  if (!cast || !mul) throw new InputError(where, 'output does not go through Cast -> Mul (the quantize_dynamic pattern)');
  const other = (mul.input ?? []).find((i) => i !== cast.output?.[0]) ?? '';
  let scale = constants.get(other);
  const scalesMul = producers.get(other);
  if (!scale && scalesMul && scalesMul.opType === 'Mul') {
    scale = (scalesMul.input ?? []).map((i) => constants.get(i)).find((t) => t !== undefined);
  }
  if (!scale) throw new InputError(where, 'cannot find the constant weight scale (Mul(A_scale, B_scale))');
  const zp = bZpName ? constants.get(bZpName) : undefined;
  // Per-column parameters index the last axis (N) of B [K, N].
  return dequantizeLinear(b, scale, zp, -1);
}
