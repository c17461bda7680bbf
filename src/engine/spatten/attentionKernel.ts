// The seam between the SpAtten core's decisions (TypeScript: cascade state, top-k selections,
// the Trace) and the bulk arithmetic of one attention-core call (an AttentionKernel, e.g. the
// onnxruntime graph in runtime/ortAttentionKernel.ts). The core says which heads, query rows and
// keys are alive and how operands are quantized; the kernel returns only per-row and per-key
// vectors and the context, never an [H, Lq, Lk] tensor.
//
// The kernel must compute what spattenAttentionCore.ts's TypeScript loop computes (the loop in
// float64 from the float32 operands; a kernel may run the scores in float32, see
// runtime/ortAttentionKernel.ts): per-row symmetric quantize/dequantize of Q, K, V (each
// dequantized value rounded to float32, as the TypeScript core stores it), scores scale * Q.K +
// mask (+ bias) over the visible alive keys, softmax, the MSB-only first pass and the LSB refetch of rows
// whose largest probability is below the threshold, importance sums, P x V and per-row |context|.
import type { AttentionCoreShape } from '../runtime/attentionCore';
import type { SpattenPolicy } from './policy';

export interface KernelRequest {
  shape: AttentionCoreShape;
  /** [H, Lq, D], [Hkv, kvStride, D], [Hkv, kvStride, D]: the call's own operands. */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** Rows per KV head in k and v (>= keyLen; AttentionCoreCall.kvStride). */
  kvStride: number;
  /** [Lq, Lk] additive mask or null. */
  mask: Float32Array | null;
  /** [H, Lq, Lk] additive per-head bias or null (AttentionCoreCall.bias). */
  bias: Float32Array | null;
  scale: number;
  /** Alive heads (ascending) and the KV head each reads. */
  heads: Int32Array;
  kvOf: Int32Array;
  /** Alive query rows (indices into the call's Lq rows, ascending). */
  rows: Int32Array;
  /** Per alive row: the last key position it may see (causal), or Infinity. */
  rowLimit: Float64Array;
  /** Alive keys (positions, ascending). */
  keys: Int32Array;
  quantization: SpattenPolicy['quantization'];
  /** Every alive row sees at least one finite score (no row's softmax is empty). */
  rowsNonEmpty: boolean;
  /**
   * Return the final probabilities instead of the context (local V pruning: the caller selects
   * each row's V rows and multiplies). They are then computed in float64, so the per-row top-k
   * sees the TypeScript core's values to float64 rounding.
   */
  probabilities: boolean;
}

/** m alive heads, r alive rows, n alive keys; row vectors are [m, r] head-major. */
export interface KernelResult {
  /** [m, r, D] P x V of the alive rows (float32, as the TypeScript core stores it). */
  context: Float32Array;
  /** [m, r] largest probability of the first (MSB-only or only) softmax. */
  maxFirst: Float64Array;
  /** [m, r] 1 where the row fetched its LSBs and was recomputed (progressive only). */
  refetched: Uint8Array;
  /** [m, r] largest probability after the refetch (meaningful where refetched). */
  maxAfter: Float64Array;
  /** [m, r] sum over d of |context|. */
  rowAbsSum: Float64Array;
  /** [n] sum over alive heads and rows of the final probability of each alive key. */
  importance: Float64Array;
  /** [m, r, n] final probabilities when the request asked for them (context and rowAbsSum are then empty). */
  probabilities: Float64Array | null;
}

export interface AttentionKernel {
  run(req: KernelRequest): Promise<KernelResult>;
}
