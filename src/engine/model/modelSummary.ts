// The model summary the report shows: family, depth, heads, widths, parameters, opset. The family
// is read off the ops the exporter wrote: RMSNorm and RoPE mean Llama, tanh-GELU with causal
// attention GPT-2, erf-GELU with LayerNorm and bidirectional attention BERT.

import type { DiscoveredCore } from './attentionCore';
import type { GraphIndex } from './graphIndex';
import { constantTensor, dimsOf, scalarConstant } from './graphIndex';

/** What the report says about the model (the report's `model` section is exactly this). */
export interface ModelSummary {
  /** File name only (never a full path: reports are shared). */
  fileName: string;
  /** What the model is called (modelName.ts): its folder for a generic file name, e.g. "decoder". */
  name?: string;
  family: 'bert' | 'gpt2' | 'llama' | 'generic';
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  hiddenSize: number;
  /** Parameter count (elements of all initializers). */
  parameters: number;
  opset: number;
  causal: boolean;
  /** How each attention core was found, e.g. "MatMul->Div->Add->Softmax->MatMul at /h.0/attn". */
  attentionCores: string[];
}

export interface FamilyEvidence {
  family: ModelSummary['family'];
  /** Op patterns seen, e.g. ['LayerNorm', 'erf-GELU']. */
  seen: string[];
}

export function detectFamily(g: GraphIndex, cores: DiscoveredCore[]): FamilyEvidence {
  const ops = new Set(g.nodes.map((n) => n.opType ?? ''));
  const seen: string[] = [];
  const has = (op: string) => ops.has(op);
  // RMSNorm: fused op, or x / sqrt(mean(x^2) + eps) spelled out (Pow/ReduceMean with no mean subtraction).
  const layerNorm = has('LayerNormalization') || has('SkipLayerNormalization') || (has('ReduceMean') && has('Sub') && has('Pow'));
  const rmsNorm =
    has('SimplifiedLayerNormalization') || has('SkipSimplifiedLayerNormalization') || has('RMSNormalization') ||
    (has('ReduceMean') && has('Pow') && !has('Sub') && (has('Sqrt') || has('Reciprocal')));
  const rope =
    has('RotaryEmbedding') || (has('Sin') && has('Cos')) ||
    cores.some((c) => c.fused?.op === 'GroupQueryAttention' && c.fused.cosCache !== null) ||
    [...g.initializers.keys()].some((n) => /cos_cache|cos_cached|rotary/i.test(n));
  const tanhGelu = has('FastGelu') || (has('Tanh') && g.nodes.some((n) => n.opType === 'Pow' && scalarConstant(g, n.input?.[1] ?? '') === 3)) ||
    g.nodes.some((n) => n.opType === 'Gelu' && (n.attribute ?? []).some((a) => a.name === 'approximate'));
  const erfGelu = has('Erf') || has('BiasGelu') || (has('Gelu') && !tanhGelu);
  const silu = has('Sigmoid') && has('Mul');
  if (layerNorm) seen.push('LayerNorm');
  if (rmsNorm) seen.push('RMSNorm');
  if (rope) seen.push('RoPE');
  if (tanhGelu) seen.push('tanh-GELU');
  if (erfGelu) seen.push('erf-GELU');
  if (silu) seen.push('SiLU');
  const causal = cores.some((c) => c.causal);
  const inputs = [...g.graphInputs];
  let family: ModelSummary['family'] = 'generic';
  if ((rmsNorm || rope) && causal) family = 'llama';
  else if (causal && layerNorm && (tanhGelu || erfGelu)) family = 'gpt2';
  else if (!causal && layerNorm && (erfGelu || inputs.includes('token_type_ids'))) family = 'bert';
  return { family, seen };
}

/** Elements of every initializer and Constant-node tensor wider than a handful of numbers. */
export function countParameters(g: GraphIndex): number {
  let n = 0;
  for (const t of g.initializers.values()) n += dimsOf(t).reduce((a, d) => a * d, 1);
  for (const node of g.nodes) {
    if (node.opType !== 'Constant') continue;
    const t = constantTensor(g, node.output?.[0] ?? '');
    // Shape constants and scalars are not parameters; weights written as Constant nodes are.
    const count = t ? dimsOf(t).reduce((a, d) => a * d, 1) : 0;
    if (count >= 64) n += count;
  }
  return n;
}

/** Width of the token embedding (the Gather on the first integer input), or 0. */
function embeddingWidth(g: GraphIndex): number {
  for (const n of g.nodes) {
    if (n.opType !== 'Gather') continue;
    const data = constantTensor(g, n.input?.[0] ?? '');
    if (data && g.graphInputs.has(n.input?.[1] ?? '')) {
      const d = dimsOf(data);
      if (d.length === 2) return d[1];
    }
  }
  return 0;
}

export function summarizeModel(g: GraphIndex, cores: DiscoveredCore[], fileName: string): ModelSummary {
  const first = cores[0];
  const heads = first?.heads ?? 0;
  const headDim = first?.headDim ?? 0;
  return {
    fileName,
    family: detectFamily(g, cores).family,
    layers: cores.length,
    heads,
    kvHeads: first?.kvHeads ?? 0,
    headDim,
    hiddenSize: embeddingWidth(g) || heads * headDim,
    parameters: countParameters(g),
    opset: g.opset,
    causal: cores.some((c) => c.causal),
    attentionCores: cores.map((c) => `${c.path}${c.causal ? ' (causal)' : ''}`),
  };
}
