// An index over one ONNX graph: who produces and who consumes each tensor, which tensors are
// constants (initializers or Constant nodes) and their values when small. Discovery walks the
// graph through this index instead of scanning node lists again and again.

import { onnx } from 'onnx-proto';
import { constantNodeTensor } from '../onnx/constantTensors';
import { integerValues, tensorElementCount, tensorToFloat32, type LongLike } from '../onnx/tensorData';

export type IntLike = Exclude<LongLike, null | undefined>;

export function toNum(x: IntLike | null | undefined): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'number' ? x : x.toNumber();
}

export interface GraphIndex {
  graph: onnx.IGraphProto;
  nodes: onnx.INodeProto[];
  /** Tensor name -> the node that writes it. */
  producer: Map<string, onnx.INodeProto>;
  /** Tensor name -> the nodes that read it. */
  consumers: Map<string, onnx.INodeProto[]>;
  initializers: Map<string, onnx.ITensorProto>;
  graphInputs: Set<string>;
  graphOutputs: string[];
  /** Opset version of the default domain. */
  opset: number;
}

export function indexGraph(m: onnx.IModelProto): GraphIndex {
  const graph = m.graph ?? {};
  const nodes = graph.node ?? [];
  const producer = new Map<string, onnx.INodeProto>();
  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const n of nodes) {
    for (const o of n.output ?? []) if (o) producer.set(o, n);
    for (const i of n.input ?? []) {
      if (!i) continue;
      const list = consumers.get(i);
      if (list) list.push(n);
      else consumers.set(i, [n]);
    }
  }
  const initializers = new Map<string, onnx.ITensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) initializers.set(t.name, t);
  // Initializers listed as graph inputs (old exporters) are constants, not runtime inputs.
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? '').filter((n) => n && !initializers.has(n)));
  const graphOutputs = (graph.output ?? []).map((v) => v.name ?? '');
  const defaultOpset = (m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    graph,
    nodes,
    producer,
    consumers,
    initializers,
    graphInputs,
    graphOutputs,
    opset: toNum(defaultOpset?.version),
  };
}

export function nodeLabel(n: onnx.INodeProto): string {
  return `${n.opType ?? '?'} node '${n.name || (n.output ?? [])[0] || '?'}'`;
}

export function attr(n: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return (n.attribute ?? []).find((a) => a.name === name);
}

export function attrInt(n: onnx.INodeProto, name: string, dflt: number): number {
  const a = attr(n, name);
  return a ? toNum(a.i) : dflt;
}

export function attrFloat(n: onnx.INodeProto, name: string): number | undefined {
  const a = attr(n, name);
  return a ? (a.f ?? 0) : undefined;
}

export function attrInts(n: onnx.INodeProto, name: string): number[] | undefined {
  const a = attr(n, name);
  return a ? (a.ints ?? []).map(toNum) : undefined;
}

const DT = onnx.TensorProto.DataType;

/**
 * Numeric values of a constant tensor, for the small constants discovery reasons about (scales,
 * masks, shapes). Undefined for tensors over `maxElements`, external data or unreadable types.
 */
export function tensorValues(t: onnx.ITensorProto, maxElements = 1 << 20): number[] | undefined {
  if (tensorElementCount(t) > maxElements) return undefined;
  try {
    return t.dataType === DT.INT64 || t.dataType === DT.INT32 || t.dataType === DT.BOOL || t.dataType === DT.UINT8
      ? integerValues(t)
      : Array.from(tensorToFloat32(t));
  } catch {
    return undefined;
  }
}

/** The constant tensor behind a name: an initializer or the value of a Constant node. */
export function constantTensor(g: GraphIndex, name: string): onnx.ITensorProto | undefined {
  const init = g.initializers.get(name);
  if (init) return init;
  const p = g.producer.get(name);
  if (p?.opType === 'Constant' && (p.domain ?? '') === '') {
    try {
      return constantNodeTensor(p);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The value of a tensor that is a constant with exactly one element (a scalar or [1]). */
export function scalarConstant(g: GraphIndex, name: string): number | undefined {
  const t = constantTensor(g, name);
  if (!t) return undefined;
  const v = tensorValues(t, 1);
  return v && v.length === 1 ? v[0] : undefined;
}

export function dimsOf(t: onnx.ITensorProto): number[] {
  return (t.dims ?? []).map(toNum);
}
