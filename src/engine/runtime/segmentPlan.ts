// Cuts a graph at its attention cores into segments (subgraph extraction from given inputs to
// given outputs). Segment i computes what attention core i reads (Q, K, V, mask operands) from the
// graph inputs and the contexts of cores < i; the engine then computes core i and writes its
// context; the last segment computes the model outputs. Constant subgraphs (Constant nodes, ops on
// initializers only) are copied into every segment that uses them instead of being passed along.

import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { DiscoveredCore } from '../model/attentionCore';
import type { GraphIndex } from '../model/graphIndex';
import { collectConstants } from '../onnx/constantTensors';
import { inferElemTypes, requireElemType } from './elemTypes';

export interface Segment {
  index: number;
  /** Tensors the segment reads from the run's tensor store (graph inputs, contexts, earlier outputs). */
  inputs: string[];
  /** Tensors it writes to the store. */
  outputs: string[];
  proto: onnx.ModelProto;
}

export interface SegmentPlan {
  segments: Segment[];
  /** Model outputs the last segments produce. */
  finalOutputs: string[];
  /** Constant tensors (initializers, Constant nodes) by name, for core reads of weights and masks. */
  constants: Map<string, onnx.ITensorProto>;
}

/** Tensor name the engine gives the packed QKV projection it splits out of a com.microsoft Attention. */
export function attentionQkvTensor(core: DiscoveredCore): string {
  return `${core.anchor}/engine_qkv`;
}

/** Tensors a core reads, computed by segments (some may turn out to be constants). */
export function coreReads(core: DiscoveredCore, withMasks: boolean): string[] {
  const out: string[] = [];
  if (core.kind === 'plain') {
    out.push(core.q.name, core.k.name, core.v.name);
    for (const s of core.maskSteps) {
      if (s.op === 'scaleTensor') out.push(s.tensor);
      else if (withMasks && s.op === 'add') out.push(s.tensor);
      else if (withMasks && s.op === 'where') out.push(s.cond, s.fill);
    }
    return [...new Set(out)];
  }
  const f = core.fused;
  if (f.op === 'Attention') {
    out.push(attentionQkvTensor(core));
    if (withMasks && f.maskIndex) out.push(f.maskIndex);
  } else if (f.op === 'MultiHeadAttention') {
    for (const t of [f.query, f.key, f.value, f.bias]) if (t) out.push(t);
    if (withMasks) for (const t of [f.keyPaddingMask, f.attentionBias]) if (t) out.push(t);
  } else {
    for (const t of [f.query, f.key, f.value, f.cosCache, f.sinCache]) if (t) out.push(t);
  }
  return [...new Set(out)];
}

/**
 * The graph's nodes with each com.microsoft Attention replaced by its QKV projection (MatMul +
 * Add). Splitting the node rather than projecting in TypeScript keeps the projection, the bulk of
 * the op's FLOPs, in ORT's GEMM (in the model's own precision); the engine only splits heads.
 */
function augmentedNodes(g: GraphIndex, cores: DiscoveredCore[]): { nodes: onnx.INodeProto[]; added: onnx.INodeProto[] } {
  const split = new Map<string, DiscoveredCore>();
  for (const c of cores) if (c.fused?.op === 'Attention') split.set(c.anchor, c);
  const out: onnx.INodeProto[] = [];
  const added: onnx.INodeProto[] = [];
  for (const n of g.nodes) {
    const c = split.get(n.name || n.output?.[0] || '');
    if (!c || c.fused?.op !== 'Attention') {
      out.push(n);
      continue;
    }
    const f = c.fused;
    const qkv = attentionQkvTensor(c);
    const mm = f.bias ? `${c.anchor}/engine_qkv_matmul` : qkv;
    added.push({ opType: 'MatMul', name: mm, input: [f.input, f.weights], output: [mm], domain: '' });
    if (f.bias) added.push({ opType: 'Add', name: qkv, input: [mm, f.bias], output: [qkv], domain: '' });
    out.push(...added.slice(-(f.bias ? 2 : 1)));
  }
  return { nodes: out, added };
}

export interface PlanOptions {
  /** Compute mask operands for the cores (full-sequence passes); decode steps do without. */
  withMasks: boolean;
  /** Model outputs to compute; default every graph output not named present*. */
  outputs?: string[];
}

/**
 * The graph as the planner sees it: its nodes (fused Attention split), who produces each tensor,
 * which tensors are static (computable from initializers alone) and which are core contexts.
 */
