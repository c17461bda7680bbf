// Folds what the graph does between Q x K^T and Softmax (scales, mask adds, Where fills) or what
// a fused op's mask inputs mean into one scale and one additive mask [Lq, Lk]. The causal part is
// separated out (AttentionCoreCall.causal) and checked numerically against the discovery verdict.

import { InputError } from '../errors';
import type { DiscoveredCore } from '../model/attentionCore';
import type { F32Tensor, TensorSource } from './coreTensors';
import { fetchTensor } from './coreTensors';

/** Scores at or below this are masked out (exp underflows; HF uses -1e4 or finfo.min). */
export const MASKED = -1000;

export interface CoreMask {
  scale: number;
  /** [Lq, Lk] or null when nothing is added. */
  mask: Float32Array | null;
  causal: boolean;
  /** Set when the numbers contradicted discovery's causal verdict. */
  note?: string;
}

/** Broadcasts a tensor to [Lq, Lk] (right-aligned); leading dims must be 1 or hold identical slices. */
function broadcast2d(t: F32Tensor, Lq: number, Lk: number, where: string, what: string): Float32Array {
  const d = t.dims;
  const rows = d.length >= 2 ? d[d.length - 2] : 1;
  const cols = d.length >= 1 ? d[d.length - 1] : 1;
  if ((rows !== 1 && rows !== Lq) || (cols !== 1 && cols !== Lk)) {
    throw new InputError(where, `${what} has shape [${d}], which does not broadcast to [${Lq}, ${Lk}]`);
  }
  const slice = rows * cols;
  const lead = t.data.length / slice;
  for (let s = 1; s < lead; s++) {
    for (let i = 0; i < slice; i++) {
      if (t.data[s * slice + i] !== t.data[i]) throw new InputError(where, `${what} [${d}] differs between heads or batch rows: a per-head bias is not modelled`);
    }
  }
  const out = new Float32Array(Lq * Lk);
  if (cols === Lk) {
    // Whole rows: copy them (a [1, Lk] padding mask is the common case).
    for (let i = 0; i < Lq; i++) out.set(t.data.subarray((rows === 1 ? 0 : i) * cols, (rows === 1 ? 0 : i) * cols + Lk), i * Lk);
    return out;
  }
  // One value per row (cols === 1): fill each row with it, or the whole mask for a scalar (a
  // Where's fill value). This runs once per pass, in code V8 has not optimized: a loop over
  // every element cost ~1 ms at 128 x 128.
  if (rows === 1) return out.fill(t.data[0]);
  for (let i = 0; i < Lq; i++) out.fill(t.data[i], i * Lk, (i + 1) * Lk);
  return out;
}

/** A plain loop: every() calls back per element, which costs more than the mask itself at 512 tokens. */
function isAllZero(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] !== 0) return false;
  return true;
}

function scalarOf(t: F32Tensor, where: string): number {
  if (t.data.length !== 1) throw new InputError(where, `scale tensor has shape [${t.dims}], expected a scalar`);
  return t.data[0];
}

/** com.microsoft mask_index / key_padding_mask: [B] lengths, [B, T] 0/1, or [B, S, T] 0/1. */
function paddingMask(t: F32Tensor, Lq: number, Lk: number, fill: number, where: string): Float32Array {
  const out = new Float32Array(Lq * Lk);
  const d = t.dims;
  if (d.length === 1) {
    if (d[0] !== 1) throw new InputError(where, `mask index of shape [${d}] (start/end form or batch > 1) is not modelled`);
    const len = t.data[0];
    for (let i = 0; i < Lq; i++) for (let j = len; j < Lk; j++) out[i * Lk + j] = fill;
    return out;
  }
  if (d.length === 2 || d.length === 3) {
    const m = broadcast2d(t, Lq, Lk, where, 'attention mask');
    for (let i = 0; i < m.length; i++) out[i] = m[i] === 0 ? fill : 0;
    return out;
  }
  throw new InputError(where, `mask of shape [${d}] is not modelled`);
}

