// The dense reference attention core: softmax(scale * Q K^T + mask, causal) V per head, exactly
// what the graph's own nodes compute. With it the engine must reproduce a plain ORT run.
// Accumulation is in double; for fp16 graphs this matches onnxruntime's CPU provider, which runs
// the attention ops in float32 between inserted casts (measured: rounding the intermediates to
// half precision moved the engine further from ORT), so only the context is rounded to fp16.

import type { AttentionCore, AttentionCoreCall } from './attentionCore';

export function computeDenseAttention(call: AttentionCoreCall, out?: Float32Array): Float32Array {
  const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = call.shape;
  const { q, k, v, scale, mask, causal, queryPositions } = call;
  const ctx = out ?? new Float32Array(H * Lq * D);
  const scores = new Float64Array(Lk);
  const acc = new Float64Array(D);
  for (let h = 0; h < H; h++) {
    const kvh = Math.floor((h * Hkv) / H);
    const kBase = kvh * Lk * D;
    for (let i = 0; i < Lq; i++) {
      const qOff = (h * Lq + i) * D;
      const last = causal ? Math.min(Lk - 1, queryPositions[i]) : Lk - 1;
      let max = -Infinity;
      for (let j = 0; j <= last; j++) {
        const kOff = kBase + j * D;
        // Four partial sums: independent chains the CPU can overlap.
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        let d = 0;
        for (; d + 3 < D; d += 4) {
          d0 += q[qOff + d] * k[kOff + d];
          d1 += q[qOff + d + 1] * k[kOff + d + 1];
          d2 += q[qOff + d + 2] * k[kOff + d + 2];
          d3 += q[qOff + d + 3] * k[kOff + d + 3];
        }
        for (; d < D; d++) d0 += q[qOff + d] * k[kOff + d];
        const dot = d0 + d1 + d2 + d3;
        let s = dot * scale;
        if (mask) s += mask[i * Lk + j];
        scores[j] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let j = 0; j <= last; j++) {
        const e = max === -Infinity ? 0 : Math.exp(scores[j] - max);
        scores[j] = e;
        sum += e;
      }
      acc.fill(0);
      const inv = sum > 0 ? 1 / sum : 0;
      for (let j = 0; j <= last; j++) {
        const p = scores[j] * inv;
        if (p === 0) continue;
        const vOff = kBase + j * D;
        for (let d = 0; d < D; d++) acc[d] += p * v[vOff + d];
      }
      for (let d = 0; d < D; d++) ctx[qOff + d] = acc[d];
    }
  }
  return ctx;
}

export const denseAttentionCore: AttentionCore = {
  run: (call) => computeDenseAttention(call),
};
