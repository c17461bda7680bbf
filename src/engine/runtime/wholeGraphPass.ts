// Policy `off` at onnxruntime speed: the unmodified graph in one ORT session, plus per attention
// core three small in-graph reductions of the graph's own Softmax output and context, so that
// no attention is computed in TypeScript and no [H, Lq, Lk] tensor crosses into JS:
//   importance [Lk]      sum over heads and query rows of the probabilities (token importance)
//   rowMax     [H, Lq]   each row's largest probability (the max-probability histogram, trace)
//   rowAbsSum  [H, Lq]   sum over d of |context| (head importance, summed per row as the core does)
// The reductions run in float64 on the graph's own probabilities, so a sum over 512 x 12 rows
// does not lose the small scores. Only plain cores (a Softmax output and a [1, H, Lq, D] context)
// qualify; graphs with fused attention ops keep the segment path.

import type * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { InputError } from '../errors';
import type { DiscoveredCore } from '../model/attentionCore';
import type { GraphIndex } from '../model/graphIndex';
import { encodeModel, node } from '../onnx/graphBuilder';
import { encodeReferencingSources, withModelFolder } from '../onnx/initializerSources';
import type { DenseLayerStats } from './attentionCore';
import { createOrtSession, ortFailure } from './ortEnvironment';
import type { ModelWeightFiles } from './segmentRunner';

const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

/** Output names of core `layer`'s reductions. */
function statNames(layer: number): { importance: string; rowMax: string; rowAbsSum: string } {
  const p = `spatten_engine/layer${layer}`;
  return { importance: `${p}/importance`, rowMax: `${p}/row_max`, rowAbsSum: `${p}/row_abs_sum` };
}

/** Why the cores cannot run as one unmodified pass (null: they can). */
export function wholeGraphRefusal(cores: DiscoveredCore[]): string | null {
  if (cores.length === 0) return 'no attention cores';
  for (const c of cores) {
    if (c.fused) return `core ${c.layer} is a fused ${c.fused.op}`;
    if (!c.probabilities) return `core ${c.layer} has no Softmax output`;
    if (c.context.layout !== 'BHLD') return `core ${c.layer}'s context is not [1, H, Lq, D]`;
  }
  return null;
}

/**
 * Reduce* nodes for the model's opset: `axes` became an input of ReduceSum at opset 13 and of
 * ReduceMax at 18; before that it is an attribute.
 */
function reduceNode(op: 'ReduceSum' | 'ReduceMax', input: string, axes: number[], output: string, opset: number, initializers: onnx.ITensorProto[]): onnx.INodeProto {
  const axesAsInput = op === 'ReduceSum' ? opset >= 13 : opset >= 18;
  if (!axesAsInput) return node({ op, inputs: [input], outputs: [output], attrs: { axes, keepdims: 0 } });
  const axesName = `${output}/axes`;
  initializers.push({ name: axesName, dims: [axes.length], dataType: onnx.TensorProto.DataType.INT64, int64Data: axes });
  return node({ op, inputs: [input, axesName], outputs: [output], attrs: { keepdims: 0 } });
}

/** The model with every core's reductions as extra graph outputs. */
export function withCoreReductions(proto: onnx.IModelProto, g: GraphIndex, cores: DiscoveredCore[]): onnx.IModelProto {
  const graph = proto.graph as onnx.IGraphProto;
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const outputs: onnx.IValueInfoProto[] = [];
  for (const c of cores) {
    const n = statNames(c.layer);
    const p = `${n.importance}/probs_f64`;
    const flat = `${n.importance}/flat`;
    const ctx = `${n.rowAbsSum}/ctx_f64`;
    const abs = `${n.rowAbsSum}/abs`;
    nodes.push(
      node({ op: 'Cast', inputs: [c.probabilities as string], outputs: [p], attrs: { to: DOUBLE } }),
      // [.., Lq, Lk] -> [rows, Lk]: one reduction for any rank (plain, or heads split by KV group).
      node({ op: 'Flatten', inputs: [p], outputs: [flat], attrs: { axis: -1 } }),
      reduceNode('ReduceSum', flat, [0], n.importance, g.opset, inits),
      reduceNode('ReduceMax', p, [-1], n.rowMax, g.opset, inits),
      node({ op: 'Cast', inputs: [c.context.name], outputs: [ctx], attrs: { to: DOUBLE } }),
      node({ op: 'Abs', inputs: [ctx], outputs: [abs] }),
      reduceNode('ReduceSum', abs, [-1], n.rowAbsSum, g.opset, inits),
    );
    for (const o of [n.importance, n.rowMax, n.rowAbsSum]) outputs.push({ name: o, type: { tensorType: { elemType: DOUBLE } } });
  }
  return {
    ...proto,
    graph: {
      ...graph,
      node: [...(graph.node ?? []), ...nodes],
      initializer: [...(graph.initializer ?? []), ...inits],
      output: [...(graph.output ?? []), ...outputs],
    },
  };
}

function doubles(t: ort.Tensor | undefined, name: string): Float64Array {
  if (!t || t.type !== 'float64') throw new InputError(name, 'the whole-graph pass did not produce this reduction');
  return t.data as Float64Array;
}

/** One ORT session of the whole model with the reductions; built once, run per input. */
export class WholeGraphPass {
  /** Wall time in ORT runs (ms, measured). */
  segmentMs = 0;

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly cores: DiscoveredCore[],
  ) {}

  /**
   * `weights`: where the model's weights lie on disk (a loaded file); the session then reads them
   * from there instead of from a protobuf encode that would copy every weight through JS.
   */
  static async create(proto: onnx.IModelProto, g: GraphIndex, cores: DiscoveredCore[], options: ort.InferenceSession.SessionOptions, weights?: ModelWeightFiles): Promise<WholeGraphPass> {
    const why = wholeGraphRefusal(cores);
    if (why) throw new InputError('whole-graph pass', why);
    const extended = withCoreReductions(proto, g, cores);
    const bytes = weights ? encodeReferencingSources(extended, weights.sources) : encodeModel(extended);
    try {
      return new WholeGraphPass(await createOrtSession(bytes, weights ? withModelFolder(options, weights.dir) : options), cores);
    } catch (e) {
      throw ortFailure('whole-graph pass', 'onnxruntime refused the model with the importance reductions', e);
    }
  }

  /** Runs the model; returns its outputs and each core's statistics (layer order). */
  async run(feeds: Record<string, ort.Tensor>): Promise<{ outputs: Map<string, ort.Tensor>; stats: DenseLayerStats[] }> {
    const t0 = performance.now();
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.session.run(feeds);
    } catch (e) {
      throw ortFailure('whole-graph pass', 'onnxruntime failed', e);
    }
    this.segmentMs += performance.now() - t0;
    const stats = this.cores.map((c): DenseLayerStats => {
      const n = statNames(c.layer);
      const rowMax = out[n.rowMax];
      const absSum = out[n.rowAbsSum];
      const importance = doubles(out[n.importance], n.importance);
      const rows = doubles(rowMax, n.rowMax).length;
      const queryLen = rowMax.dims[rowMax.dims.length - 1] ?? 1;
      const heads = rows / queryLen;
      const ctx = doubles(absSum, n.rowAbsSum);
      if (ctx.length !== rows) throw new InputError(n.rowAbsSum, `context rows ${ctx.length} differ from probability rows ${rows}`);
      return { layer: c.layer, heads, queryLen, keyLen: importance.length, causal: c.causal, importance, rowMax: rowMax.data as Float64Array, rowAbsSum: ctx };
    });
    return { outputs: new Map(Object.entries(out)), stats };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