function plainMask(core: DiscoveredCore, src: TensorSource, Lq: number, Lk: number, withMasks: boolean, where: string): { scale: number; mask: Float32Array | null } {
  let scale = 1;
  let mask: Float32Array | null = null;
  for (const s of core.maskSteps) {
    if (s.op === 'scale' || s.op === 'scaleTensor') {
      const c = s.op === 'scale' ? s.value : scalarOf(fetchTensor(src, s.tensor, where), where);
      const m = s.op === 'scaleTensor' && s.divide ? 1 / c : c;
      scale *= m;
      if (mask) for (let i = 0; i < mask.length; i++) mask[i] *= m;
      continue;
    }
    if (!withMasks) continue;
    mask ??= new Float32Array(Lq * Lk);
    if (s.op === 'add') {
      const a = broadcast2d(fetchTensor(src, s.tensor, where), Lq, Lk, where, `mask '${s.tensor}'`);
      for (let i = 0; i < mask.length; i++) mask[i] += a[i];
    } else {
      const cond = broadcast2d(fetchTensor(src, s.cond, where), Lq, Lk, where, `mask condition '${s.cond}'`);
      const fill = broadcast2d(fetchTensor(src, s.fill, where), Lq, Lk, where, `mask fill '${s.fill}'`);
      for (let i = 0; i < mask.length; i++) {
        if ((cond[i] !== 0) === s.chainWhen) continue;
        // Where replaces the score by `fill`; as an additive mask that is the same softmax as
        // long as `fill` masks (exp underflows to exactly 0 in float32).
        if (fill[i] > MASKED) throw new InputError(where, `Where fills visible scores with ${fill[i]}: not a mask the engine can model`);
        mask[i] = fill[i];
      }
    }
  }
  return { scale: scale * core.operandScale, mask };
}

/**
 * Scale and mask for one core call. `positions[i]` is the key index of query row i; `withMasks`
 * false (decode steps) means the graph's mask tensors were not computed: only causal applies.
 */
export function coreMask(core: DiscoveredCore, src: TensorSource, Lq: number, Lk: number, headDim: number, positions: Int32Array, withMasks: boolean): CoreMask {
  const where = `attention core ${core.layer} (${core.anchor})`;
  const f = core.fused;
  let scale: number;
  let mask: Float32Array | null = null;
  if (!f) {
    const r = plainMask(core, src, Lq, Lk, withMasks, where);
    scale = r.scale;
    mask = r.mask;
  } else {
    scale = core.scale ?? 1 / Math.sqrt(headDim);
    if (withMasks && f.op === 'Attention' && f.maskIndex) {
      mask = paddingMask(fetchTensor(src, f.maskIndex, where), Lq, Lk, f.maskFilterValue, where);
    } else if (withMasks && f.op === 'MultiHeadAttention') {
      if (f.keyPaddingMask) mask = paddingMask(fetchTensor(src, f.keyPaddingMask, where), Lq, Lk, f.maskFilterValue, where);
      if (f.attentionBias) {
        const b = broadcast2d(fetchTensor(src, f.attentionBias, where), Lq, Lk, where, 'attention_bias');
        mask ??= new Float32Array(Lq * Lk);
        for (let i = 0; i < b.length; i++) mask[i] += b[i];
      }
    }
  }
  let causal = core.causal;
  let note: string | undefined;
  if (mask && !f) {
    // Separate the causal part: every key after the query's position must already be masked.
    let allFutureMasked = true;
    let anyFuture = false;
    for (let i = 0; i < Lq && allFutureMasked; i++) {
      for (let j = positions[i] + 1; j < Lk; j++) {
        anyFuture = true;
        if (mask[i * Lk + j] > MASKED) {
          allFutureMasked = false;
          break;
        }
      }
    }
    if (causal && !allFutureMasked) {
      causal = false;
      note = 'discovery judged the mask causal but it leaves future keys visible: treated as bidirectional';
    } else if (!causal && anyFuture && allFutureMasked && Lq > 1) {
      causal = true;
      note = 'the mask hides every future key: treated as causal';
    }
    if (causal) for (let i = 0; i < Lq; i++) for (let j = positions[i] + 1; j < Lk; j++) mask[i * Lk + j] = 0;
  }
  if (mask && isAllZero(mask)) mask = null;
  return { scale, mask, causal, note };
}
