// Writes a llama2.c checkpoint as the Llama-style ONNX graph Hugging Face / optimum exports:
// inputs input_ids and position_ids [batch, sequence] int64, output logits [batch, sequence, vocab].
// Per layer: RMSNorm, Q/K/V projections, rotary embedding, repeat_kv for grouped-query attention,
// MatMul -> Div -> Add(causal mask) -> Softmax -> MatMul, output projection, SwiGLU FFN.
// RoPE rotates ADJACENT pairs (i, i+1) as llama2.c does, not HF's rotate_half.

import type { onnx } from 'onnx-proto';
import type { NodeSpec } from '../onnx/graphBuilder';
import { floatTensor, int64Tensor, model, node, valueInfo } from '../onnx/graphBuilder';
import type { Llama2cWeights } from './llama2cCheckpoint';

const RMS_EPS = 1e-5;
/** HF fills masked scores with finfo(float32).min. */
const FLOAT32_MIN = -3.4028234663852886e38;

/** Row-major (out, in) -> (in, out), the layout MatMul(x, W) wants. */
function transposed(w: Float32Array, out: number, inp: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let i = 0; i < inp; i++) t[i * out + o] = w[o * inp + i];
  return t;
}

/** cos/sin tables [seqLen, headSize / 2] computed as run.c does: angle = pos * 10000^(-2i / headSize). */
function ropeTables(seqLen: number, headSize: number): { cos: Float32Array; sin: Float32Array } {
  const half = headSize / 2;
  const cos = new Float32Array(seqLen * half);
  const sin = new Float32Array(seqLen * half);
  for (let p = 0; p < seqLen; p++) {
    for (let i = 0; i < half; i++) {
      const freq = Math.fround(1 / Math.fround(Math.pow(10000, Math.fround((2 * i) / headSize))));
      const angle = Math.fround(p * freq);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

class GraphWriter {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inits: onnx.ITensorProto[] = [];

  add(spec: NodeSpec): string {
    this.nodes.push(node(spec));
    return spec.outputs[0];
  }

  op(op: string, name: string, inputs: string[], attrs?: NodeSpec['attrs'], floatAttrs?: string[]): string {
    return this.add({ op, name, inputs, outputs: [`${name}_output_0`], attrs, floatAttrs });
  }

  weight(name: string, dims: number[], data: Float32Array): string {
    this.inits.push(floatTensor(name, dims, data));
    return name;
  }

  ints(name: string, values: number[]): string {
    this.inits.push(int64Tensor(name, [values.length], values));
    return name;
  }

  scalar(name: string, value: number): string {
    this.inits.push(floatTensor(name, [], new Float32Array([value])));
    return name;
  }
}

function rmsNorm(w: GraphWriter, prefix: string, x: string, weight: string): string {
  const sq = w.op('Pow', `${prefix}/Pow`, [x, 'const_two']);
  const ms = w.op('ReduceMean', `${prefix}/ReduceMean`, [sq], { axes: [-1], keepdims: 1 });
  const eps = w.op('Add', `${prefix}/Add`, [ms, 'const_rms_eps']);
  const rms = w.op('Sqrt', `${prefix}/Sqrt`, [eps]);
  const inv = w.op('Reciprocal', `${prefix}/Reciprocal`, [rms]);
  const normed = w.op('Mul', `${prefix}/Mul`, [x, inv]);
  return w.op('Mul', `${prefix}/Mul_1`, [weight, normed]);
}

/**
 * Rotary embedding on adjacent pairs: x [B, Hx, S, D] viewed as [B, Hx, S, D/2, 2];
 * out0 = x0 cos - x1 sin, out1 = x0 sin + x1 cos with cos/sin [B, 1, S, D/2].
 */
function rope(w: GraphWriter, prefix: string, x: string, headSize: number, cos: string, sin: string): string {
  const pairs = w.op('Reshape', `${prefix}/Reshape_pairs`, [x, w.ints(`${prefix}/pairs_shape`, [0, 0, 0, headSize / 2, 2])]);
  const [x0full, x1full] = [`${prefix}/Split_output_0`, `${prefix}/Split_output_1`];
  w.add({ op: 'Split', name: `${prefix}/Split`, inputs: [pairs], outputs: [x0full, x1full], attrs: { axis: -1 } });
  const x0 = w.op('Squeeze', `${prefix}/Squeeze_0`, [x0full, 'const_axis_last']);
  const x1 = w.op('Squeeze', `${prefix}/Squeeze_1`, [x1full, 'const_axis_last']);
  const a = w.op('Sub', `${prefix}/Sub`, [w.op('Mul', `${prefix}/Mul_x0cos`, [x0, cos]), w.op('Mul', `${prefix}/Mul_x1sin`, [x1, sin])]);
  const b = w.op('Add', `${prefix}/Add`, [w.op('Mul', `${prefix}/Mul_x0sin`, [x0, sin]), w.op('Mul', `${prefix}/Mul_x1cos`, [x1, cos])]);
  const a5 = w.op('Unsqueeze', `${prefix}/Unsqueeze_0`, [a, 'const_axis_last']);
  const b5 = w.op('Unsqueeze', `${prefix}/Unsqueeze_1`, [b, 'const_axis_last']);
  const joined = w.op('Concat', `${prefix}/Concat`, [a5, b5], { axis: -1 });
  return w.op('Reshape', `${prefix}/Reshape_back`, [joined, w.ints(`${prefix}/back_shape`, [0, 0, 0, headSize])]);
}

/** `name`: the checkpoint's name (e.g. stories260K), kept as metadata `model_name` so reports use it. */
export function buildLlamaGraph(wts: Llama2cWeights, name?: string): onnx.ModelProto {
  const c = wts.config;
  const { dim, hiddenDim: hid, heads: H, kvHeads: Hkv, headSize: D, vocabSize: V } = c;
  const kvDim = Hkv * D;
  const w = new GraphWriter();
  w.scalar('const_two', 2);
  w.scalar('const_rms_eps', RMS_EPS);
  w.scalar('const_sqrt_head', Math.sqrt(D));
  w.ints('const_axis_last', [-1]);
  const emb = w.weight('model.embed_tokens.weight', [V, dim], wts.tokEmbeddings);

  let x = w.op('Gather', '/model/embed_tokens/Gather', [emb, 'input_ids']);
  // cos/sin [B, S, D/2] gathered at position_ids, then [B, 1, S, D/2] to broadcast over heads.
  const tables = ropeTables(c.seqLen, D);
  const cosT = w.weight('model.rotary_emb.cos_cached', [c.seqLen, D / 2], tables.cos);
  const sinT = w.weight('model.rotary_emb.sin_cached', [c.seqLen, D / 2], tables.sin);
  const headAxis = w.ints('const_axis_one', [1]);
  const cos = w.op('Unsqueeze', '/model/rotary_emb/Unsqueeze_cos', [w.op('Gather', '/model/rotary_emb/Gather_cos', [cosT, 'position_ids']), headAxis]);
  const sin = w.op('Unsqueeze', '/model/rotary_emb/Unsqueeze_sin', [w.op('Gather', '/model/rotary_emb/Gather_sin', [sinT, 'position_ids']), headAxis]);
  // Causal mask [S, S]: finfo.min strictly above the diagonal, 0 elsewhere (torch.triu(full, 1)).
  const seq = w.op('Gather', '/model/mask/Gather_seq', [w.op('Shape', '/model/mask/Shape', ['input_ids']), w.ints('const_index_one', [1])], { axis: 0 });
  const maskShape = w.op('Concat', '/model/mask/Concat', [seq, seq], { axis: 0 });
  const full = w.add({
    op: 'ConstantOfShape',
    name: '/model/mask/ConstantOfShape',
    inputs: [maskShape],
    outputs: ['/model/mask/ConstantOfShape_output_0'],
    attrs: { value: floatTensor('', [1], new Float32Array([FLOAT32_MIN])) },
  });
  w.inits.push(int64Tensor('const_k_one', [], [1]));
  const mask = w.op('Trilu', '/model/mask/Trilu', [full, 'const_k_one'], { upper: 1 });

  const headsShape = (n: number) => [0, 0, n, D];
  for (let l = 0; l < c.layers; l++) {
    const p = `/model/layers.${l}`;
    const mp = `model.layers.${l}`;
    const slice = (a: Float32Array, n: number) => a.subarray(l * n, (l + 1) * n);
    const xb = rmsNorm(w, `${p}/input_layernorm`, x, w.weight(`${mp}.input_layernorm.weight`, [dim], slice(wts.rmsAtt, dim)));
    const proj = (name: string, src: string, mat: Float32Array, out: number, inp: number) =>
      w.op('MatMul', `${p}/${name}/MatMul`, [src, w.weight(`${mp}.${name}.weight_T`, [inp, out], transposed(mat, out, inp))]);
    const q = proj('self_attn/q_proj', xb, slice(wts.wq, dim * dim), dim, dim);
    const k = proj('self_attn/k_proj', xb, slice(wts.wk, kvDim * dim), kvDim, dim);
    const v = proj('self_attn/v_proj', xb, slice(wts.wv, kvDim * dim), kvDim, dim);
    const toHeads = (t: string, n: number, tag: string) =>
      w.op('Transpose', `${p}/self_attn/Transpose_${tag}`, [w.op('Reshape', `${p}/self_attn/Reshape_${tag}`, [t, w.ints(`${p}/self_attn/shape_${tag}`, headsShape(n))])], { perm: [0, 2, 1, 3] });
    const qh = rope(w, `${p}/self_attn/rope_q`, toHeads(q, H, 'q'), D, cos, sin);
    const kh = rope(w, `${p}/self_attn/rope_k`, toHeads(k, Hkv, 'k'), D, cos, sin);
    const vh = toHeads(v, Hkv, 'v');
    // repeat_kv: [B, Hkv, S, D] -> [B, Hkv, 1, S, D] -> [B, Hkv, rep, S, D] -> [B, H, S, D].
    const repeat = (t: string, tag: string) => {
      if (Hkv === H) return t;
      const u = w.op('Unsqueeze', `${p}/self_attn/repeat_kv_${tag}/Unsqueeze`, [t, w.ints(`${p}/self_attn/repeat_kv_${tag}/axes`, [2])]);
      const e = w.op('Expand', `${p}/self_attn/repeat_kv_${tag}/Expand`, [u, w.ints(`${p}/self_attn/repeat_kv_${tag}/expand`, [1, 1, H / Hkv, 1, 1])]);
      return w.op('Reshape', `${p}/self_attn/repeat_kv_${tag}/Reshape`, [e, w.ints(`${p}/self_attn/repeat_kv_${tag}/shape`, [0, H, -1, D])]);
    };
    const kT = w.op('Transpose', `${p}/self_attn/Transpose_kT`, [repeat(kh, 'k')], { perm: [0, 1, 3, 2] });
    const scores = w.op('MatMul', `${p}/self_attn/MatMul`, [qh, kT]);
    const scaled = w.op('Div', `${p}/self_attn/Div`, [scores, 'const_sqrt_head']);
    const masked = w.op('Add', `${p}/self_attn/Add`, [scaled, mask]);
    const probs = w.op('Softmax', `${p}/self_attn/Softmax`, [masked], { axis: -1 });
    const ctx = w.op('MatMul', `${p}/self_attn/MatMul_1`, [probs, repeat(vh, 'v')]);
    const merged = w.op('Reshape', `${p}/self_attn/Reshape_out`, [
      w.op('Transpose', `${p}/self_attn/Transpose_out`, [ctx], { perm: [0, 2, 1, 3] }),
      w.ints(`${p}/self_attn/shape_out`, [0, 0, dim]),
    ]);
    const attnOut = proj('self_attn/o_proj', merged, slice(wts.wo, dim * dim), dim, dim);
    x = w.op('Add', `${p}/Add`, [x, attnOut]);
    const hb = rmsNorm(w, `${p}/post_attention_layernorm`, x, w.weight(`${mp}.post_attention_layernorm.weight`, [dim], slice(wts.rmsFfn, dim)));
    const gate = proj('mlp/gate_proj', hb, slice(wts.w1, hid * dim), hid, dim);
    const up = proj('mlp/up_proj', hb, slice(wts.w3, hid * dim), hid, dim);
    const silu = w.op('Mul', `${p}/mlp/act_fn/Mul`, [gate, w.op('Sigmoid', `${p}/mlp/act_fn/Sigmoid`, [gate])]);
    const down = proj('mlp/down_proj', w.op('Mul', `${p}/mlp/Mul`, [silu, up]), slice(wts.w2, dim * hid), dim, hid);
    x = w.op('Add', `${p}/Add_1`, [x, down]);
  }
  const xf = rmsNorm(w, '/model/norm', x, w.weight('model.norm.weight', [dim], wts.rmsFinal));
  // Tied classifier: the embedding itself, transposed by a node instead of a second copy.
  const cls = c.sharedClassifier ? emb : w.weight('lm_head.weight', [V, dim], wts.classifier);
  const clsT = w.op('Transpose', '/lm_head/Transpose', [cls], { perm: [1, 0] });
  w.add({ op: 'MatMul', name: '/lm_head/MatMul', inputs: [xf, clsT], outputs: ['logits'] });
  return model({
    graphName: 'llama2c',
    nodes: w.nodes,
    initializers: w.inits,
    inputs: [valueInfo('input_ids', 'int64', ['batch_size', 'sequence_length']), valueInfo('position_ids', 'int64', ['batch_size', 'sequence_length'])],
    outputs: [valueInfo('logits', 'float32', ['batch_size', 'sequence_length', V])],
    opsets: { '': 17 },
    producer: 'spatten-profiler llama2c converter',
    metadata: {
      ...(name ? { model_name: name } : {}),
      source_format: 'llama2.c legacy checkpoint',
      rope: 'adjacent pairs (i, i+1), llama2.c convention',
      dim: String(dim),
      n_layers: String(c.layers),
      n_heads: String(H),
      n_kv_heads: String(Hkv),
      vocab_size: String(V),
      max_position_embeddings: String(c.seqLen),
    },
  });
}
