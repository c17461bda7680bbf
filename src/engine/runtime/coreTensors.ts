// Reads what an attention core needs out of the tensors the segments produced, in the canonical
// layouts of AttentionCoreCall (Q [H, Lq, D], new K/V [Hkv, Lnew, D]), and writes the core's
// context back in the layout the next segment expects. Fused com.microsoft ops get their op
// semantics here: Attention's packed QKV split, MultiHeadAttention's bias, GroupQueryAttention's
// rotary embedding.

import type * as ort from 'onnxruntime-node';
import type { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { DiscoveredCore } from '../model/attentionCore';
import type { AttentionCoreShape } from './attentionCore';
import { constantToF32, f32ToTensor, tensorToF32 } from './ortTensors';
import { attentionQkvTensor } from './segmentPlan';

export interface TensorSource {
  store: Map<string, ort.Tensor>;
  constants: Map<string, onnx.ITensorProto>;
}

export interface F32Tensor {
  data: Float32Array;
  dims: number[];
  type: string;
}

export function fetchTensor(src: TensorSource, name: string, where: string): F32Tensor {
  const t = src.store.get(name);
  if (t) return { data: tensorToF32(t, where), dims: [...t.dims], type: t.type };
  const c = src.constants.get(name);
  if (c) {
    const { data, dims } = constantToF32(c);
    return { data, dims, type: 'const' };
  }
  throw new InputError(where, `tensor '${name}' was not computed by the segments`);
}

/** A core's operands as read for one call: its shape (the key length is the caller's: cache plus new keys) and tensors. */
export interface CoreTensors extends Omit<AttentionCoreShape, 'keyLen'> {
  /** [H, Lq, D] */
  q: Float32Array;
  /** [Hkv, Lnew, D] for the tokens of this run. */
  k: Float32Array;
  v: Float32Array;
  newKeys: number;
  /** Element type of the context the next segment reads. */
  elemType: 'float32' | 'float16';
  /** Dims of the context tensor to write. */
  contextDims: number[];
}

/** [.., A, B, C] (leading 1s) -> the three trailing dims, checking batch 1. */
function last3(t: F32Tensor, where: string, what: string): [number, number, number] {
  const d = t.dims;
  if (d.length < 3 || d.length > 4 || (d.length === 4 && d[0] !== 1)) {
    throw new InputError(where, `${what} has shape [${d}], expected [1, H, L, D] (batch 1)`);
  }
  return [d[d.length - 3], d[d.length - 2], d[d.length - 1]];
}

/** [H, A, B] -> [H, B, A] */
function swapLastTwo(x: Float32Array, H: number, A: number, B: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let h = 0; h < H; h++) {
    const base = h * A * B;
    for (let a = 0; a < A; a++) for (let b = 0; b < B; b++) out[base + b * A + a] = x[base + a * B + b];
  }
  return out;
}

/** Columns [col0, col0 + H*D) of a row-major [L, width] matrix, as [H, L, D], plus an optional bias. */
function splitHeads(x: Float32Array, L: number, width: number, col0: number, H: number, D: number, bias: Float32Array | null, biasOff: number): Float32Array {
  const out = new Float32Array(H * L * D);
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      const src = l * width + col0 + h * D;
      const dst = (h * L + l) * D;
      for (let d = 0; d < D; d++) out[dst + d] = x[src + d] + (bias ? bias[biasOff + h * D + d] : 0);
    }
  }
  return out;
}

function elemTypeOf(t: F32Tensor, where: string): 'float32' | 'float16' {
  if (t.type === 'float32' || t.type === 'float16') return t.type;
  throw new InputError(where, `attention input of type ${t.type}; float32 or float16 expected`);
}

/**
 * Rotary embedding in place on x [Hx, L, D] at `positions`, as GroupQueryAttention does it:
 * cos/sin [maxPos, R/2]; interleaved pairs (2i, 2i+1) or halves (i, i + R/2) of the first R dims.
 */
