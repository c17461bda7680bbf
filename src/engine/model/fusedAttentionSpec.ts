// Reads ORT-fused attention nodes (com.microsoft Attention, MultiHeadAttention,
// GroupQueryAttention) into what the engine needs to compute them, and refuses the attributes
// and inputs it does not model, naming them. Past K/V inputs are ignored (the runtime feeds them
// empty): the engine owns the KV cache, and a fused node's present outputs may only be model
// outputs.

import type { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { GraphIndex } from './graphIndex';
import { attr, attrFloat, attrInt, attrInts, constantTensor, dimsOf, nodeLabel } from './graphIndex';
import type { FusedCoreFinding, FusedSpec } from './attentionCore';

export const FUSED_ATTENTION_OPS = new Set(['Attention', 'MultiHeadAttention', 'GroupQueryAttention']);

function opt(n: onnx.INodeProto, i: number): string | null {
  const t = n.input?.[i];
  return t ? t : null;
}

function refuse(n: onnx.INodeProto, what: string): never {
  throw new InputError(nodeLabel(n), what);
}

function refuseAttr(n: onnx.INodeProto, name: string, bad: (v: number) => boolean, dflt: number, why: string): void {
  const a = attr(n, name);
  if (a && bad(a.type === 1 ? (a.f ?? 0) : attrInt(n, name, dflt))) refuse(n, `unsupported attribute ${name}: ${why}`);
}

/** Outputs past the first (present K/V) may only be graph outputs: the engine owns the cache. */
function checkExtraOutputs(g: GraphIndex, n: onnx.INodeProto): void {
  for (const o of (n.output ?? []).slice(1)) {
    if (o && (g.consumers.get(o) ?? []).length > 0) refuse(n, `output '${o}' (present K/V) is read by other nodes; the engine owns the KV cache`);
  }
}

/** Output width of the projection producing `t`: MatMul(x, W [in, out]) (+ bias), or 0. */
function projectionWidth(g: GraphIndex, t: string | null): number {
  let cur = t ?? '';
  for (let guard = 0; guard < 3; guard++) {
    const p = g.producer.get(cur);
    if (!p) return 0;
    if (p.opType === 'Add') {
      cur = (p.input ?? []).find((i) => i && !constantTensor(g, i)) ?? '';
      continue;
    }
    if (p.opType === 'MatMul') {
      const w = constantTensor(g, p.input?.[1] ?? '');
      const d = w ? dimsOf(w) : [];
      return d.length === 2 ? d[1] : 0;
    }
    return 0;
  }
  return 0;
}

export function readFusedCore(g: GraphIndex, n: onnx.INodeProto, anchorIndex: number): FusedCoreFinding {
  const heads = attrInt(n, 'num_heads', 0);
  if (heads <= 0) refuse(n, 'missing or invalid num_heads');
  const scaleAttr = attrFloat(n, 'scale');
  const scale = scaleAttr !== undefined && scaleAttr !== 0 ? scaleAttr : null;
  const maskFilterValue = attrFloat(n, 'mask_filter_value') ?? -10000;
  checkExtraOutputs(g, n);
  const name = n.name || n.output?.[0] || '';
  const op = n.opType ?? '';
  let fused: FusedSpec;
  let kvHeads = heads;
  let headDim = 0;
  let causal = false;
  let evidence = '';
  if (op === 'Attention') {
    refuseAttr(n, 'do_rotary', (v) => v !== 0, 0, 'rotary inside Attention is not modelled');
    refuseAttr(n, 'past_present_share_buffer', (v) => v !== 0, 0, 'shared past/present buffers are not modelled');
    if (opt(n, 5)) refuse(n, "input 'attention_bias' (relative position bias) is not modelled");
    const weights = opt(n, 1) ?? refuse(n, 'missing weights input');
    const w = constantTensor(g, weights);
    const sizes = attrInts(n, 'qkv_hidden_sizes');
    let qkv: [number, number, number] | null = null;
    if (sizes && sizes.length > 0) {
      if (sizes.length !== 3) refuse(n, `qkv_hidden_sizes has ${sizes.length} entries, expected 3`);
      qkv = [sizes[0], sizes[1], sizes[2]];
      if (qkv[0] !== qkv[1]) refuse(n, 'qkv_hidden_sizes with Q and K of different widths');
      headDim = qkv[0] / heads;
    } else if (w) {
      const d = dimsOf(w);
      if (d.length !== 2 || d[1] % 3 !== 0) refuse(n, `weights '${weights}' have shape [${d}], expected [hidden, 3 * hidden]`);
      headDim = d[1] / 3 / heads;
    }
    if (headDim !== 0 && !Number.isInteger(headDim)) refuse(n, `hidden size is not a multiple of num_heads ${heads}`);
    causal = attrInt(n, 'unidirectional', 0) === 1;
    evidence = causal ? 'Attention unidirectional=1' : 'Attention unidirectional=0 (bidirectional)';
    fused = { op: 'Attention', input: opt(n, 0) ?? refuse(n, 'missing input'), weights, bias: opt(n, 2), maskIndex: opt(n, 3), qkvHiddenSizes: qkv, maskFilterValue };
  } else if (op === 'MultiHeadAttention') {
    if (opt(n, 9)) refuse(n, "input 'cache_indirection' (beam search) is not modelled");
    causal = attrInt(n, 'unidirectional', 0) === 1;
    evidence = causal ? 'MultiHeadAttention unidirectional=1' : 'MultiHeadAttention without unidirectional (bidirectional)';
    fused = {
      op: 'MultiHeadAttention',
      query: opt(n, 0) ?? refuse(n, 'missing query'),
      key: opt(n, 1),
      value: opt(n, 2),
      bias: opt(n, 3),
      keyPaddingMask: opt(n, 4),
      attentionBias: opt(n, 5),
      maskFilterValue,
    };
  } else if (op === 'GroupQueryAttention') {
    kvHeads = attrInt(n, 'kv_num_heads', 0);
    if (kvHeads <= 0 || heads % kvHeads !== 0) refuse(n, `kv_num_heads ${kvHeads} does not divide num_heads ${heads}`);
    refuseAttr(n, 'local_window_size', (v) => v !== -1, -1, 'sliding-window attention is not modelled');
    refuseAttr(n, 'softcap', (v) => v !== 0, 0, 'logit soft-capping is not modelled');
    refuseAttr(n, 'smooth_softmax', (v) => v !== 0, 0, 'smooth softmax is not modelled');
    if (opt(n, 9) || opt(n, 10)) refuse(n, 'position_ids/attention_bias inputs of GroupQueryAttention are not modelled');
    const rotary = attrInt(n, 'do_rotary', 0) === 1;
    causal = true;
    evidence = 'GroupQueryAttention is causal by definition';
    fused = {
      op: 'GroupQueryAttention',
      query: opt(n, 0) ?? refuse(n, 'missing query'),
      key: opt(n, 1),
      value: opt(n, 2),
      cosCache: rotary ? (opt(n, 7) ?? refuse(n, 'do_rotary=1 without cos_cache')) : null,
      sinCache: rotary ? (opt(n, 8) ?? refuse(n, 'do_rotary=1 without sin_cache')) : null,
      rotaryInterleaved: attrInt(n, 'rotary_interleaved', 0) === 1,
    };
  } else {
    refuse(n, 'not a fused attention op');
  }
  if (headDim === 0 && fused.op !== 'Attention') {
    const width = projectionWidth(g, fused.query);
    const packed = fused.key === null;
    const per = fused.op === 'GroupQueryAttention' && packed ? heads + 2 * kvHeads : packed ? 3 * heads : heads;
    if (width > 0 && width % per === 0) headDim = width / per;
  }
  return {
    kind: fused.op,
    nodes: [name],
    path: `com.microsoft ${op} at ${name}`,
    q: null,
    k: null,
    v: null,
    kvRepeated: false,
    context: { name: n.output?.[0] ?? '', layout: 'BLHD' },
    heads,
    kvHeads,
    headDim,
    scale,
    operandScale: 1,
    maskSteps: [],
    causal,
    causalEvidence: evidence,
    probabilities: null,
    fused,
    anchor: name,
    anchorIndex,
  };
}
