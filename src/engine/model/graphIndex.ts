// An index over one ONNX graph: who produces and who consumes each tensor, which tensors are
// constants (initializers or Constant nodes) and their values when small. Discovery walks the
// graph through this index instead of scanning node lists again and again.

import { onnx } from 'onnx-proto';
import type Long from 'long';

export type IntLike = number | Long;

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

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/**
 * Numeric values of a constant tensor (as doubles), for the small constants discovery reasons
 * about (scales, masks, shapes). Returns undefined for types it does not read or external data.
 */
export function tensorValues(t: onnx.ITensorProto, maxElements = 1 << 20): number[] | undefined {
  const count = (t.dims ?? []).reduce<number>((a, d) => a * toNum(d), 1);
  if (count > maxElements) return undefined;
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const view = raw ? new DataView(raw.buffer, raw.byteOffset, raw.byteLength) : undefined;
  const out: number[] = [];
  switch (t.dataType) {
    case DT.FLOAT:
      if (view) for (let i = 0; i < count; i++) out.push(view.getFloat32(i * 4, true));
      else out.push(...(t.floatData ?? []));
      break;
    case DT.DOUBLE:
      if (view) for (let i = 0; i < count; i++) out.push(view.getFloat64(i * 8, true));
      else out.push(...(t.doubleData ?? []));
      break;
    case DT.FLOAT16:
      if (view) for (let i = 0; i < count; i++) out.push(halfToFloat(view.getUint16(i * 2, true)));
      else out.push(...(t.int32Data ?? []).map(halfToFloat));
      break;
    case DT.INT64:
      if (view) for (let i = 0; i < count; i++) out.push(Number(view.getBigInt64(i * 8, true)));
      else out.push(...(t.int64Data ?? []).map(toNum));
      break;
    case DT.INT32:
      if (view) for (let i = 0; i < count; i++) out.push(view.getInt32(i * 4, true));
      else out.push(...(t.int32Data ?? []));
      break;
    case DT.BOOL:
    case DT.UINT8:
      if (view) for (let i = 0; i < count; i++) out.push(view.getUint8(i));
      else out.push(...(t.int32Data ?? []));
      break;
    default:
      return undefined;
  }
  return out.length === count ? out : undefined;
}

/** The constant tensor behind a name: an initializer or the value of a Constant node. */
export function constantTensor(g: GraphIndex, name: string): onnx.ITensorProto | undefined {
  const init = g.initializers.get(name);
  if (init) return init;
  const p = g.producer.get(name);
  if (p?.opType === 'Constant') {
    const a = attr(p, 'value');
    if (a?.t) return a.t;
    const f = attr(p, 'value_float');
    if (f) return { dims: [], dataType: DT.FLOAT, floatData: [f.f ?? 0] };
    const i = attr(p, 'value_int');
    if (i) return { dims: [], dataType: DT.INT64, int64Data: [i.i ?? 0] };
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