interface GraphCut {
  g: GraphIndex;
  nodes: onnx.INodeProto[];
  /** The split projections of fused Attention nodes (typed with the graph's nodes). */
  added: onnx.INodeProto[];
  producer: Map<string, onnx.INodeProto>;
  isStatic: Set<string>;
  /** Core index by the name of the context tensor it writes. */
  contextOf: Map<string, number>;
}

function graphCut(g: GraphIndex, cores: DiscoveredCore[]): GraphCut {
  const { nodes, added } = augmentedNodes(g, cores);
  const producer = new Map<string, onnx.INodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) if (o) producer.set(o, n);
  // Static tensors: initializers and outputs of nodes whose inputs are all static.
  const isStatic = new Set<string>(g.initializers.keys());
  for (const n of nodes) {
    if ((n.input ?? []).every((i) => !i || isStatic.has(i)) && n.opType !== 'RandomNormal' && n.opType !== 'RandomUniform') {
      for (const o of n.output ?? []) if (o) isStatic.add(o);
    }
  }
  const contextOf = new Map<string, number>();
  cores.forEach((c, i) => contextOf.set(c.context.name, i));
  return { g, nodes, added, producer, isStatic, contextOf };
}

/** True for tensors no segment computes: empty names, static tensors, graph inputs, core contexts. */
function isBoundary(cut: GraphCut, t: string): boolean {
  return !t || cut.isStatic.has(t) || cut.g.graphInputs.has(t) || cut.contextOf.has(t);
}

/**
 * Stage of each tensor: 0 for graph inputs and static tensors, i + 1 for core i's context, else the
 * max of its node's inputs (nodes are topologically sorted, as ONNX requires). Returns the stage of
 * every node output and a lookup that also covers the boundary tensors.
 */
function tensorStages(cut: GraphCut): { stageOf: Map<string, number>; stage: (t: string) => number } {
  const { g, isStatic, contextOf } = cut;
  const stageOf = new Map<string, number>();
  const stage = (t: string): number => {
    if (!t || isStatic.has(t) || g.graphInputs.has(t)) return 0;
    const ctx = contextOf.get(t);
    if (ctx !== undefined) return ctx + 1;
    const s = stageOf.get(t);
    if (s === undefined) throw new InputError(t, 'tensor has no producer and is not a graph input or initializer');
    return s;
  };
  for (const n of cut.nodes) {
    if ((n.output ?? []).some((o) => contextOf.has(o))) continue;
    let s = 0;
    for (const i of n.input ?? []) if (i && (contextOf.has(i) || stageOf.has(i) || isStatic.has(i) || g.graphInputs.has(i))) s = Math.max(s, stage(i));
    for (const o of n.output ?? []) if (o) stageOf.set(o, s);
  }
  return { stageOf, stage };
}

/**
 * Need-closure: the nodes that compute the cores' reads and the final outputs, walking back from
 * them and stopping at contexts, inputs and static tensors. Refuses a core that reads its own or a
 * later core's output, and a model output that is a context.
 */
function neededNodes(cut: GraphCut, cores: DiscoveredCore[], reads: string[][], finalOutputs: string[], stage: (t: string) => number): Set<onnx.INodeProto> {
  const needed = new Set<onnx.INodeProto>();
  const walk = (start: string) => {
    const stack = [start];
    while (stack.length > 0) {
      const t = stack.pop() as string;
      if (isBoundary(cut, t)) continue;
      const p = cut.producer.get(t);
      if (!p) throw new InputError(t, 'tensor has no producer and is not a graph input or initializer');
      if (needed.has(p)) continue;
      needed.add(p);
      for (const i of p.input ?? []) stack.push(i);
    }
  };
  reads.forEach((r, i) => {
    for (const t of r) {
      walk(t);
      if (stage(t) > i) throw new InputError(`attention core ${i} (${cores[i].anchor})`, `reads '${t}', which depends on its own or a later layer's output`);
    }
  });
  for (const o of finalOutputs) {
    if (cut.contextOf.has(o)) throw new InputError(o, 'a model output is an attention context: nothing left to run after the last core');
    walk(o);
  }
  return needed;
}

/** Value info of a segment boundary tensor: the graph's own when it is a graph input/output, else its inferred element type. */
function valueInfos(cut: GraphCut): (name: string) => onnx.IValueInfoProto {
  const { g } = cut;
  // Types from the original graph (fused nodes included, for their outputs) plus the split projections.
  const types = inferElemTypes({ ...g, nodes: [...g.nodes, ...cut.added] });
  const valueInfoOf = new Map<string, onnx.IValueInfoProto>();
  for (const v of g.graph.input ?? []) if (v.name) valueInfoOf.set(v.name, v);
  for (const v of g.graph.output ?? []) if (v.name) valueInfoOf.set(v.name, v);
  return (name) => valueInfoOf.get(name) ?? { name, type: { tensorType: { elemType: requireElemType(types, name, g) } } };
}

