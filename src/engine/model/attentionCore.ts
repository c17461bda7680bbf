// What discovery records about one attention core: where it sits in the graph, which tensors the
// engine must read (Q, K, V, mask operands) and which it must write (the context), and the
// core's geometry. The runtime cuts the graph at these tensors.

/**
 * Layout of a tensor the engine reads or writes (batch 1):
 * - 'BHLD': [1, H, L, D] (or [H, L, D])
 * - 'BHDL': [1, H, D, L] (K already transposed for Q x K^T)
 * - 'BLHD': [1, L, H*D] heads merged (inputs and outputs of fused com.microsoft ops)
 */
export type TensorLayout = 'BHLD' | 'BHDL' | 'BLHD';

export interface TensorRef {
  name: string;
  layout: TensorLayout;
}

/**
 * One step of the chain between the scores MatMul and the Softmax, in graph order. The engine
 * folds these into one scale and one additive mask.
 */
export type MaskStep =
  /** Multiply the running scores by a constant. */
  | { op: 'scale'; value: number }
  /** Multiply (or divide) by a scalar the graph computes at run time (e.g. sqrt of a shape dim). */
  | { op: 'scaleTensor'; tensor: string; divide: boolean }
  /** Add a tensor broadcast to [.., Lq, Lk]. */
  | { op: 'add'; tensor: string }
  /** Where(cond, scores, fill) (chainWhen true) or Where(cond, fill, scores) (chainWhen false). */
  | { op: 'where'; cond: string; fill: string; chainWhen: boolean };

export interface AttentionFusedSpec {
  op: 'Attention';
  input: string;
  weights: string;
  bias: string | null;
  /** com.microsoft mask_index: int32 [B] lengths, [B, T] 0/1 mask or [B, S, T]. */
  maskIndex: string | null;
  /** Q, K, V widths in the packed projection. */
  qkvHiddenSizes: [number, number, number] | null;
  maskFilterValue: number;
}

export interface MultiHeadAttentionFusedSpec {
  op: 'MultiHeadAttention';
  /** query [B, S, H*D]; when key is null it is packed QKV [B, S, H, 3, D]. */
  query: string;
  key: string | null;
  value: string | null;
  bias: string | null;
  keyPaddingMask: string | null;
  attentionBias: string | null;
  maskFilterValue: number;
}

export interface GroupQueryAttentionFusedSpec {
  op: 'GroupQueryAttention';
  /** query [B, S, H*D]; when key is null it is packed QKV [B, S, (H + 2 Hkv) * D]. */
  query: string;
  key: string | null;
  value: string | null;
  /** cos/sin caches [maxSeq, rotaryDim / 2] when do_rotary = 1. */
  cosCache: string | null;
  sinCache: string | null;
  rotaryInterleaved: boolean;
}

export type FusedSpec = AttentionFusedSpec | MultiHeadAttentionFusedSpec | GroupQueryAttentionFusedSpec;

/** What every core has, plain or fused. */
interface CoreCommon {
  /** Names of the graph nodes the engine computes instead of ORT. */
  nodes: string[];
  /** How the core was found, e.g. "MatMul->Div->Add->Softmax->MatMul at /h.0/attn/Softmax". */
  path: string;
  /** Tensor the engine writes: plain [1, H, Lq, D] ('BHLD'), fused [1, Lq, H*D] ('BLHD'). */
  context: TensorRef;
  /** 0 when only known at run time (plain graphs with dynamic reshape targets). */
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Multiplier on Q x K^T from constants; null = the op's default 1/sqrt(headDim) (fused) or a
   * scale the graph computes at run time (plain). */
  scale: number | null;
  causal: boolean;
  /** Why the core was judged causal or bidirectional. */
  causalEvidence: string;
  /** Name of the anchor node (Softmax or fused op) and its index in the graph's node list. */
  anchor: string;
  anchorIndex: number;
}

/** A MatMul -> (scale/mask chain) -> Softmax -> MatMul chain of plain ops. */
export interface PlainCoreFinding extends CoreCommon {
  kind: 'plain';
  /** The Q x K^T operands and the P x V operand. */
  q: TensorRef;
  k: TensorRef;
  v: TensorRef;
  /** True when K/V pass through a repeat_kv (Unsqueeze -> Expand -> Reshape) the engine replaces. */
  kvRepeated: boolean;
  /** Product of the scales applied to Q and K before Q x K^T. */
  operandScale: number;
  maskSteps: MaskStep[];
  /** Softmax output (attention probabilities [1, H, Lq, Lk]). */
  probabilities: string | null;
  fused: null;
}

/**
 * A com.microsoft fused attention op: its operands are in `fused`. The plain-only fields are
 * present with their empty values so code that reads them on either kind still type-checks.
 */
export interface FusedCoreFinding extends CoreCommon {
  kind: FusedSpec['op'];
  fused: FusedSpec;
  q: null;
  k: null;
  v: null;
  kvRepeated: false;
  operandScale: 1;
  maskSteps: [];
  probabilities: null;
}

/** A core as discovery finds it, before it is numbered. */
export type CoreFinding = PlainCoreFinding | FusedCoreFinding;

/** One attention core: plain or fused (narrow on `kind`, or on `fused === null`), with its layer index in execution order. */
export type DiscoveredCore = CoreFinding & { layer: number };
