// FLOP counts (a multiply-add = 2 FLOPs) of the attention core and of the per-token FC work of a
// layer, given the model's dimensions. Token pruning saves FC work because a pruned token's Q, K,
// V projections, output projection and FFN are never computed in later layers; head pruning saves
// the pruned heads' share of the projections.

import type { ModelDims } from '../model/modelDims';

/** What the FC FLOPs of one layer depend on (`ffnMatrices` defaults to 2). */
type LayerDims = Omit<ModelDims, 'layers' | 'ffnMatrices'> & { ffnMatrices?: number };

/** Q x K for one query row against `keys` keys of dimension headDim. */
export function qkFlops(headDim: number, keys: number): number {
  return 2 * headDim * keys;
}

/** prob x V for one query row over `values` V rows. */
export function pvFlops(headDim: number, values: number): number {
  return 2 * headDim * values;
}

/**
 * FC FLOPs for one token in a layer with `heads` query heads and `kvHeads` KV heads alive:
 * Q, K, V and output projections of the alive heads, plus the FFN.
 */
export function fcFlopsPerToken(dims: LayerDims, heads: number, kvHeads: number): number {
  const projections = 2 * dims.hiddenSize * dims.headDim * (2 * heads + 2 * kvHeads);
  const ffn = 2 * dims.hiddenSize * dims.ffnSize * (dims.ffnMatrices ?? 2);
  return projections + ffn;
}
