// The SpAtten functional model as an attention core. The runtime calls run() for every layer of
// every pass (step -1: encoder or prompt pass; 0, 1, ...: decode steps); the core applies the
// policy's techniques to the real Q, K, V and records what the hardware would have done.
//
// Per call: (generation) token top-k for this layer from the importance carried so far; the
// alive-token mask (a pruned key is never fetched, a pruned query row is not computed and its
// output stays 0: no alive token can attend to it any more); pruned heads output 0; scores from
// the quantized Q and MSB-only K, LSB refetch and recompute of flat rows; token importance from
// the final probabilities; local V pruning (no renormalization); P x V; head importance from the
// head's output. After the call: head top-k for the next layer, and (encoder) token top-k for the
// next layer. Generation prunes tokens from decode step `startStep` (1: the first generated token
// fetches everything) and can prune at layer 0 because importance accumulates over the prompt and
// earlier steps; the token being generated is always alive.
//
// The state and bookkeeping live in spattenCoreState.ts; a call's arithmetic runs in one of three
// paths: typescriptAttentionPath.ts (the loops, the oracle), kernelAttentionPath.ts (onnxruntime),
// densePassRecord.ts (a dense policy's unmodified-graph pass).
import type { AttentionCore, AttentionCoreCall, DenseLayerStats, DensePassObserver, KernelPathCore } from '../runtime/attentionCore';
import type { AttentionKernel } from './attentionKernel';
import { recordDensePassLayer } from './densePassRecord';
import { runAttentionOnKernel } from './kernelAttentionPath';
import { type SpattenObservations } from './observations';
import type { Trace } from '../trace/trace';
import { isDensePolicy, resolvePolicy, type SpattenPolicy } from './policy';
import { SpattenCoreState } from './spattenCoreState';
import { runAttentionInTypeScript } from './typescriptAttentionPath';
import { validateCoreDims } from './validateCoreCall';
import type { ModelDims } from '../model/modelDims';

/**
 * Decode steps (one query row) with fewer scores than this (heads x keys) stay on the TypeScript
 * loops: a kernel run has a fixed cost of some 40 ORT node launches, more than such a step costs
 * in TypeScript once its K/V rows are quantized (measured on models/decoder, 128 + 32 tokens:
 * the kernel on every decode step was 1.3x slower than the loops).
 */
const KERNEL_MIN_DECODE_SCORES = 1 << 14;

/** The model's dimensions (FFN matrices default to 2: BERT, GPT-2), the run's mode and protections. */
export interface SpattenCoreDims extends Omit<ModelDims, 'ffnMatrices'> {
  ffnMatrices?: number;
  mode: 'encoder' | 'generation';
  /** Positions never pruned ([CLS], BOS), besides the policy's own protections. */
  protectedPositions: number[];
  /** Name written into the Trace's model info. */
  modelName?: string;
}

export class SpattenAttentionCore implements AttentionCore {
  private readonly st: SpattenCoreState;

  constructor(
    readonly policy: SpattenPolicy,
    readonly dims: SpattenCoreDims,
  ) {
    validateCoreDims(dims);
    this.st = new SpattenCoreState(policy, dims);
  }

  run(call: AttentionCoreCall): Float32Array {
    return runAttentionInTypeScript(this.st, call);
  }

  /** The core as a kernel-path core: the engine hands runWithKernel() an AttentionKernel. */
  get kernelPath(): KernelPathCore {
    return this;
  }

