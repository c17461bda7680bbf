// The FFN width of a transformer, read off its weights, for the FLOP model of the FC work that token
// pruning saves. The FFN matrices are the 2-D MatMul/Gemm weights with one side equal to the hidden
// size and the other side a width that is neither the hidden size, the packed QKV width, the K/V
// width, nor the vocabulary (embeddings, classifier). The most frequent such width is the FFN size;
// how many of them there are per layer says 2 (up, down) or 3 (gate, up, down: SwiGLU) matrices.
import type { DiscoveredTransformer } from './transformerDiscovery';
import { constantTensor, dimsOf } from './graphIndex';

export interface FfnSize {
  /** FFN hidden width (elements); 0 when no FFN weights were found (attention-only graphs). */
  ffnSize: number;
  /** Weight matrices per layer in the FFN (2 or 3). */
  ffnMatrices: number;
}

const WEIGHT_OPS = new Set(['MatMul', 'Gemm', 'MatMulInteger', 'MatMulNBits', 'FusedMatMul']);

export function layerFfnSize(d: DiscoveredTransformer): FfnSize {
  const s = d.summary;
  const h = s.hiddenSize;
  const excluded = new Set([h, 3 * h, s.kvHeads * s.headDim, (s.heads + 2 * s.kvHeads) * s.headDim]);
  const counts = new Map<number, number>();
  for (const n of d.graph.nodes) {
    if (!WEIGHT_OPS.has(n.opType ?? '')) continue;
    for (const input of (n.input ?? []).slice(0, 2)) {
      const t = d.graph.initializers.get(input) ?? constantTensor(d.graph, input);
      if (!t) continue;
      const dims = dimsOf(t);
      if (dims.length !== 2 || (dims[0] !== h && dims[1] !== h)) continue;
      const other = dims[0] === h ? dims[1] : dims[0];
      // Vocabulary-sized matrices (lm_head) are far wider than any FFN of the same model.
      if (excluded.has(other) || other > 16 * h) continue;
      counts.set(other, (counts.get(other) ?? 0) + 1);
    }
  }
  let best = 0;
  let bestCount = 0;
  for (const [width, c] of counts) if (c > bestCount || (c === bestCount && width > best)) [best, bestCount] = [width, c];
  if (best === 0 || s.layers === 0) return { ffnSize: 0, ffnMatrices: 2 };
  return { ffnSize: best, ffnMatrices: Math.max(2, Math.round(bestCount / s.layers)) };
}
