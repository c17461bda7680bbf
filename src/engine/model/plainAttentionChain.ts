// Recognises the attention core of plain (unfused) exports around one Softmax node:
//   MatMul(Q, K^T) -> (Mul|Div scale)* -> (Add mask | Where mask)* -> Softmax -> MatMul(P, V)
// with the scale optionally applied to Q or K before the first MatMul, K optionally transposed in
// the graph, and K/V optionally repeated for grouped-query attention (HF repeat_kv).

import type { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { GraphIndex } from './graphIndex';
import { attrInt, attrInts, constantTensor, nodeLabel, scalarConstant, tensorValues } from './graphIndex';
import type { MaskStep, TensorLayout } from './attentionCore';

const PASS_THROUGH = new Set(['Cast', 'Identity', 'Dropout']);
const MAX_CHAIN = 12;

export interface PlainChain {
  scores: onnx.INodeProto;
  softmax: onnx.INodeProto;
  pv: onnx.INodeProto;
  /** Names of nodes from the scores MatMul to the P x V MatMul, in order. */
  chainNodes: string[];
  /** Ops of the chain, for the core's path description. */
  chainOps: string[];
  maskSteps: MaskStep[];
  q: string;
  k: string;
  kLayout: TensorLayout;
  v: string;
  vLayout: TensorLayout;
  kvRepeated: boolean;
  /** Product of the constant scales met on the Q and K operands. */
  operandScale: number;
  /** Heads and head dim read off constant Reshape targets (0 when dynamic). */
  heads: number;
  kvHeads: number;
  headDim: number;
}

function isDynamic(g: GraphIndex, t: string): boolean {
  return constantTensor(g, t) === undefined;
}

/** The single node reading `t`, when exactly one reads it. */
function soleConsumer(g: GraphIndex, t: string): onnx.INodeProto | undefined {
  const c = g.consumers.get(t) ?? [];
  return c.length === 1 && !g.graphOutputs.includes(t) ? c[0] : undefined;
}

/**
 * Walks back from the Softmax input to a MatMul of two activations. Returns the steps in graph
 * order (scores first) or undefined when the chain holds an op that is not scale/mask.
 */
function walkToScores(g: GraphIndex, t: string, depth: number): { scores: onnx.INodeProto; steps: MaskStep[]; nodes: onnx.INodeProto[] } | undefined {
  if (depth > MAX_CHAIN) return undefined;
  const p = g.producer.get(t);
  if (!p) return undefined;
  const ins = p.input ?? [];
  const op = p.opType ?? '';
  const continueFrom = (next: string, step: MaskStep | null) => {
    const r = walkToScores(g, next, depth + 1);
    if (!r) return undefined;
    if (step) r.steps.push(step);
    r.nodes.push(p);
    return r;
  };
  if (op === 'MatMul') {
    return ins.length === 2 && isDynamic(g, ins[0]) && isDynamic(g, ins[1]) ? { scores: p, steps: [], nodes: [p] } : undefined;
  }
  if (PASS_THROUGH.has(op)) return continueFrom(ins[0], null);
  if (op === 'Mul' || op === 'Div') {
    for (const [chainIdx, otherIdx] of op === 'Div' ? [[0, 1]] : [[0, 1], [1, 0]]) {
      const other = ins[otherIdx];
      const c = scalarConstant(g, other);
      const step: MaskStep =
        c !== undefined ? { op: 'scale', value: op === 'Div' ? 1 / c : c } : { op: 'scaleTensor', tensor: other, divide: op === 'Div' };
      const r = continueFrom(ins[chainIdx], step);
      if (r) return r;
    }
    return undefined;
  }
  if (op === 'Add') {
    for (const [chainIdx, otherIdx] of [[0, 1], [1, 0]]) {
      const r = continueFrom(ins[chainIdx], { op: 'add', tensor: ins[otherIdx] });
      if (r) return r;
    }
    return undefined;
  }
  if (op === 'Where') {
    const r1 = continueFrom(ins[1], { op: 'where', cond: ins[0], fill: ins[2], chainWhen: true });
    return r1 ?? continueFrom(ins[2], { op: 'where', cond: ins[0], fill: ins[1], chainWhen: false });
  }
  return undefined;
}

function isLastTwoSwap(n: onnx.INodeProto): boolean {
  const perm = attrInts(n, 'perm');
  if (!perm || perm.length < 2) return false;
  const r = perm.length;
  for (let i = 0; i < r - 2; i++) if (perm[i] !== i) return false;
  return perm[r - 2] === r - 1 && perm[r - 1] === r - 2;
}

/** HF repeat_kv: Reshape(Expand(Unsqueeze(x, axis 2))). Returns x, or undefined. */
function repeatKvSource(g: GraphIndex, t: string): string | undefined {
  const reshape = g.producer.get(t);
  if (reshape?.opType !== 'Reshape') return undefined;
  const expand = g.producer.get(reshape.input?.[0] ?? '');
  if (expand?.opType !== 'Expand') return undefined;
  const unsq = g.producer.get(expand.input?.[0] ?? '');
  if (unsq?.opType !== 'Unsqueeze') return undefined;
  const axes = attrInts(unsq, 'axes') ?? (unsq.input?.[1] ? constantInts(g, unsq.input[1]) : undefined);
  if (!axes || axes.length !== 1 || (axes[0] !== 2 && axes[0] !== -3)) return undefined;
  return unsq.input?.[0];
}

function constantInts(g: GraphIndex, name: string): number[] | undefined {
  const t = constantTensor(g, name);
  return t ? tensorValues(t, 64) : undefined;
}

interface OperandWalk {
  tensor: string;
  transposed: boolean;
  repeated: boolean;
  scale: number;
}

/** Follows a Q/K/V operand upstream through scalar scales, last-two transposes and repeat_kv. */
function walkOperand(g: GraphIndex, t: string, allowScale: boolean): OperandWalk {
  const w: OperandWalk = { tensor: t, transposed: false, repeated: false, scale: 1 };
  for (let guard = 0; guard < 8; guard++) {
    const p = g.producer.get(w.tensor);
    if (!p) break;
    const op = p.opType ?? '';
    const ins = p.input ?? [];
    if (allowScale && (op === 'Mul' || op === 'Div')) {
      const c1 = scalarConstant(g, ins[1]);
      const c0 = op === 'Mul' ? scalarConstant(g, ins[0]) : undefined;
      if (c1 !== undefined) {
        w.scale *= op === 'Div' ? 1 / c1 : c1;
        w.tensor = ins[0];
        continue;
      }
      if (c0 !== undefined) {
        w.scale *= c0;
        w.tensor = ins[1];
        continue;
      }
      break;
    }
    if (op === 'Transpose' && isLastTwoSwap(p)) {
      w.transposed = !w.transposed;
      w.tensor = ins[0];
      continue;
    }
    const src = repeatKvSource(g, w.tensor);
    if (src && !w.repeated) {
      w.repeated = true;
      w.tensor = src;
      continue;
    }
    break;
  }
  return w;
}

/**
 * A Reshape target as numbers: a constant, or (opset-11 style exports) a Concat of
 * Shape-derived pieces and constants, where the dynamic pieces read as -1.
 */
function reshapeTarget(g: GraphIndex, name: string): number[] | undefined {
  const c = constantTensor(g, name);
  if (c) return (c.dims ?? []).length === 1 ? tensorValues(c, 64) : undefined;
  const p = g.producer.get(name);
  if (p?.opType !== 'Concat') return undefined;
  const out: number[] = [];
  for (const i of p.input ?? []) {
    const t = constantTensor(g, i);
    const v = t ? tensorValues(t, 64) : undefined;
    if (v) out.push(...v);
    else out.push(-1);
  }
  return out;
}

/**
 * Reads [.., H, D] off the nearest constant 4-D Reshape target upstream of a head-split tensor
 * (bounded walk that stops at MatMuls, i.e. at the projections). 0s when the target is dynamic.
 */
function headsFromReshape(g: GraphIndex, t: string): { heads: number; headDim: number } {
  const queue = [t];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < 40) {
    const cur = queue.shift() as string;
    if (seen.has(cur)) continue;
    seen.add(cur);
    const p = g.producer.get(cur);
    if (!p || p.opType === 'MatMul' || p.opType === 'Gemm') continue;
    if (p.opType === 'Reshape') {
      const vals = reshapeTarget(g, p.input?.[1] ?? '');
      if (vals && vals.length === 4 && vals[2] > 0 && vals[3] > 0) return { heads: vals[2], headDim: vals[3] };
      queue.push(p.input?.[0] ?? '');
      continue;
    }
    for (const i of p.input ?? []) if (i && !constantTensor(g, i)) queue.push(i);
  }
  return { heads: 0, headDim: 0 };
}

