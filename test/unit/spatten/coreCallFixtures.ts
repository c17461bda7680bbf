// Builders for attention-core calls in the SpAtten tests, and an independent plain dense attention
// (the textbook formula, written separately from the engine) to compare against.
import type { AttentionCoreCall } from '../../../src/engine/runtime/attentionCore';
import { seededRandom } from '../../../src/engine/seededRandom';

export interface CallSpec {
  layer: number;
  step: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  q: number[] | Float32Array;
  k: number[] | Float32Array;
  v: number[] | Float32Array;
  queryPositions: number[];
  keyLen: number;
  causal?: boolean;
  mask?: Float32Array | null;
  scale?: number;
}

export function makeCall(s: CallSpec): AttentionCoreCall {
  return {
    layer: s.layer,
    step: s.step,
    shape: { heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim, queryLen: s.queryPositions.length, keyLen: s.keyLen },
    q: Float32Array.from(s.q),
    k: Float32Array.from(s.k),
    v: Float32Array.from(s.v),
    scale: s.scale ?? 1,
    mask: s.mask ?? null,
    causal: s.causal ?? false,
    queryPositions: Int32Array.from(s.queryPositions),
  };
}

/** Plain softmax(scale Q K^T + mask, causal) V, per query head (GQA: head h reads KV head floor(h Hkv / H)). */
export function denseAttention(call: AttentionCoreCall): Float32Array {
  const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
  const out = new Float32Array(H * Lq * D);
  for (let h = 0; h < H; h++) {
    const g = Math.floor((h * Hkv) / H);
    for (let i = 0; i < Lq; i++) {
      const scores: number[] = [];
      for (let j = 0; j < Lk; j++) {
        if (call.causal && j > call.queryPositions[i]) {
          scores.push(-Infinity);
          continue;
        }
        let dot = 0;
        for (let d = 0; d < D; d++) dot += call.q[(h * Lq + i) * D + d] * call.k[(g * Lk + j) * D + d];
        scores.push(call.scale * dot + (call.mask ? call.mask[i * Lk + j] : 0));
      }
      const m = Math.max(...scores);
      const e = scores.map((x) => Math.exp(x - m));
      const z = e.reduce((a, b) => a + b, 0);
      for (let d = 0; d < D; d++) {
        let acc = 0;
        for (let j = 0; j < Lk; j++) acc += (e[j] / z) * call.v[(g * Lk + j) * D + d];
        out[(h * Lq + i) * D + d] = acc;
      }
    }
  }
  return out;
}

export function randomArray(n: number, random: () => number, spread = 2): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (random() * 2 - 1) * spread;
  return a;
}

export { seededRandom };
