// The model's dimensions, as one type: what the FLOP model, the SpAtten core and the report need to
// size the work of a layer. Read once from discovery (the summary) and the weights (the FFN).
import { layerFfnSize } from './layerFfnSize';
import type { DiscoveredTransformer } from './transformerDiscovery';

export interface ModelDims {
  layers: number;
  /** Query heads and K/V heads (fewer with grouped-query attention). */
  heads: number;
  kvHeads: number;
  headDim: number;
  hiddenSize: number;
  /** FFN hidden width; 0 when the graph has no FFN weights (attention-only graphs). */
  ffnSize: number;
  /** Weight matrices in the FFN: 2 (up, down: BERT, GPT-2) or 3 (gate, up, down: Llama). */
  ffnMatrices: number;
}

export function modelDims(d: DiscoveredTransformer): ModelDims {
  const { layers, heads, kvHeads, headDim, hiddenSize } = d.summary;
  const { ffnSize, ffnMatrices } = layerFfnSize(d);
  return { layers, heads, kvHeads, headDim, hiddenSize, ffnSize, ffnMatrices };
}
