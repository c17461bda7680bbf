// Hand-built one-layer attention graphs for discovery and runtime edge cases: x [1, S, 8] ->
// Q/K/V projections -> 2 heads of 4 -> the attention chain -> output projection -> y [1, S, 8].

import type { onnx } from 'onnx-proto';
import type { NodeSpec } from '../../../src/engine/onnx/graphBuilder';
import { floatTensor, int64Tensor, model, node, valueInfo } from '../../../src/engine/onnx/graphBuilder';

export interface TinyOptions {
  /** Where the 1/sqrt(D) scale sits. */
  scaleOn?: 'scores' | 'q';
  mask?: 'none' | 'trilu';
  /** What reads the Softmax output. */
  afterSoftmax?: 'matmul' | 'relu';
  /** Positions derived from the sequence length inside the graph (Range), added to x. */
  rangePositions?: boolean;
  /** Token input: input_ids [1, S] int64 through a [16, 8] embedding instead of x. */
  tokens?: boolean;
  /** Head split by a reshape target computed at run time: Concat(Shape(x)[0:2], [-1, 4]). */
  dynamicHeads?: boolean;
  seed?: number;
}

export const DIM = 8;

export function seededFloats(n: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296 - 0.5) * 0.8;
  }
  return out;
}

export function tinyAttentionModel(o: TinyOptions = {}): onnx.ModelProto {
  const seed = o.seed ?? 7;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const add = (spec: NodeSpec) => {
    nodes.push(node(spec));
    return spec.outputs[0];
  };
  const w = (name: string, i: number) => {
    inits.push(floatTensor(name, [DIM, DIM], seededFloats(DIM * DIM, seed + i)));
    return name;
  };
  inits.push(int64Tensor('heads_shape', [4], [0, 0, 2, 4]), int64Tensor('merge_shape', [3], [0, 0, DIM]));
  inits.push(floatTensor('sqrt_d', [], new Float32Array([2])), floatTensor('neg_big', [1], new Float32Array([-1e9])), int64Tensor('one', [], [1]));
  let x = 'x';
  if (o.tokens) {
    inits.push(floatTensor('embedding', [16, DIM], seededFloats(16 * DIM, seed + 9)));
    x = add({ op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['x_embedded'] });
  }
  if (o.rangePositions) {
    // pos = Range(0, S) as float, [S, 1], added to every feature: a position signal computed from the length.
    const shape = add({ op: 'Shape', inputs: [x], outputs: ['x_shape'] });
    inits.push(int64Tensor('idx1', [], [1]), int64Tensor('zero_s', [], [0]), int64Tensor('unsq_axes', [1], [1]));
    const s = add({ op: 'Gather', inputs: [shape, 'idx1'], outputs: ['seq_len'], attrs: { axis: 0 } });
    const r = add({ op: 'Range', inputs: ['zero_s', s, 'one'], outputs: ['positions'] });
    const rf = add({ op: 'Cast', inputs: [r], outputs: ['positions_f'], attrs: { to: 1 } });
    const col = add({ op: 'Unsqueeze', inputs: [rf, 'unsq_axes'], outputs: ['positions_col'] });
    x = add({ op: 'Add', inputs: [x, col], outputs: ['x_pos'] });
  }
  let headsShape = 'heads_shape';
  if (o.dynamicHeads) {
    inits.push(int64Tensor('slice_0', [1], [0]), int64Tensor('slice_2', [1], [2]), int64Tensor('tail_shape', [2], [-1, 4]));
    const sh = add({ op: 'Shape', inputs: [x], outputs: ['x_dims'] });
    const lead = add({ op: 'Slice', inputs: [sh, 'slice_0', 'slice_2'], outputs: ['x_lead_dims'] });
    headsShape = add({ op: 'Concat', inputs: [lead, 'tail_shape'], outputs: ['dynamic_heads_shape'], attrs: { axis: 0 } });
  }
  const split = (t: string, tag: string) =>
    add({ op: 'Transpose', inputs: [add({ op: 'Reshape', inputs: [t, headsShape], outputs: [`${tag}_4d`] })], outputs: [`${tag}_heads`], attrs: { perm: [0, 2, 1, 3] } });
  let q = split(add({ op: 'MatMul', inputs: [x, w('wq', 1)], outputs: ['q'] }), 'q');
  const k = split(add({ op: 'MatMul', inputs: [x, w('wk', 2)], outputs: ['k'] }), 'k');
  const v = split(add({ op: 'MatMul', inputs: [x, w('wv', 3)], outputs: ['v'] }), 'v');
  if (o.scaleOn === 'q') q = add({ op: 'Div', inputs: [q, 'sqrt_d'], outputs: ['q_scaled'] });
  const kT = add({ op: 'Transpose', inputs: [k], outputs: ['k_t'], attrs: { perm: [0, 1, 3, 2] } });
  let s = add({ op: 'MatMul', inputs: [q, kT], outputs: ['scores'] });
  if (o.scaleOn !== 'q') s = add({ op: 'Div', inputs: [s, 'sqrt_d'], outputs: ['scores_scaled'] });
  if (o.mask === 'trilu') {
    const shape = add({ op: 'Shape', inputs: [s], outputs: ['scores_shape'] });
    inits.push(int64Tensor('last2_start', [1], [2]));
    const ss = add({ op: 'Slice', inputs: [shape, 'last2_start', 'heads_shape_end'], outputs: ['mask_shape'] });
    inits.push(int64Tensor('heads_shape_end', [1], [4]));
    const full = add({ op: 'Expand', inputs: ['neg_big', ss], outputs: ['mask_full'] });
    const m = add({ op: 'Trilu', inputs: [full, 'one'], outputs: ['causal_mask'], attrs: { upper: 1 } });
    s = add({ op: 'Add', inputs: [s, m], outputs: ['scores_masked'] });
  }
  const p = add({ op: 'Softmax', inputs: [s], outputs: ['probs'], attrs: { axis: -1 } });
  let ctx: string;
  if (o.afterSoftmax === 'relu') ctx = add({ op: 'MatMul', inputs: [add({ op: 'Relu', inputs: [p], outputs: ['probs_relu'] }), v], outputs: ['ctx'] });
  else ctx = add({ op: 'MatMul', inputs: [p, v], outputs: ['ctx'] });
  const merged = add({ op: 'Reshape', inputs: [add({ op: 'Transpose', inputs: [ctx], outputs: ['ctx_t'], attrs: { perm: [0, 2, 1, 3] } }), 'merge_shape'], outputs: ['ctx_merged'] });
  add({ op: 'MatMul', inputs: [merged, w('wo', 4)], outputs: ['y'] });
  return model({
    graphName: 'tiny',
    nodes,
    initializers: inits,
    inputs: [o.tokens ? valueInfo('input_ids', 'int64', [1, 'sequence']) : valueInfo('x', 'float32', [1, 'sequence', DIM])],
    outputs: [valueInfo('y', 'float32', [1, 'sequence', DIM])],
  });
}