function applyRotary(x: Float32Array, Hx: number, L: number, D: number, cos: F32Tensor, sin: F32Tensor, positions: Int32Array, interleaved: boolean, where: string): void {
  const half = cos.dims[1];
  const maxPos = cos.dims[0];
  if (2 * half > D) throw new InputError(where, `rotary cache width ${half} is larger than half the head size ${D}`);
  for (let h = 0; h < Hx; h++) {
    for (let l = 0; l < L; l++) {
      const p = positions[l];
      if (p >= maxPos) throw new InputError(where, `position ${p} is beyond the rotary cache (${maxPos} positions)`);
      const base = (h * L + l) * D;
      for (let i = 0; i < half; i++) {
        const c = cos.data[p * half + i];
        const s = sin.data[p * half + i];
        const a = interleaved ? base + 2 * i : base + i;
        const b = interleaved ? a + 1 : base + i + half;
        const x0 = x[a];
        const x1 = x[b];
        x[a] = x0 * c - x1 * s;
        x[b] = x1 * c + x0 * s;
      }
    }
  }
}

export function readCoreTensors(core: DiscoveredCore, src: TensorSource, positions: Int32Array): CoreTensors {
  const where = `attention core ${core.layer} (${core.anchor})`;
  if (core.kind === 'plain') {
    const qT = fetchTensor(src, core.q.name, where);
    const kT = fetchTensor(src, core.k.name, where);
    const vT = fetchTensor(src, core.v.name, where);
    const [H, Lq, D] = last3(qT, where, 'Q');
    const [Hk, k1, k2] = last3(kT, where, 'K');
    const [Hv, Lv, Dv] = last3(vT, where, 'V');
    const kLayout = core.k.layout;
    const Lk = kLayout === 'BHDL' ? k2 : k1;
    const k = kLayout === 'BHDL' ? swapLastTwo(kT.data, Hk, k1, k2) : kT.data;
    if (Dv !== D || Hv !== Hk || Lv !== Lk || H % Hk !== 0) {
      throw new InputError(where, `Q [${qT.dims}], K [${kT.dims}], V [${vT.dims}] do not fit one attention (same D, H a multiple of KV heads)`);
    }
    return { heads: H, kvHeads: Hk, headDim: D, queryLen: Lq, q: qT.data, k, v: vT.data, newKeys: Lk, elemType: elemTypeOf(qT, where), contextDims: qT.dims.length === 4 ? [1, H, Lq, D] : [H, Lq, D] };
  }
  const f = core.fused;
  const H = core.heads;
  if (f.op === 'Attention') {
    const qkv = fetchTensor(src, attentionQkvTensor(core), where);
    const [B, L, W] = qkv.dims.length === 3 ? qkv.dims : [0, 0, 0];
    if (B !== 1) throw new InputError(where, `packed QKV has shape [${qkv.dims}], expected [1, L, 3 * hidden]`);
    const [qW, kW, vW] = f.qkvHiddenSizes ?? [W / 3, W / 3, W / 3];
    if (qW + kW + vW !== W || qW !== vW) throw new InputError(where, `QKV widths ${qW}/${kW}/${vW} do not match the projection width ${W} (or V differs from Q)`);
    const D = qW / H;
    const q = splitHeads(qkv.data, L, W, 0, H, D, null, 0);
    const k = splitHeads(qkv.data, L, W, qW, H, D, null, 0);
    const v = splitHeads(qkv.data, L, W, qW + kW, H, D, null, 0);
    return { heads: H, kvHeads: H, headDim: D, queryLen: L, q, k, v, newKeys: L, elemType: elemTypeOf(qkv, where), contextDims: [1, L, H * D] };
  }
  if (f.op === 'MultiHeadAttention') {
    const qT = fetchTensor(src, f.query, where);
    const bias = f.bias ? fetchTensor(src, f.bias, where).data : null;
    if (qT.dims[0] !== 1) throw new InputError(where, `query has shape [${qT.dims}], expected batch 1`);
    if (qT.dims.length === 5) {
      // Packed QKV [1, S, H, 3, D]: view as [S, H*3*D] and take Q, K, V per head.
      const [, S, , , D] = qT.dims;
      const q = new Float32Array(H * S * D);
      const k = new Float32Array(H * S * D);
      const v = new Float32Array(H * S * D);
      for (let s = 0; s < S; s++) {
        for (let h = 0; h < H; h++) {
          for (let d = 0; d < D; d++) {
            const base = ((s * H + h) * 3) * D + d;
            const dst = (h * S + s) * D + d;
            q[dst] = qT.data[base];
            k[dst] = qT.data[base + D];
            v[dst] = qT.data[base + 2 * D];
          }
        }
      }
      return { heads: H, kvHeads: H, headDim: D, queryLen: S, q, k, v, newKeys: S, elemType: elemTypeOf(qT, where), contextDims: [1, S, H * D] };
    }
    const [, S, hidden] = qT.dims;
    const D = hidden / H;
    if (!f.key || !f.value) throw new InputError(where, 'query is not packed but key or value is missing');
    const kT = fetchTensor(src, f.key, where);
    const vT = fetchTensor(src, f.value, where);
    const q = splitHeads(qT.data, S, hidden, 0, H, D, bias, 0);
    let k: Float32Array;
    let v: Float32Array;
    let L: number;
    if (kT.dims.length === 4) {
      if (bias) throw new InputError(where, 'bias with key/value already split into heads (BNSH) is not modelled');
      L = kT.dims[2];
      k = kT.data;
      v = vT.data;
    } else {
      L = kT.dims[1];
      k = splitHeads(kT.data, L, hidden, 0, H, D, bias, hidden);
      v = splitHeads(vT.data, L, hidden, 0, H, D, bias, 2 * hidden);
    }
    return { heads: H, kvHeads: H, headDim: D, queryLen: S, q, k, v, newKeys: L, elemType: elemTypeOf(qT, where), contextDims: [1, S, H * D] };
  }
  // GroupQueryAttention
  const Hkv = core.kvHeads;
  const qT = fetchTensor(src, f.query, where);
  if (qT.dims.length !== 3 || qT.dims[0] !== 1) throw new InputError(where, `query has shape [${qT.dims}], expected [1, S, width]`);
  const [, S, width] = qT.dims;
  let q: Float32Array;
  let k: Float32Array;
  let v: Float32Array;
  let D: number;
  if (!f.key) {
    D = width / (H + 2 * Hkv);
    q = splitHeads(qT.data, S, width, 0, H, D, null, 0);
    k = splitHeads(qT.data, S, width, H * D, Hkv, D, null, 0);
    v = splitHeads(qT.data, S, width, (H + Hkv) * D, Hkv, D, null, 0);
  } else {
    D = width / H;
    const kT = fetchTensor(src, f.key, where);
    const vT = fetchTensor(src, f.value ?? '', where);
    q = splitHeads(qT.data, S, width, 0, H, D, null, 0);
    k = splitHeads(kT.data, S, Hkv * D, 0, Hkv, D, null, 0);
    v = splitHeads(vT.data, S, Hkv * D, 0, Hkv, D, null, 0);
  }
  if (f.cosCache && f.sinCache) {
    const cos = fetchTensor(src, f.cosCache, where);
    const sin = fetchTensor(src, f.sinCache, where);
    applyRotary(q, H, S, D, cos, sin, positions, f.rotaryInterleaved, where);
    applyRotary(k, Hkv, S, D, cos, sin, positions, f.rotaryInterleaved, where);
  }
  return { heads: H, kvHeads: Hkv, headDim: D, queryLen: S, q, k, v, newKeys: S, elemType: elemTypeOf(qT, where), contextDims: [1, S, H * D] };
}

/** The core's context [H, Lq, D] as the tensor the next segment reads. */
export function contextTensor(core: DiscoveredCore, ctx: Float32Array, t: CoreTensors): ort.Tensor {
  if (core.context.layout === 'BHLD') return f32ToTensor(ctx, t.contextDims, t.elemType);
  const { heads: H, queryLen: L, headDim: D } = t;
  const merged = new Float32Array(L * H * D);
  for (let h = 0; h < H; h++) {
    for (let l = 0; l < L; l++) merged.set(ctx.subarray((h * L + l) * D, (h * L + l + 1) * D), (l * H + h) * D);
  }
  return f32ToTensor(merged, t.contextDims, t.elemType);
}
