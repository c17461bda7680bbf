// Finds the transformer inside an ONNX graph: every layer's attention core (plain chain or fused
// com.microsoft op) in execution order, plus the model summary the report shows. A graph it cannot
// map is an InputError naming the node where discovery stopped and why.

import type { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { ModelSummary } from './modelSummary';
import type { CoreFinding, DiscoveredCore, PlainCoreFinding } from './attentionCore';
import { detectCausalMask } from './causalMaskDetection';
import { FUSED_ATTENTION_OPS, readFusedCore } from './fusedAttentionSpec';
import type { GraphIndex } from './graphIndex';
import { indexGraph, nodeLabel, toNum } from './graphIndex';
import { dataTypeName } from '../onnx/tensorData';
import { summarizeModel } from './modelSummary';
import { matchPlainChain } from './plainAttentionChain';

/** A graph input or output as declared: element type name ('FLOAT', 'INT64', ...) and dims (numbers or symbolic names). */
export interface TensorSignature {
  name: string;
  elemType: string;
  dims: (number | string)[];
}

export interface DiscoveredTransformer {
  graph: GraphIndex;
  /** Runtime inputs (initializers listed as inputs excluded) and outputs, as declared. */
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  cores: DiscoveredCore[];
  summary: ModelSummary;
  /** Softmax nodes that are not attention (classifier heads, routers), for the record. */
  ignoredSoftmax: string[];
}

function plainCore(g: GraphIndex, softmax: onnx.INodeProto, index: number): PlainCoreFinding | undefined {
  const chain = matchPlainChain(g, softmax);
  if (!chain) return undefined;
  let constScale = chain.operandScale;
  let dynamicScale = false;
  for (const s of chain.maskSteps) {
    if (s.op === 'scale') constScale *= s.value;
    if (s.op === 'scaleTensor') dynamicScale = true;
  }
  const verdict = detectCausalMask(g, chain.maskSteps);
  const name = softmax.name || softmax.output?.[0] || '';
  return {
    kind: 'plain',
    nodes: chain.chainNodes,
    path: `${chain.chainOps.join('->')} at ${name}`,
    q: { name: chain.q, layout: 'BHLD' },
    k: { name: chain.k, layout: chain.kLayout },
    v: { name: chain.v, layout: chain.vLayout },
    kvRepeated: chain.kvRepeated,
    context: { name: chain.pv.output?.[0] ?? '', layout: 'BHLD' },
    heads: chain.heads,
    kvHeads: chain.kvHeads,
    headDim: chain.headDim,
    // A plain chain always spells its scale out; a dynamic one is read at run time.
    scale: dynamicScale ? null : constScale,
    operandScale: chain.operandScale,
    maskSteps: chain.maskSteps,
    causal: verdict.causal,
    causalEvidence: verdict.evidence,
    probabilities: softmax.output?.[0] ?? null,
    fused: null,
    anchor: name,
    anchorIndex: index,
  };
}

/** Unsupported constructs that would make segment extraction wrong, named before anything runs. */
function checkControlFlow(g: GraphIndex): void {
  for (const n of g.nodes) {
    if (n.opType === 'If' || n.opType === 'Loop' || n.opType === 'Scan') {
      // Only optimum's merged decoder (an If on use_cache_branch) has a known re-export that avoids it.
      const mergedDecoder = n.opType === 'If' && (n.input ?? []).some((i) => /use_cache_branch/.test(i));
      const advice = mergedDecoder
        ? 'export the decoder without merged past/no-past branches (e.g. optimum --no-post-process)'
        : 'the profiler needs a graph without If, Loop or Scan nodes';
      throw new InputError(nodeLabel(n), `control flow (${n.opType}) is not supported: ${advice}`);
    }
  }
}

export function discoverTransformer(proto: onnx.IModelProto, fileName = 'model.onnx'): DiscoveredTransformer {
  const g = indexGraph(proto);
  if (g.nodes.length === 0) throw new InputError(fileName, 'graph has no nodes');
  checkControlFlow(g);
  const found: CoreFinding[] = [];
  const ignoredSoftmax: string[] = [];
  let softmaxCount = 0;
  g.nodes.forEach((n, i) => {
    const domain = n.domain ?? '';
    if (FUSED_ATTENTION_OPS.has(n.opType ?? '') && domain === 'com.microsoft') {
      found.push(readFusedCore(g, n, i));
    } else if (n.opType === 'Softmax' && (domain === '' || domain === 'ai.onnx')) {
      softmaxCount++;
      const core = plainCore(g, n, i);
      if (core) found.push(core);
      else ignoredSoftmax.push(n.name || n.output?.[0] || '');
    } else if (n.opType === 'PackedAttention' || n.opType === 'PackedMultiHeadAttention' || n.opType === 'SparseAttention' || n.opType === 'DecoderMaskedMultiHeadAttention') {
      throw new InputError(nodeLabel(n), `fused op com.microsoft ${n.opType} is not supported (supported: Attention, MultiHeadAttention, GroupQueryAttention)`);
    }
  });
  if (found.length === 0) {
    if (softmaxCount === 0) throw new InputError(fileName, 'no Softmax and no fused attention op found: this graph has no attention');
    throw new InputError(
      fileName,
      `no attention found: Softmax node(s) ${ignoredSoftmax.slice(0, 3).map((s) => `'${s}'`).join(', ')} are not fed by a MatMul of two activations (Q x K^T)`,
    );
  }
  found.sort((a, b) => a.anchorIndex - b.anchorIndex);
  const cores: DiscoveredCore[] = found.map((c, layer) => ({ ...c, layer }));
  const sig = (v: onnx.IValueInfoProto): TensorSignature => {
    const tt = v.type?.tensorType;
    return {
      name: v.name ?? '',
      elemType: dataTypeName(tt?.elemType ?? 0),
      dims: (tt?.shape?.dim ?? []).map((d) => d.dimParam || (d.dimValue !== null && d.dimValue !== undefined ? toNum(d.dimValue) : '?')),
    };
  };
  return {
    graph: g,
    inputs: (g.graph.input ?? []).filter((v) => g.graphInputs.has(v.name ?? '')).map(sig),
    outputs: (g.graph.output ?? []).map(sig),
    cores,
    summary: summarizeModel(g, cores, fileName),
    ignoredSoftmax,
  };
}
