// Q, K and V of one attention-core call as SpAtten's datapath sees them: Q at queryBits, K as MSBs
// (for the first pass) and MSB + LSB (for a refetch), V at valueBits; or all three at fixed widths
// in static mode. One scale per token row of a head ([D] values): a token's stored bits never
// depend on later tokens (a KV cache is written once), and only the rows alive at this layer are
// quantized, since the others are never fetched or read.
//
// Quantized once, on append: each layer keeps its K and V planes (MSB-only reading, full reading,
// V) by position. A decode step whose first `cachedKeys` rows come unchanged from the engine's KV
// cache reuses the rows quantized by earlier calls and quantizes only new (or newly read) ones;
// re-quantizing the whole cache at every step and layer was 78 % of a generation's core time.
// A row's quantization depends on that row alone, so the planes hold exactly what quantizing the
// whole cache again would produce.
import type { AttentionCoreCall } from '../runtime/attentionCore';
import type { SpattenPolicy } from './policy';
import { quantizeRows, splitRows } from './progressiveQuantization';

export interface CoreOperands {
  /** [H, Lq, D] */
  qSrc: Float32Array;
  /** [Hkv, kvStride, D]: K used for the first softmax (MSB-only when progressive). */
  kScore: Float32Array;
  /** [Hkv, kvStride, D]: K after an LSB refetch (full precision of the quantizer). */
  kFull: Float32Array;
  /** [Hkv, kvStride, D] */
  vSrc: Float32Array;
  /** Rows per KV head in kScore, kFull and vSrc (>= Lk): key j of KV head g is row g * kvStride + j. */
  kvStride: number;
}

/** One layer's quantized planes, [Hkv, cap, D], and which positions hold a quantized row. */
class LayerPlanes {
  cap = 0;
  kMsb = new Float32Array(0);
  kFull = new Float32Array(0);
  v = new Float32Array(0);
  done = new Uint8Array(0);

  /** Room for `rows` positions of `Hkv` heads, keeping the rows already quantized. */
  ensure(Hkv: number, rows: number, D: number): void {
    if (rows <= this.cap) return;
    const cap = Math.max(rows, this.cap * 2, 64);
    const grow = (old: Float32Array) => {
      const next = new Float32Array(Hkv * cap * D);
      for (let g = 0; g < Hkv && this.cap > 0; g++) next.set(old.subarray(g * this.cap * D, (g + 1) * this.cap * D), g * cap * D);
      return next;
    };
    this.kMsb = grow(this.kMsb);
    this.kFull = grow(this.kFull);
    this.v = grow(this.v);
    const done = new Uint8Array(cap);
    done.set(this.done);
    this.done = done;
    this.cap = cap;
  }
}

export class QuantizedOperands {
  private q = new Float32Array(0);
  private layers: LayerPlanes[] = [];
  /** 0, 1, 2, ...: every row of Q. */
  private qRows = new Int32Array(0);
  /** Scratch: positions a prepare() call quantizes. */
  private fresh = new Int32Array(0);

  /** perLayer false (encoders: nothing is ever reused): one set of planes serves every layer. */
  constructor(private readonly perLayer: boolean) {}

  /** Forgets every quantized row (a new input). */
  reset(): void {
    this.layers = [];
  }

  /**
   * Quantizes the rows of `call` the layer uses; with mode 'off' returns the call's own tensors.
   * Rows below `call.cachedKeys` quantized by an earlier call of the layer are reused.
   */
  prepare(call: AttentionCoreCall, quant: SpattenPolicy['quantization'], aliveKeys: Int32Array, nAlive: number): CoreOperands {
    const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
    const stride = call.kvStride ?? Lk;
    if (quant.mode === 'off') return { qSrc: call.q, kScore: call.k, kFull: call.k, vSrc: call.v, kvStride: stride };
    if (this.q.length < H * Lq * D) this.q = new Float32Array(H * Lq * D);
    if (this.qRows.length < H * Lq) this.qRows = Int32Array.from({ length: H * Lq }, (_, r) => r);
    quantizeRows(call.q, 0, this.qRows, H * Lq, D, quant.queryBits, this.q, 0);
    const planes = (this.layers[this.perLayer ? call.layer : 0] ??= new LayerPlanes());
    planes.ensure(Hkv, Lk, D);
    // Rows past the cached prefix are new (or recomputed by a full pass): quantize them again.
    planes.done.fill(0, this.perLayer ? Math.min(call.cachedKeys ?? 0, planes.cap) : 0);
    const cap = planes.cap;
    // The alive rows not quantized yet, then each KV head's rows in one call (quantizeRows says why).
    if (this.fresh.length < nAlive) this.fresh = new Int32Array(Math.max(nAlive, this.fresh.length * 2));
    const fresh = this.fresh;
    let n = 0;
    for (let a = 0; a < nAlive; a++) {
      const j = aliveKeys[a];
      if (planes.done[j] === 1) continue;
      planes.done[j] = 1;
      fresh[n++] = j;
    }
    for (let g = 0; g < Hkv && n > 0; g++) {
      const src = g * stride * D;
      const dst = g * cap * D;
      quantizeRows(call.v, src, fresh, n, D, quant.valueBits, planes.v, dst);
      if (quant.mode === 'static') quantizeRows(call.k, src, fresh, n, D, quant.keyBits, planes.kFull, dst);
      else splitRows(call.k, src, fresh, n, D, quant.keyBits, quant.keyLsbBits, quant.msbReading, planes.kMsb, planes.kFull, dst);
    }
    return { qSrc: this.q, kScore: quant.mode === 'static' ? planes.kFull : planes.kMsb, kFull: planes.kFull, vSrc: planes.v, kvStride: cap };
  }
}
