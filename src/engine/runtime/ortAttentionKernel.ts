// The SpAtten attention core's arithmetic as one onnxruntime graph (spatten/attentionKernel.ts
// says what it must compute). All dims are dynamic, so one session per graph variant (the
// quantization mode, with or without an additive mask or per-head bias, the scores' float type)
// serves every layer, pass and input; the bit widths and the threshold are inputs.
//
// The operands are quantized in float64 from the float32 inputs, as the TypeScript core does, so
// the codes are the core's. The [m, r, n] part (scores, softmax, P x V), which is the kernel's
// cost, runs in float32 by default: ORT's float32 GEMM and fused Softmax cost about a third of
// float64's (measured, 4 heads x 512 x 512). Probabilities then differ from the core's float64 ones
// by float32 rounding of the scores (1e-7 to 1e-4 relative on the trained models), so a decision
// could flip only on a near-tie at that level; ortAttentionKernel.test.ts checks the decisions
// equal on every fixture and, at 512 tokens of real text, on both trained models. In float64 (the
// 'onnxruntime-float64' kernel) the two differ only in the order of a row's sums (1e-16).
// Per row (head h, query i) over the alive keys j it may see:
//   Qq, Kq, Vq  = per-row symmetric quantize/dequantize, rounded to float32 (K: MSB-only reading
//                 and MSB + LSB reading in progressive mode)
//   s_j         = (scale * Qq).Kq_j + mask[i, j] + bias[h, i, j], -inf past the row's causal limit
//   p           = exp(s - max s) * (1 / sum)    (0 for a row with no finite score)
//   refetch     = max p < threshold (progressive): p recomputed from the MSB + LSB reading
//   context     = p x Vq (float32), rowAbsSum = sum_d |context|, importance_j = sum_{h,i} p_j

import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { encodeModel, model, node, valueInfo, type NodeSpec } from '../onnx/graphBuilder';
import type { AttentionKernel, KernelRequest, KernelResult } from '../spatten/attentionKernel';
import type { SpattenPolicy } from '../spatten/policy';
import { createOrtSession, ortFailure, SEQUENTIAL_SESSION_DEFAULTS } from './ortEnvironment';

type QuantMode = SpattenPolicy['quantization']['mode'];

const T = onnx.TensorProto.DataType;