/** A graph with no attention at all: y = Relu(x W). */
export function mlpModel(withSoftmax: boolean): onnx.ModelProto {
  const nodes = [node({ op: 'MatMul', inputs: ['x', 'w'], outputs: ['h'] }), node({ op: withSoftmax ? 'Softmax' : 'Relu', inputs: ['h'], outputs: ['y'], attrs: withSoftmax ? { axis: -1 } : {} })];
  return model({
    graphName: 'mlp',
    nodes,
    initializers: [floatTensor('w', [DIM, DIM], seededFloats(DIM * DIM, 3))],
    inputs: [valueInfo('x', 'float32', [1, 'sequence', DIM])],
    outputs: [valueInfo('y', 'float32', [1, 'sequence', DIM])],
  });
}

/** One com.microsoft Attention node over x with extra attributes (for refusal tests). */
export function fusedAttentionModel(op: 'Attention' | 'GroupQueryAttention', attrs: Record<string, number>): onnx.ModelProto {
  const inits = [floatTensor('qkv_w', [DIM, 3 * DIM], seededFloats(3 * DIM * DIM, 5)), floatTensor('qkv_b', [3 * DIM], seededFloats(3 * DIM, 6))];
  const n =
    op === 'Attention'
      ? node({ op, domain: 'com.microsoft', inputs: ['x', 'qkv_w', 'qkv_b'], outputs: ['ctx'], attrs: { num_heads: 2, ...attrs } })
      : node({ op, domain: 'com.microsoft', inputs: ['x', 'x', 'x'], outputs: ['ctx'], attrs: { num_heads: 2, kv_num_heads: 2, ...attrs } });
  return model({
    graphName: 'fused',
    nodes: [n],
    initializers: inits,
    inputs: [valueInfo('x', 'float32', [1, 'sequence', DIM])],
    outputs: [valueInfo('ctx', 'float32', [1, 'sequence', DIM])],
    opsets: { '': 17, 'com.microsoft': 1 },
  });
}
