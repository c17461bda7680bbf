// The contract between the runtime (which runs the model's graph segments in onnxruntime and owns
// the KV cache) and whoever computes an attention core (scores -> mask -> softmax -> P x V):
// the dense reference core for parity, or the SpAtten functional model (src/engine/spatten).
//
// All tensors are batch 1, row-major float32, in the canonical layouts written beside each field.

import type { ModelDims } from '../model/modelDims';
import type { AttentionKernel } from '../spatten/attentionKernel';

/**
 * The geometry of one call: the model's head dimensions (ModelDims' fields, as the call's tensors
 * have them: H query heads, Hkv key/value heads, head dimension D) plus this call's lengths.
 */
export interface AttentionCoreShape extends Pick<ModelDims, 'heads' | 'kvHeads' | 'headDim'> {
  /** Query rows Lq in this call (all tokens for an encoder or prompt pass, 1 per decode step). */
  queryLen: number;
  /** Keys Lk visible in this call (cache plus the new tokens). */
  keyLen: number;
}

export interface AttentionCoreCall {
  /** Layer index in execution order (0-based). */
  layer: number;
  /**
   * -1 for an encoder pass or a decoder's prompt pass; 0, 1, ... for decode steps
   * (0 = the first generated or teacher-forced token after the prompt).
   */
  step: number;
  shape: AttentionCoreShape;
  /** [H, Lq, D] */
  q: Float32Array;
  /** [Hkv, kvStride, D]; query head h reads KV head floor(h * Hkv / H). */
  k: Float32Array;
  /** [Hkv, kvStride, D] */
  v: Float32Array;
  /**
   * Rows per KV head in k and v (>= keyLen; absent = keyLen): key j of KV head g is row
   * g * kvStride + j, and rows from keyLen on are not part of the call. Lets the engine hand a
   * decode step its KV cache's own storage instead of a compact copy of the whole cache.
   */
  kvStride?: number;
  /** Multiplier applied to Q x K^T before the mask (whatever the graph does, e.g. 1/sqrt(D)). */
  scale: number;
  /**
   * Additive mask [Lq, Lk] the graph itself computes (0 where visible, a large negative value where
   * not), or null when the graph adds none. Causal masking is given by `causal`, not folded in here,
   * so that a core can reason about it.
   */
  mask: Float32Array | null;
  /** True when query i may only see keys at positions <= queryPositions[i]. */
  causal: boolean;
  /**
   * Additive per-head bias [H, Lq, Lk] added to the scaled scores together with the mask, or
   * absent/null. Attention variants with position biases (ALiBi: -slope_h * distance) give theirs
   * here; unlike the mask it may differ between heads and is never read as causal structure.
   */
  bias?: Float32Array | null;
  /** Key index (position in the sequence) of each query row, length Lq. */
  queryPositions: Int32Array;
  /**
   * Element type of the graph's Q/K/V and context tensors (optional; absent = 'float32'). The
   * engine converts to and from float32 around the core; a core may use this to model precision.
   */
  precision?: 'float32' | 'float16';
  /**
   * The first `cachedKeys` rows of k and v come unchanged from the engine's KV cache, exactly as
   * this layer's previous call saw them (decode steps); a core may reuse what it derived from
   * them (e.g. quantized planes). Absent or 0: every row may be new.
   */
  cachedKeys?: number;
}

export interface AttentionCore {
  /** Returns the context [H, Lq, D] (P x V per head, before the output projection). */
  run(call: AttentionCoreCall): Float32Array;
  /**
   * Present when the core changes nothing (every technique off) and only observes: the engine
   * may then run the unmodified graph in one ORT pass (runtime/wholeGraphPass.ts) and hand it
   * each layer's probability statistics instead of calling run().
   */
  readonly densePass?: DensePassObserver;
  /**
   * Present when the core can hand its bulk arithmetic to an AttentionKernel (the onnxruntime
   * graph of runtime/ortAttentionKernel.ts): the engine then calls runWithKernel() instead of run().
   */
  readonly kernelPath?: KernelPathCore;
}

export interface KernelPathCore {
  runWithKernel(call: AttentionCoreCall, kernel: AttentionKernel): Promise<Float32Array>;
}

/** Per layer of an unmodified full pass (step -1): reductions of the graph's own probabilities. */
export interface DenseLayerStats {
  layer: number;
  heads: number;
  queryLen: number;
  keyLen: number;
  /** Discovery's verdict (query i sees keys <= i). */
  causal: boolean;
  /** [Lk] sum over heads and query rows of the probability each key received. */
  importance: Float64Array;
  /** [H * Lq] largest probability of each row (head-major). */
  rowMax: Float64Array;
  /** [H * Lq] sum over d of |context| of each row. */
  rowAbsSum: Float64Array;
}

export interface DensePassObserver {
  recordDenseLayer(stats: DenseLayerStats): void;
}