/** Collects nodes and scalar constants of one graph. */
class KernelGraph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private seq = 0;

  op(op: string, inputs: string[], attrs?: NodeSpec['attrs']): string {
    const out = `${op.toLowerCase()}_${this.seq++}`;
    this.nodes.push(node({ op, inputs, outputs: [out], attrs }));
    return out;
  }

  named(name: string, op: string, inputs: string[], attrs?: NodeSpec['attrs']): string {
    this.nodes.push(node({ op, inputs, outputs: [name], attrs }));
    return name;
  }

  double(name: string, value: number): string {
    this.initializers.push({ name, dims: [], dataType: T.DOUBLE, doubleData: [value] });
    return name;
  }

  float(name: string, value: number): string {
    this.initializers.push({ name, dims: [], dataType: T.FLOAT, floatData: [value] });
    return name;
  }

  ints(name: string, values: number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: T.INT64, int64Data: values });
    return name;
  }

  /**
   * Row quantizer state of float32 x (last axis), in float64 as the TypeScript core computes it:
   * scale = max|x| / qmax, codes = round(x / scale) (ties to even). |x| <= max|x| keeps the codes
   * within +-qmax (x * (1 / scale) exceeds qmax by a few ulps at most), so the core's clamp is a
   * no-op and left out; an all-zero row divides by 1 instead of 0 and gets codes 0.
   */
  codes(x: string, qmax: string): { codes: string; scale: string } {
    const x64 = this.op('Cast', [x], { to: T.DOUBLE });
    // max|x| as max(max x, -min x): two reads and no |x| tensor.
    const hi = this.op('ReduceMax', [x64], { axes: [-1], keepdims: 1 });
    const lo = this.op('ReduceMin', [x64], { axes: [-1], keepdims: 1 });
    const scale = this.op('Div', [this.op('Max', [hi, this.op('Neg', [lo])]), qmax]);
    const inv = this.op('Reciprocal', [this.op('Where', [this.op('Equal', [scale, 'zero']), 'one', scale])]);
    return { codes: this.op('Round', [this.op('Mul', [x64, inv])]), scale };
  }

  /** Dequantized codes * scale (or a code-space value * scale), stored as float32 as the TypeScript core stores it. */
  dequantized(value: string, scale: string): string {
    return this.op('Cast', [this.op('Mul', [value, scale])], { to: T.FLOAT });
  }

  quantizeDequantize(x: string, qmax: string): string {
    const c = this.codes(x, qmax);
    return this.dequantized(c.codes, c.scale);
  }

  /**
   * Softmax over the last axis and the row max [m, r] (float64). `c` names the zero/one constants
   * of the scores' type. With `fused`, ONNX Softmax (one op: ORT computes each row in cache); the
   * caller guarantees every row has a finite score, since Softmax of an all -inf row is NaN where
   * the TypeScript core gives 0.
   */
  softmax(scores: string, c: ScoreConstants, fused: boolean): { probs: string; rowMax: string } {
    if (fused) {
      const probs = this.op('Softmax', [scores], { axis: -1 });
      return { probs, rowMax: this.toF64(this.op('ReduceMax', [probs], { axes: [-1], keepdims: 0 }), c) };
    }
    const mx = this.op('ReduceMax', [scores], { axes: [-1], keepdims: 1 });
    const safeMax = this.op('Where', [this.op('IsInf', [mx]), c.zero, mx]);
    const e = this.op('Exp', [this.op('Sub', [scores, safeMax])]);
    const sum = this.op('ReduceSum', [e, this.ints(`axes_last_${this.seq}`, [-1])], { keepdims: 1 });
    const empty = this.op('Equal', [sum, c.zero]);
    const inv = this.op('Reciprocal', [this.op('Where', [empty, c.one, sum])]);
    const probs = this.op('Mul', [e, inv]);
    // The largest probability is exp(0) * inv = inv exactly (0 for a row with no finite score).
    const rowMax = this.op('Squeeze', [this.op('Where', [empty, c.zero, inv]), this.ints(`axes_sq_${this.seq}`, [-1])]);
    return { probs, rowMax: this.toF64(rowMax, c) };
  }

  toF64(x: string, c: ScoreConstants): string {
    return c.type === T.DOUBLE ? x : this.op('Cast', [x], { to: T.DOUBLE });
  }

  /**
   * [m, r, n] scores of the scaled rows `qScaled` (scale * Q, [m, r, D]) against keys k [m, n, D],
   * masked, causally limited. Scaling Q rather than the scores costs r * D multiplications instead
   * of r * n (the TypeScript core scales the dot product: the two differ by float64 rounding).
   */
  scores(qScaled: string, k: string, v: KernelVariant, c: ScoreConstants): string {
    let s = this.op('MatMul', [qScaled, this.op('Transpose', [k], { perm: [0, 2, 1] })]);
    if (v.withMask) s = this.op('Add', [s, 'mask_s']);
    if (v.withBias) s = this.op('Add', [s, 'bias_s']);
    return v.causal ? this.op('Where', ['visible', s, c.minusInf]) : s;
  }
}

/** The scores' float type and its constants. */
interface ScoreConstants {
  type: onnx.TensorProto.DataType;
  zero: string;
  one: string;
  minusInf: string;
}

/**
 * What changes the graph: the quantization mode, an additive mask input, a per-head bias input,
 * causal limits, the float type of the [m, r, n] part (scores, softmax, P x V), whether every
 * row is known to see a finite score (then ONNX's fused Softmax) and whether the probabilities
 * leave the graph instead of the context.
 */
export interface KernelVariant {
  mode: QuantMode;
  withMask: boolean;
  withBias: boolean;
  causal: boolean;
  scores: 'float64' | 'float32';
  rowsNonEmpty: boolean;
  /** Output the final probabilities [m, r, n] instead of P x V (local V pruning happens in the caller). */
  probabilities: boolean;
}