/** What one segment is made of, before it becomes a model. */
interface SegmentParts {
  /** The stage's own needed nodes and the static nodes they read, in graph order. */
  nodes: onnx.INodeProto[];
  initializers: string[];
  inputs: string[];
  outputs: string[];
}

/**
 * The parts of stage s's segment: its own nodes plus the static closure of what they read (copied,
 * not passed in), its inputs from the store, and the outputs a later stage, a core or the model needs.
 */
function segmentParts(cut: GraphCut, own: onnx.INodeProto[], s: number, needs: { laterReaders: Map<string, number>; reads: string[][]; finalOutputs: string[] }): SegmentParts {
  const { g, isStatic, producer } = cut;
  const produced = new Set<string>();
  for (const n of own) for (const o of n.output ?? []) if (o) produced.add(o);
  const staticNodes = new Set<onnx.INodeProto>();
  const initNames = new Set<string>();
  const addStatic = (t: string) => {
    if (!t || !isStatic.has(t)) return;
    if (g.initializers.has(t)) {
      initNames.add(t);
      return;
    }
    const p = producer.get(t);
    if (!p || staticNodes.has(p)) return;
    staticNodes.add(p);
    for (const i of p.input ?? []) addStatic(i);
  };
  const inputs = new Set<string>();
  for (const n of own) {
    for (const i of n.input ?? []) {
      if (!i) continue;
      if (isStatic.has(i)) addStatic(i);
      else if (!produced.has(i)) inputs.add(i);
    }
  }
  const outputs: string[] = [];
  for (const t of produced) {
    const laterNode = (needs.laterReaders.get(t) ?? -1) > s;
    const coreRead = needs.reads.some((r, i) => i >= s && r.includes(t));
    if (laterNode || coreRead || needs.finalOutputs.includes(t)) outputs.push(t);
  }
  const ownSet = new Set(own);
  const nodes = cut.nodes.filter((n) => ownSet.has(n) || staticNodes.has(n));
  return { nodes, initializers: [...initNames], inputs: [...inputs], outputs };
}

function segmentModel(proto: onnx.IModelProto, cut: GraphCut, s: number, parts: SegmentParts, info: (name: string) => onnx.IValueInfoProto): onnx.ModelProto {
  return onnx.ModelProto.create({
    irVersion: proto.irVersion ?? 8,
    producerName: 'spatten-profiler segment',
    opsetImport: proto.opsetImport ?? [],
    graph: {
      name: `segment_${s}`,
      node: parts.nodes,
      initializer: parts.initializers.map((n) => cut.g.initializers.get(n) as onnx.ITensorProto),
      input: parts.inputs.map(info),
      output: parts.outputs.map(info),
    },
  });
}

export function planSegments(proto: onnx.IModelProto, g: GraphIndex, cores: DiscoveredCore[], opts: PlanOptions): SegmentPlan {
  const cut = graphCut(g, cores);
  const constants = collectConstants(g.graph);
  const finalOutputs = opts.outputs ?? g.graphOutputs.filter((o) => !/^present/.test(o));
  const { stageOf, stage } = tensorStages(cut);
  const reads = cores.map((c) => coreReads(c, opts.withMasks).filter((t) => !cut.isStatic.has(t)));
  const needed = neededNodes(cut, cores, reads, finalOutputs, stage);
  // The latest stage among needed nodes that reads each tensor, for deciding segment outputs.
  const laterReaders = new Map<string, number>();
  for (const n of needed) {
    const s = stageOf.get(n.output?.[0] ?? '') ?? 0;
    for (const i of n.input ?? []) if (i) laterReaders.set(i, Math.max(laterReaders.get(i) ?? -1, s));
  }
  const info = valueInfos(cut);
  const segments: Segment[] = [];
  for (let s = 0; s <= cores.length; s++) {
    const own = cut.nodes.filter((n) => needed.has(n) && stageOf.get(n.output?.[0] ?? '') === s);
    if (own.length === 0) continue;
    const parts = segmentParts(cut, own, s, { laterReaders, reads, finalOutputs });
    segments.push({ index: s, inputs: parts.inputs, outputs: parts.outputs, proto: segmentModel(proto, cut, s, parts, info) });
  }
  for (const o of finalOutputs) {
    if (!segments.some((sg) => sg.outputs.includes(o))) throw new InputError(o, 'model output is not computed by any segment');
  }
  return { segments, finalOutputs, constants };
}
