// Q, K and V of one attention-core call as SpAtten's datapath sees them: Q at queryBits, K as MSBs
// (for the first pass) and MSB + LSB (for a refetch), V at valueBits; or all three at fixed widths
// in static mode. One scale per token row of a head ([D] values): a token's stored bits never
// depend on later tokens (a KV cache is written once), and only the rows alive at this layer are
// quantized, since the others are never fetched or read.
import type { AttentionCoreCall } from '../runtime/attentionCore';
import type { SpattenPolicy } from './policy';
import { quantizeDequantize, splitMsbLsb, symmetricScale } from './progressiveQuantization';

export interface CoreOperands {
  /** [H, Lq, D] */
  qSrc: Float32Array;
  /** [Hkv, Lk, D]: K used for the first softmax (MSB-only when progressive). */
  kScore: Float32Array;
  /** [Hkv, Lk, D]: K after an LSB refetch (full precision of the quantizer). */
  kFull: Float32Array;
  /** [Hkv, Lk, D] */
  vSrc: Float32Array;
}

export class QuantizedOperands {
  private q = new Float32Array(0);
  private kMsb = new Float32Array(0);
  private kFull = new Float32Array(0);
  private v = new Float32Array(0);

  /** Quantizes the rows of `call` the layer uses; with mode 'off' returns the call's own tensors. */
  prepare(call: AttentionCoreCall, quant: SpattenPolicy['quantization'], aliveKeys: Int32Array, nAlive: number): CoreOperands {
    if (quant.mode === 'off') return { qSrc: call.q, kScore: call.k, kFull: call.k, vSrc: call.v };
    const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
    if (this.q.length < H * Lq * D) this.q = new Float32Array(H * Lq * D);
    if (this.kFull.length < Hkv * Lk * D) {
      this.kFull = new Float32Array(Hkv * Lk * D);
      this.kMsb = new Float32Array(Hkv * Lk * D);
      this.v = new Float32Array(Hkv * Lk * D);
    }
    for (let r = 0; r < H * Lq; r++) {
      const off = r * D;
      quantizeDequantize(call.q, off, D, quant.queryBits, symmetricScale(call.q, off, D, quant.queryBits), this.q, off);
    }
    const total = quant.keyBits + quant.keyLsbBits;
    for (let g = 0; g < Hkv; g++) {
      for (let a = 0; a < nAlive; a++) {
        const off = (g * Lk + aliveKeys[a]) * D;
        quantizeDequantize(call.v, off, D, quant.valueBits, symmetricScale(call.v, off, D, quant.valueBits), this.v, off);
        if (quant.mode === 'static') {
          quantizeDequantize(call.k, off, D, quant.keyBits, symmetricScale(call.k, off, D, quant.keyBits), this.kFull, off);
        } else {
          splitMsbLsb(call.k, off, D, quant.keyBits, quant.keyLsbBits, symmetricScale(call.k, off, D, total), this.kMsb, this.kFull, off, quant.msbReading);
        }
      }
    }
    return { qSrc: this.q, kScore: quant.mode === 'static' ? this.kFull : this.kMsb, kFull: this.kFull, vSrc: this.v };
  }
}