/** The kernel graph of one variant. */
export function kernelModel(variant: KernelVariant): onnx.ModelProto {
  const { mode, withMask, withBias, causal } = variant;
  const g = new KernelGraph();
  g.double('zero', 0);
  g.double('one', 1);
  const wide = variant.scores === 'float64';
  const c: ScoreConstants = wide
    ? { type: T.DOUBLE, zero: 'zero', one: 'one', minusInf: g.double('minus_inf', -Infinity) }
    : { type: T.FLOAT, zero: g.float('zero_s', 0), one: g.float('one_s', 1), minusInf: g.float('minus_inf_s', -Infinity) };
  const gather = (x: string, idx: string, axis: number) => g.op('Gather', [x, idx], { axis });
  const f64 = (x: string) => g.op('Cast', [x], { to: T.DOUBLE });
  // float32 operands into the scores' type: values stored as float32, so the cast is exact.
  const toScores = (x: string) => (wide ? f64(x) : x);
  // Alive heads, rows and keys: Q [m, r, D], K and V [m, n, D] (each head with its KV head), float32.
  const q = gather(gather('q', 'heads', 0), 'rows', 1);
  const k = gather(gather('k', 'kv_of', 0), 'keys', 1);
  const v = gather(gather('v', 'kv_of', 0), 'keys', 1);
  const inScores = (x: string, name: string) => (wide ? g.named(name, 'Cast', [x], { to: T.DOUBLE }) : g.named(name, 'Identity', [x]));
  if (withMask) inScores(gather(gather('mask', 'rows', 0), 'keys', 1), 'mask_s');
  // bias [H, Lq, Lk] -> [m, r, n]: the alive heads' alive rows over the alive keys.
  if (withBias) inScores(gather(gather(gather('bias', 'heads', 0), 'rows', 1), 'keys', 2), 'bias_s');
  // visible [r, n]: key position <= the row's causal limit.
  if (causal) g.named('visible', 'LessOrEqual', [g.op('Unsqueeze', ['key_pos', g.ints('axis0', [0])]), g.op('Unsqueeze', ['row_limit', g.ints('axis1', [1])])]);

  // Operands are quantized in float64 (codes then match the TypeScript core's) and stored as
  // float32 values, as the core stores them; the [m, r, n] part below runs in the scores' type.
  let qs = q;
  let kFirst = k;
  let kFull: string | null = null;
  let vs = v;
  if (mode !== 'off') {
    qs = g.quantizeDequantize(q, 'q_max');
    vs = g.quantizeDequantize(v, 'v_max');
    if (mode === 'static') kFirst = g.quantizeDequantize(k, 'k_max');
    else {
      // K at msb + lsb bits; the MSB plane reads floor(code / 2^lsb) * 2^lsb + mid.
      const codes = g.codes(k, 'k_max');
      kFull = g.dequantized(codes.codes, codes.scale);
      const hi = g.op('Floor', [g.op('Mul', [codes.codes, 'lsb_inv_step'])]);
      kFirst = g.dequantized(g.op('Add', [g.op('Mul', [hi, 'lsb_step']), 'msb_mid']), codes.scale);
    }
  }
  const qScaled = wide ? g.op('Mul', [f64(qs), 'scale']) : g.op('Cast', [g.op('Mul', [f64(qs), 'scale'])], { to: T.FLOAT });
  const fused = variant.rowsNonEmpty;
  const first = g.softmax(g.scores(qScaled, toScores(kFirst), variant, c), c, fused);
  g.named('max_first', 'Identity', [first.rowMax]);
  let probs = first.probs;
  const outputs = [valueInfo('max_first', 'float64', ['m', 'r'])];
  if (kFull) {
    const after = g.softmax(g.scores(qScaled, toScores(kFull), variant, c), c, fused);
    const refetch = g.named('refetched', 'Less', [first.rowMax, 'threshold']);
    g.named('max_after', 'Identity', [after.rowMax]);
    probs = g.op('Where', [g.op('Unsqueeze', [refetch, g.ints('axis2', [2])]), after.probs, first.probs]);
    outputs.push(valueInfo('refetched', 'bool', ['m', 'r']), valueInfo('max_after', 'float64', ['m', 'r']));
  }
  g.named('importance', 'Identity', [g.toF64(g.op('ReduceSum', [probs, g.ints('axes01', [0, 1])], { keepdims: 0 }), c)]);
  outputs.push(valueInfo('importance', 'float64', ['n']));
  if (variant.probabilities) {
    g.named('probs', 'Identity', [g.toF64(probs, c)]);
    outputs.push(valueInfo('probs', 'float64', ['m', 'r', 'n']));
  } else {
    const pv = g.op('MatMul', [probs, toScores(vs)]);
    const ctx = wide ? g.named('context', 'Cast', [pv], { to: T.FLOAT }) : g.named('context', 'Identity', [pv]);
    g.named('row_abs_sum', 'ReduceSum', [g.op('Abs', [f64(ctx)]), g.ints('axes_ctx', [-1])], { keepdims: 0 });
    outputs.push(valueInfo('context', 'float32', ['m', 'r', 'd']), valueInfo('row_abs_sum', 'float64', ['m', 'r']));
  }

  const i64 = (name: string, dim: string) => valueInfo(name, 'int64', [dim]);
  const scalar = (name: string) => valueInfo(name, 'float64', []);
  const inputs = [
    valueInfo('q', 'float32', ['h', 'lq', 'd']),
    valueInfo('k', 'float32', ['hkv', 'lk', 'd']),
    valueInfo('v', 'float32', ['hkv', 'lk', 'd']),
    i64('heads', 'm'),
    i64('kv_of', 'm'),
    i64('rows', 'r'),
    i64('keys', 'n'),
    scalar('scale'),
  ];
  if (causal) inputs.push(valueInfo('row_limit', 'float64', ['r']), valueInfo('key_pos', 'float64', ['n']));
  if (withMask) inputs.push(valueInfo('mask', 'float32', ['lq', 'lk']));
  if (withBias) inputs.push(valueInfo('bias', 'float32', ['h', 'lq', 'lk']));
  if (mode !== 'off') inputs.push(scalar('q_max'), scalar('k_max'), scalar('v_max'));
  if (mode === 'progressive') inputs.push(scalar('lsb_step'), scalar('lsb_inv_step'), scalar('msb_mid'), scalar('threshold'));
  return model({ graphName: `spatten_kernel_${variantKey(variant).replaceAll('/', '_')}`, nodes: g.nodes, initializers: g.initializers, inputs, outputs, producer: 'spatten-profiler kernel' });
}