  /**
   * As run(), with the arithmetic of the alive heads, rows and keys in `kernel` and only the
   * decisions here (under local V pruning also each row's top-k and P x V of the kept rows).
   * Calls the kernel cannot express fall back to run(): decode steps that re-run a prefix (rows
   * computed again but not counted); small decode steps run there too.
   */
  async runWithKernel(call: AttentionCoreCall, kernel: AttentionKernel): Promise<Float32Array> {
    if (call.shape.queryLen === 1 && call.shape.heads * call.shape.keyLen < KERNEL_MIN_DECODE_SCORES) return this.run(call);
    const replayFrom = this.dims.mode === 'generation' && call.step >= 0 ? this.st.computedUpTo[call.layer] : 0;
    for (let i = 0; i < call.queryPositions.length; i++) if (call.queryPositions[i] < replayFrom) return this.run(call);
    return runAttentionOnKernel(this.st, call, kernel);
  }

  /**
   * The core as a dense-pass observer when its policy changes nothing (every technique off): the
   * engine then runs the unmodified graph and hands over each layer's probability statistics.
   */
  get densePass(): DensePassObserver | undefined {
    return isDensePolicy(this.policy) ? this : undefined;
  }

  /** What run() records for a full pass (step -1) under a dense policy, from the graph's own probabilities. */
  recordDenseLayer(s: DenseLayerStats): void {
    recordDensePassLayer(this.st, s);
  }

  // ---- read-back for the profile pipeline ----

  /** The workload as the hardware model consumes it. */
  trace(name = this.policy.name): Trace {
    const d = this.dims;
    return {
      version: 1,
      source: { kind: 'engine', name },
      mode: d.mode,
      model: { name: d.modelName ?? 'model', layers: d.layers, heads: d.heads, kvHeads: d.kvHeads, headDim: d.headDim, hiddenSize: d.hiddenSize },
      unquantizedBits: 32, // unquantized tensors stay float32 in the functional model
      rows: this.st.recorder.rows,
      layerSteps: this.st.recorder.layerSteps,
    };
  }

  /** What the model observed on the current input, as data (spatten/observations.ts). */
  observations(): SpattenObservations {
    const q = this.policy.quantization;
    return {
      layers: this.dims.layers,
      heads: this.dims.heads,
      tokenImportanceByLayer: this.st.recorder.tokenImportance.map((s) => (s ? Array.from(s) : [])),
      keptTokensByLayer: this.st.recorder.keptTokens.map((s) => (s ? Array.from(s) : [])),
      tokenPrunedAtLayer: this.st.tokens.prunedAtLayer(),
      tokenPrunedAtStep: this.st.tokens.prunedAtStep(),
      tokenPruneEvents: this.st.tokens.pruneEvents(),
      contextByStep: [...this.st.contextByStep.entries()],
      headImportanceByLayer: this.st.recorder.headImportance.map((s) => (s ? Array.from(s) : [])),
      headPrunedAtLayer: this.st.heads.prunedAtLayer(),
      refetch: this.st.recorder.refetchReport(q.mode === 'progressive' ? q.threshold : -1),
    };
  }

  /** Positions in [0, contextLength) the policy and model never prune (sinks, recent, [CLS]/BOS, given positions). */
  protectedPositions(contextLength: number): number[] {
    const prot = this.policy.tokenPruning.protect;
    const fixed = new Set([...this.dims.protectedPositions, ...prot.positions]);
    const out: number[] = [];
    for (let j = 0; j < contextLength; j++) {
      if (fixed.has(j) || j < prot.sinkTokens || j >= contextLength - prot.recentTokens) out.push(j);
    }
    return out;
  }

  /** Forgets everything about the previous input (importance, pruning, trace); keeps the policy. */
  resetForNewInput(): void {
    this.st.reset();
  }
}

/**
 * Creates the core for a policy (preset name, JSON object, or a SpattenPolicy) and model dimensions.
 * Objects are always validated (resolving a complete SpattenPolicy returns an equal policy), so a
 * hand-edited object cannot bypass the schema.
 */
export function createSpattenCore(policy: SpattenPolicy | string | Record<string, unknown>, dims: SpattenCoreDims): SpattenAttentionCore {
  return new SpattenAttentionCore(resolvePolicy(policy as string | Record<string, unknown>), dims);
}