/**
 * The attention chain around `softmax`, or undefined when the Softmax is not fed by a MatMul of
 * two activations (a classifier softmax, a router). Throws when it is, but the chain breaks.
 */
export function matchPlainChain(g: GraphIndex, softmax: onnx.INodeProto): PlainChain | undefined {
  const back = walkToScores(g, softmax.input?.[0] ?? '', 0);
  if (!back) return undefined;
  const where = nodeLabel(softmax);
  const axis = attrInt(softmax, 'axis', g.opset >= 13 ? -1 : 1);
  if (axis !== -1 && axis !== 3 && axis !== 2) {
    throw new InputError(where, `Softmax over axis ${axis} is not over the keys (expected the last axis)`);
  }
  // Forward: Softmax -> (Cast|Dropout|Identity)* -> MatMul(P, V).
  const fwdNodes: onnx.INodeProto[] = [];
  let t = softmax.output?.[0] ?? '';
  let pv: onnx.INodeProto | undefined;
  for (let guard = 0; guard < 4; guard++) {
    const c = soleConsumer(g, t);
    if (!c) {
      const n = (g.consumers.get(t) ?? []).length;
      throw new InputError(where, n === 0 && !g.graphOutputs.includes(t)
        ? 'Softmax output is not used: not followed by a MatMul with V'
        : `Softmax output is read by ${n} nodes${g.graphOutputs.includes(t) ? ' and is a graph output' : ''}: the engine needs it to feed only the MatMul with V`);
    }
    if (c.opType === 'MatMul' && c.input?.[0] === t) {
      pv = c;
      break;
    }
    if (!PASS_THROUGH.has(c.opType ?? '')) {
      throw new InputError(where, `Softmax is followed by ${nodeLabel(c)}, not by a MatMul with V`);
    }
    fwdNodes.push(c);
    t = c.output?.[0] ?? '';
  }
  if (!pv) throw new InputError(where, 'Softmax is not followed by a MatMul with V');
  // Every intermediate of the chain must feed only the next chain node (Shape readers aside: they
  // need only the shape, and segments recompute the tensor for them from Q and K).
  const chainSet = new Set([...back.nodes, softmax]);
  for (const n of back.nodes) {
    const out = n.output?.[0] ?? '';
    const others = (g.consumers.get(out) ?? []).filter((c) => !chainSet.has(c) && c.opType !== 'Shape');
    if (others.length > 0 || g.graphOutputs.includes(out)) {
      throw new InputError(nodeLabel(n), 'an intermediate of the attention scores is also used outside the attention core');
    }
  }
  const qw = walkOperand(g, back.scores.input?.[0] ?? '', true);
  if (qw.transposed) throw new InputError(nodeLabel(back.scores), 'Q reaches Q x K^T through a transpose of its last two axes (unsupported layout)');
  const kw = walkOperand(g, back.scores.input?.[1] ?? '', true);
  const vw = walkOperand(g, pv.input?.[1] ?? '', false);
  const qHeads = headsFromReshape(g, qw.tensor);
  const kHeads = headsFromReshape(g, kw.tensor);
  const chainNodes = [...back.nodes, softmax, ...fwdNodes, pv];
  return {
    scores: back.scores,
    softmax,
    pv,
    chainNodes: chainNodes.map((n) => n.name || n.output?.[0] || ''),
    chainOps: chainNodes.map((n) => n.opType ?? '?'),
    maskSteps: back.steps,
    q: qw.tensor,
    k: kw.tensor,
    kLayout: kw.transposed ? 'BHLD' : 'BHDL',
    v: vw.tensor,
    vLayout: vw.transposed ? 'BHDL' : 'BHLD',
    kvRepeated: kw.repeated || vw.repeated,
    operandScale: qw.scale * kw.scale,
    heads: qHeads.heads,
    kvHeads: kw.repeated ? kHeads.heads : qHeads.heads,
    headDim: qHeads.headDim,
  };
}