function variantKey(v: KernelVariant): string {
  return `${v.mode}${v.withMask ? '/mask' : ''}${v.withBias ? '/bias' : ''}${v.causal ? '/causal' : ''}/${v.scores}${v.rowsNonEmpty ? '/softmax' : ''}${v.probabilities ? '/probs' : ''}`;
}

const i64Tensor = (a: Int32Array) => new Tensor('int64', BigInt64Array.from(a, (x) => BigInt(x)), [a.length]);
const f64Scalar = (x: number) => new Tensor('float64', Float64Array.of(x), []);

/** The ORT kernel: sessions built on first use of each variant, then reused. */
export class OrtAttentionKernel implements AttentionKernel {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  /** Wall time in kernel runs (ms, measured). */
  runMs = 0;

  /**
   * `scores`: the float type of the [m, r, n] part. float32 (the default) runs ORT's float32 GEMM
   * and Softmax, at about a third of float64's cost; its probabilities differ from the TypeScript
   * core's by float32 rounding (the decisions are checked equal on every fixture and trained model
   * in ortAttentionKernel.test.ts). float64 agrees with the TypeScript core to float64 rounding.
   */
  constructor(
    private readonly options: ort.InferenceSession.SessionOptions = {},
    private readonly scores: KernelVariant['scores'] = 'float32',
  ) {}

  private session(v: KernelVariant): Promise<ort.InferenceSession> {
    const key = variantKey(v);
    let s = this.sessions.get(key);
    if (!s) {
      s = createOrtSession(encodeModel(kernelModel(v)), { ...SEQUENTIAL_SESSION_DEFAULTS, ...this.options }).catch((e: unknown) => {
        throw ortFailure('attention kernel', `onnxruntime refused the ${key} attention graph`, e);
      });
      this.sessions.set(key, s);
    }
    return s;
  }

  async run(req: KernelRequest): Promise<KernelResult> {
    const { heads: H, kvHeads: Hkv, headDim: D, queryLen: Lq, keyLen: Lk } = req.shape;
    const quant = req.quantization;
    const feeds: Record<string, ort.Tensor> = {
      q: new Tensor('float32', req.q, [H, Lq, D]),
      k: new Tensor('float32', req.k, [Hkv, req.kvStride, D]),
      v: new Tensor('float32', req.v, [Hkv, req.kvStride, D]),
      heads: i64Tensor(req.heads),
      kv_of: i64Tensor(req.kvOf),
      rows: i64Tensor(req.rows),
      keys: i64Tensor(req.keys),
      scale: f64Scalar(req.scale),
    };
    const causal = req.rowLimit.some((x) => x !== Infinity);
    if (causal) {
      feeds.row_limit = new Tensor('float64', req.rowLimit, [req.rowLimit.length]);
      feeds.key_pos = new Tensor('float64', Float64Array.from(req.keys), [req.keys.length]);
    }
    if (req.mask) feeds.mask = new Tensor('float32', req.mask, [Lq, Lk]);
    if (req.bias) feeds.bias = new Tensor('float32', req.bias, [H, Lq, Lk]);
    if (quant.mode !== 'off') {
      const kBits = quant.mode === 'progressive' ? quant.keyBits + quant.keyLsbBits : quant.keyBits;
      feeds.q_max = f64Scalar(2 ** (quant.queryBits - 1) - 1);
      feeds.k_max = f64Scalar(2 ** (kBits - 1) - 1);
      feeds.v_max = f64Scalar(2 ** (quant.valueBits - 1) - 1);
    }
    if (quant.mode === 'progressive') {
      const step = 2 ** quant.keyLsbBits;
      feeds.lsb_step = f64Scalar(step);
      feeds.lsb_inv_step = f64Scalar(1 / step);
      feeds.msb_mid = f64Scalar(quant.msbReading === 'mid-bin' ? (step - 1) / 2 : 0);
      feeds.threshold = f64Scalar(quant.threshold);
    }
    // Probabilities for a per-row top-k: float64, so its selection is the TypeScript core's.
    const scores = req.probabilities ? 'float64' : this.scores;
    const session = await this.session({ mode: quant.mode, withMask: req.mask !== null, withBias: req.bias !== null, causal, scores, rowsNonEmpty: req.rowsNonEmpty, probabilities: req.probabilities });
    const t0 = performance.now();
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await session.run(feeds);
    } catch (e) {
      throw ortFailure('attention kernel', 'onnxruntime failed', e);
    }
    this.runMs += performance.now() - t0;
    const rows = req.heads.length * req.rows.length;
    const refetched = out.refetched ? Uint8Array.from(out.refetched.data as Uint8Array) : new Uint8Array(rows);
    return {
      context: out.context ? (out.context.data as Float32Array) : new Float32Array(0),
      maxFirst: out.max_first.data as Float64Array,
      refetched,
      maxAfter: out.max_after ? (out.max_after.data as Float64Array) : new Float64Array(rows),
      rowAbsSum: out.row_abs_sum ? (out.row_abs_sum.data as Float64Array) : new Float64Array(0),
      importance: out.importance.data as Float64Array,
      probabilities: out.probs ? (out.probs.data as Float64Array) : null,
    };
  }

  async release(): Promise<void> {
    for (const s of this.sessions.values()) await (await s.catch(() => null))?.release();
    this.sessions.clear();
  }
}
