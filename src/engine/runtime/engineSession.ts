// The engine's execution path for one model: the graph cut at its attention cores, ORT running
// the segments, an AttentionCore (dense or SpAtten) computing every core, and an engine-owned KV
// cache for decoders. Batch 1.
//
//   const session = await EngineSession.create(loaded, discoverTransformer(loaded.proto));
//   await session.runEncoder(ids, core, signal)            -> { logits, dims }
//   await session.generate({ promptIds, maxNewTokens, core, onStep, signal })
//   await session.score({ ids, core, signal })             -> per-position logits, log-probs

import * as ort from 'onnxruntime-node';
import type { onnx } from 'onnx-proto';
import { InputError, throwIfAborted } from '../errors';
import type { DiscoveredCore } from '../model/attentionCore';
import type { DiscoveredTransformer } from '../model/transformerDiscovery';
import type { AttentionCore } from './attentionCore';
import { denseAttentionCore } from './denseAttentionCore';
import type { ModelInput } from './modelInputs';
import { buildFeeds, classifyInputs } from './modelInputs';
import type { ModelSummary } from '../model/modelSummary';
import type { ModelWeightFiles, ObservedCoreShape, PassKind, PassState } from './segmentRunner';
import { newPassState, SegmentRunner } from './segmentRunner';
import { planSegments } from './segmentPlan';
import { tensorToF32 } from './ortTensors';
import type { SamplingOptions } from './tokenSampling';
import { TokenSampler } from './tokenSampling';
import { argmax, tokenLogProb } from '../numerics';
import { primaryOutput, resultOutputs } from '../model/outputKinds';
import { WholeGraphPass, wholeGraphRefusal } from './wholeGraphPass';
import { OrtAttentionKernel } from './ortAttentionKernel';
import type { AttentionKernel } from '../spatten/attentionKernel';

export interface EngineModel {
  proto: onnx.IModelProto;
  fileName?: string;
  /** Where the weights lie on disk (a loaded file): segments reference them instead of copying them. */
  weights?: ModelWeightFiles;
}

export interface EngineSessionOptions {
  /** ORT options for the segment sessions (the bench uses the same for the plain reference). */
  sessionOptions?: ort.InferenceSession.SessionOptions;
  /** Seed of synthetic inputs for non-text graph inputs. */
  seed?: number;
  /** User-given tensors by graph input name (e.g. a .npy image for a vision transformer). */
  given?: Record<string, ort.Tensor>;
  /** Sequence length of synthetic inputs for graphs without token ids (default 16). */
  sequenceLength?: number;
  /**
   * Where a SpAtten core's arithmetic runs: 'onnxruntime' (default: runtime/ortAttentionKernel.ts
   * with float32 scores, the decisions stay in TypeScript), 'onnxruntime-float64' (the same graph
   * in float64: agrees with the TypeScript loops to float64 rounding) or 'typescript' (the core's
   * own loops, the test oracle).
   */
  attentionKernel?: 'onnxruntime' | 'onnxruntime-float64' | 'typescript';
}

export interface StepInfo {
  /** 0, 1, ...: the decode step that produced `token` (-1: the prompt pass). */
  step: number;
  /** Position of the token the logits predict. */
  position: number;
  token: number;
  logits: Float32Array;
}

export interface GenerateOptions {
  promptIds: number[];
  maxNewTokens: number;
  core: AttentionCore;
  /** Greedy when absent. */
  sampling?: SamplingOptions;
  /** Stop after generating one of these ids (e.g. EOS). */
  stopIds?: number[];
  onStep?: (info: StepInfo) => void;
  signal?: AbortSignal;
}

export interface GenerateResult {
  /** Generated ids (prompt excluded). */
  ids: number[];
  /** Logits [vocab] that chose each generated id. */
  logitsPerStep: Float32Array[];
  decodeMode: DecodeMode;
}

export interface ScoreOptions {
  ids: number[];
  core: AttentionCore;
  /** Tokens run as the prompt pass (step -1); the rest are fed one per step. Default 1. */
  promptLength?: number;
  onStep?: (info: StepInfo) => void;
  signal?: AbortSignal;
}

export interface ScoreResult {
  /** logits[i] [vocab] at position i (predicting ids[i + 1]). */
  logits: Float32Array[];
  /** log p(ids[i + 1] | ids[..i]) for i = 0 .. n-2. */
  tokenLogProbs: number[];
  decodeMode: DecodeMode;
}

/** How decode steps run: on the new token with the engine's cache, or re-running the prefix. */
export type DecodeMode = 'kv-cache' | 'full-prefix';

/**
 * Max |diff| between a cached decode step and a full pass for the cache to be trusted: absolute,
 * or relative to the largest logit (fp16 models round differently in the two paths). A position
 * or mask derived from the sequence length changes logits by O(1) of their scale.
 */
const DECODE_PROBE_TOLERANCE = 1e-3;
const DECODE_PROBE_RELATIVE = 2e-3;

export class EngineSession {
  private decodeRunner: SegmentRunner | null = null;
  private decode: { mode: DecodeMode; reason: string } | null = null;
  /** The unmodified graph with importance reductions, for dense-policy full passes (null: not possible). */
  private whole: WholeGraphPass | null | undefined;
  /** The ORT attention kernel, built when a core first takes one. */
  private kernel: OrtAttentionKernel | null = null;
  /** Notes from the run (mask contradictions, decode fallback), for the report's warnings. */
  readonly warnings: string[] = [];

  private constructor(
    readonly model: EngineModel,
    readonly discovered: DiscoveredTransformer,
    readonly inputs: ModelInput[],
    readonly logitsName: string,
    private readonly fullRunner: SegmentRunner,
    private readonly opts: EngineSessionOptions,
  ) {}

  static async create(model: EngineModel, discovered: DiscoveredTransformer, opts: EngineSessionOptions = {}): Promise<EngineSession> {
    const g = discovered.graph;
    const logitsName = primaryOutput(g);
    if (!logitsName) throw new InputError(model.fileName ?? 'model', 'graph has no output besides present key/values');
    // Full passes compute every result output (embeddings, pooled vectors, several heads), so each
    // can be compared with the dense run; decode steps compute only the primary one.
    const plan = planSegments(model.proto, g, discovered.cores, { withMasks: true, outputs: resultOutputs(g) });
    const runner = await SegmentRunner.create(plan, opts.sessionOptions ?? {}, model.weights);
    const inputs = classifyInputs(g);
    try {
      const measured = await measureGeometry(discovered, runner, inputs, opts);
      const session = new EngineSession(model, measured.discovered, inputs, logitsName, runner, opts);
      session.warnings.push(...measured.notes);
      return session;
    } catch (e) {
      await runner.release();
      throw e;
    }
  }

  get cores(): DiscoveredCore[] {
    return this.discovered.cores;
  }

  /**
   * The model summary with the geometry observed at run time filled in where discovery could
   * not read it statically (dynamic reshape targets, fused ops without widths). Call after a run.
   */
  summary(): ModelSummary {
    return withObservedSummary(this.discovered.summary, this.fullRunner.observed.get(0) ?? this.decodeRunner?.observed.get(0));
  }

  /** Wall time so far in ORT segments and in the engine's attention cores (ms, measured). */
  timings(): { segmentMs: number; coreMs: number } {
    const a = this.fullRunner.timings;
    const b = this.decodeRunner?.timings ?? { segmentMs: 0, coreMs: 0 };
    return { segmentMs: a.segmentMs + b.segmentMs + (this.whole?.segmentMs ?? 0), coreMs: a.coreMs + b.coreMs };
  }

  /** Wall time in the ORT attention kernel's runs (ms, measured; part of coreMs). */
  kernelMs(): number {
    return this.kernel?.runMs ?? 0;
  }

  /** Geometry of each layer's core as observed at run time (undefined before a run). */
  observedShape(layer: number): ObservedCoreShape | undefined {
    return this.fullRunner.observed.get(layer) ?? this.decodeRunner?.observed.get(layer);
  }

  /** How decode steps run, once generate/score decided it (null before). */
  get decodeMode(): { mode: DecodeMode; reason: string } | null {
    return this.decode;
  }

  async release(): Promise<void> {
    await this.fullRunner.release();
    await this.decodeRunner?.release();
    await this.whole?.release();
    await this.kernel?.release();
  }

  /** The kernel for a core that takes one (unless the options ask for the TypeScript loops). */
  private kernelFor(core: AttentionCore): AttentionKernel | undefined {
    if (!core.kernelPath || this.opts.attentionKernel === 'typescript') return undefined;
    this.kernel ??= new OrtAttentionKernel(this.opts.sessionOptions ?? {}, this.opts.attentionKernel === 'onnxruntime-float64' ? 'float64' : 'float32');
    return this.kernel;
  }

  /**
   * The whole-graph pass when `core` only observes (a dense policy) and every core is a plain
   * one; built on first use. A graph ORT refuses with the extra outputs keeps the segment path.
   */
  private async wholePass(core: AttentionCore): Promise<WholeGraphPass | null> {
    if (!core.densePass) return null;
    if (this.whole === undefined) {
      this.whole = null;
      if (wholeGraphRefusal(this.cores) === null) {
        try {
          this.whole = await WholeGraphPass.create(this.model.proto, this.discovered.graph, this.cores, this.opts.sessionOptions ?? {}, this.model.weights);
        } catch (e) {
          this.warnings.push(`the unmodified graph with importance outputs could not be built (${e instanceof Error ? e.message : String(e)}): attention runs in the engine's cores`);
        }
      }
    }
    return this.whole;
  }

  /** A full pass: one unmodified ORT run when the core only observes, else segments and cores. */
  private async fullPassStore(inputIds: number[] | null, core: AttentionCore, signal?: AbortSignal): Promise<Map<string, ort.Tensor>> {
    const positions = this.fullPositions(inputIds);
    const whole = await this.wholePass(core);
    if (!whole || !core.densePass) return this.passStore(this.fullRunner, inputIds, positions, 'full', -1, core, newPassState(this.cores.length, false), signal);
    throwIfAborted(signal);
    const { outputs, stats } = await whole.run(this.feeds(inputIds, positions));
    for (const s of stats) core.densePass.recordDenseLayer(s);
    return outputs;
  }

  private feeds(ids: number[] | null, positions: number[]): Record<string, ort.Tensor> {
    return buildFeeds(this.inputs, { ids, positions, seed: this.opts.seed, given: this.opts.given, sequenceLength: this.opts.sequenceLength });
  }

  private logitsOf(store: Map<string, ort.Tensor>): { data: Float32Array; dims: number[] } {
    const t = store.get(this.logitsName);
    if (!t) throw new InputError(this.logitsName, 'the last segment did not produce the logits');
    return { data: tensorToF32(t, this.logitsName), dims: [...t.dims] };
  }

  private async passStore(runner: SegmentRunner, ids: number[] | null, positions: number[], kind: PassKind, step: number, core: AttentionCore, state: PassState, signal?: AbortSignal) {
    const store = await runner.run(this.cores, this.feeds(ids, positions), Int32Array.from(positions), kind, step, core, state, signal, this.kernelFor(core));
    for (const n of state.notes) if (!this.warnings.includes(n)) this.warnings.push(n);
    return store;
  }

  private async pass(runner: SegmentRunner, ids: number[] | null, positions: number[], kind: PassKind, step: number, core: AttentionCore, state: PassState, signal?: AbortSignal) {
    return this.logitsOf(await this.passStore(runner, ids, positions, kind, step, core, state, signal));
  }

  /** Sequence length of a full pass: the tokens, or the synthetic inputs' length. */
  private fullPositions(inputIds: number[] | null): number[] {
    const n = inputIds?.length ?? this.opts.sequenceLength ?? 16;
    return Array.from({ length: n }, (_, i) => i);
  }

  /** All tokens at once (encoder pass, or a decoder's full-sequence pass): step -1. */
  async runEncoder(inputIds: number[] | null, core: AttentionCore, signal?: AbortSignal): Promise<{ logits: Float32Array; dims: number[] }> {
    const out = this.logitsOf(await this.fullPassStore(inputIds, core, signal));
    return { logits: out.data, dims: out.dims };
  }

  /** As runEncoder, every result output by name (the primary one among them). */
  async runEncoderOutputs(inputIds: number[] | null, core: AttentionCore, signal?: AbortSignal): Promise<Map<string, { logits: Float32Array; dims: number[] }>> {
    const store = await this.fullPassStore(inputIds, core, signal);
    const all = new Map<string, { logits: Float32Array; dims: number[] }>();
    for (const name of resultOutputs(this.discovered.graph)) {
      const t = store.get(name);
      if (t) all.set(name, { logits: tensorToF32(t, name), dims: [...t.dims] });
    }
    return all;
  }

  /** The logits row of the last position of a [1, L, V] (or [1, V]) output. */
  private static lastRow(l: { data: Float32Array; dims: number[] }): Float32Array {
    const V = l.dims[l.dims.length - 1];
    return l.data.slice(l.data.length - V);
  }

  private static rows(l: { data: Float32Array; dims: number[] }): Float32Array[] {
    const V = l.dims[l.dims.length - 1];
    return Array.from({ length: l.data.length / V }, (_, i) => l.data.slice(i * V, (i + 1) * V));
  }

  /**
   * Decides once whether decode steps can run on the new token only: a 3-token probe through the
   * full pass must match a 2-token prompt pass plus one cached step. Graphs that derive positions
   * or masks from the sequence length fail it and fall back to re-running the prefix.
   */
  private async ensureDecode(sampleIds: number[], signal?: AbortSignal): Promise<void> {
    if (this.decode) return;
    if (!this.cores.some((c) => c.causal)) {
      throw new InputError(this.model.fileName ?? 'model', 'generation and teacher-forced scoring need a causal (decoder) model; this one is bidirectional');
    }
    const probe = [0, 1, 2].map((i) => sampleIds[Math.min(i, sampleIds.length - 1)]);
    let reason: string;
    try {
      const plan = planSegments(this.model.proto, this.discovered.graph, this.cores, { withMasks: false, outputs: [this.logitsName] });
      this.decodeRunner = await SegmentRunner.create(plan, this.opts.sessionOptions ?? {}, this.model.weights);
      const full = await this.pass(this.fullRunner, probe, [0, 1, 2], 'full', -1, denseAttentionCore, newPassState(this.cores.length), signal);
      const state = newPassState(this.cores.length);
      await this.pass(this.fullRunner, probe.slice(0, 2), [0, 1], 'full', -1, denseAttentionCore, state, signal);
      const step = await this.pass(this.decodeRunner, probe.slice(2), [2], 'decode', 0, denseAttentionCore, state, signal);
      const a = EngineSession.lastRow(full);
      const b = EngineSession.lastRow(step);
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < a.length; i++) {
        diff = Math.max(diff, Math.abs(a[i] - b[i]));
        scale = Math.max(scale, Math.abs(a[i]));
      }
      if (diff <= Math.max(DECODE_PROBE_TOLERANCE, DECODE_PROBE_RELATIVE * scale)) {
        this.decode = { mode: 'kv-cache', reason: `cached decode step matches the full pass (max |diff| ${diff.toExponential(2)})` };
        return;
      }
      if (this.discovered.graph.nodes.some((n) => n.opType === 'DynamicQuantizeLinear')) {
        // Dynamic quantization scales activations by their max over all tokens of a pass, so no
        // cached step can equal a full re-run; a decoder exported with past quantizes the new
        // token alone, which is exactly what the cached step does.
        this.decode = {
          mode: 'kv-cache',
          reason: `dynamic quantization couples the tokens of a pass (cached step vs full pass: ${diff.toExponential(2)}); decode steps quantize the new token alone, as a decoder exported with past does`,
        };
        this.warnings.push(this.decode.reason);
        return;
      }
      reason = `a cached decode step differs from the full pass by ${diff.toExponential(2)} (the graph derives positions or masks from the sequence length)`;
    } catch (e) {
      if (e instanceof Error && e.name === 'CancelledError') throw e;
      reason = `a cached decode step failed (${e instanceof Error ? e.message : String(e)})`;
    }
    await this.decodeRunner?.release();
    this.decodeRunner = null;
    this.decode = { mode: 'full-prefix', reason: `${reason}: decode steps re-run the whole prefix through the segments` };
    this.warnings.push(this.decode.reason);
  }

  /** One decode step for the token at `position` (state holds the cache / earlier contexts). */
  private async stepLogits(allIds: number[], position: number, step: number, core: AttentionCore, state: PassState, signal?: AbortSignal): Promise<Float32Array> {
    const d = this.decode as { mode: DecodeMode };
    if (d.mode === 'kv-cache') {
      return EngineSession.lastRow(await this.pass(this.decodeRunner as SegmentRunner, [allIds[position]], [position], 'decode', step, core, state, signal));
    }
    const prefix = allIds.slice(0, position + 1);
    const positions = prefix.map((_, i) => i);
    return EngineSession.lastRow(await this.pass(this.fullRunner, prefix, positions, 'prefix', step, core, state, signal));
  }

  async generate(o: GenerateOptions): Promise<GenerateResult> {
    if (o.promptIds.length === 0) throw new InputError('generate', 'empty prompt');
    if (!(o.maxNewTokens >= 0)) throw new InputError('generate', `maxNewTokens ${o.maxNewTokens} is not a count`);
    await this.ensureDecode(o.promptIds, o.signal);
    const sampler = o.sampling ? new TokenSampler(o.sampling) : null;
    const pick = (row: Float32Array) => (sampler ? sampler.sample(row) : argmax(row));
    const state = newPassState(this.cores.length);
    const all = [...o.promptIds];
    const P = all.length;
    const ids: number[] = [];
    const logitsPerStep: Float32Array[] = [];
    if (o.maxNewTokens === 0) return { ids, logitsPerStep, decodeMode: (this.decode as { mode: DecodeMode }).mode };
    let row = EngineSession.lastRow(await this.pass(this.fullRunner, all, all.map((_, i) => i), 'full', -1, o.core, state, o.signal));
    for (let step = -1; ; step++) {
      const token = pick(row);
      ids.push(token);
      logitsPerStep.push(row);
      all.push(token);
      o.onStep?.({ step, position: all.length - 1, token, logits: row });
      if (ids.length >= o.maxNewTokens || o.stopIds?.includes(token)) break;
      // Let the host's event loop run between steps (the extension host stays responsive and a
      // cancel request is seen before the next step).
      await new Promise<void>((resolve) => setImmediate(resolve));
      throwIfAborted(o.signal);
      row = await this.stepLogits(all, P + step + 1, step + 1, o.core, state, o.signal);
    }
    return { ids, logitsPerStep, decodeMode: (this.decode as { mode: DecodeMode }).mode };
  }

  async score(o: ScoreOptions): Promise<ScoreResult> {
    const n = o.ids.length;
    const P = o.promptLength ?? 1;
    if (n < 1 || P < 1 || P > n) throw new InputError('score', `promptLength ${P} must be within 1..${n} tokens`);
    await this.ensureDecode(o.ids, o.signal);
    const state = newPassState(this.cores.length);
    const prompt = o.ids.slice(0, P);
    const first = await this.pass(this.fullRunner, prompt, prompt.map((_, i) => i), 'full', -1, o.core, state, o.signal);
    const logits = EngineSession.rows(first);
    o.onStep?.({ step: -1, position: P - 1, token: o.ids[P - 1], logits: logits[P - 1] });
    for (let pos = P; pos < n; pos++) {
      // Let the host's event loop run between steps (the extension host stays responsive and a
      // cancel request is seen before the next step).
      await new Promise<void>((resolve) => setImmediate(resolve));
      throwIfAborted(o.signal);
      const row = await this.stepLogits(o.ids, pos, pos - P, o.core, state, o.signal);
      logits.push(row);
      o.onStep?.({ step: pos - P, position: pos, token: o.ids[pos], logits: row });
    }
    const tokenLogProbs = o.ids.slice(1).map((t, i) => tokenLogProb(logits[i], t));
    return { logits, tokenLogProbs, decodeMode: (this.decode as { mode: DecodeMode }).mode };
  }
}

/** The summary with the geometry of an observed core filled in where discovery left 0. */
function withObservedSummary(summary: ModelSummary, seen: ObservedCoreShape | undefined): ModelSummary {
  if (!seen) return { ...summary };
  return {
    ...summary,
    heads: summary.heads || seen.heads,
    kvHeads: summary.kvHeads || seen.kvHeads,
    headDim: summary.headDim || seen.headDim,
    hiddenSize: summary.hiddenSize || seen.heads * seen.headDim,
  };
}

/**
 * When discovery could not read a core's geometry statically (reshape targets computed at run
 * time), a 2-token dense pass through `runner` measures it. Returns the discovery with those
 * numbers filled in (a copy: the caller's discovery is left as it was), so that whoever sizes a
 * core from the session's discovery (heads, head dim) sees real numbers, plus the pass's notes.
 */
async function measureGeometry(discovered: DiscoveredTransformer, runner: SegmentRunner, inputs: ModelInput[], opts: EngineSessionOptions): Promise<{ discovered: DiscoveredTransformer; notes: string[] }> {
  if (discovered.cores.every((c) => c.heads > 0 && c.kvHeads > 0 && c.headDim > 0)) return { discovered, notes: [] };
  const ids = inputs.some((i) => i.role === 'input_ids') ? [0, 0] : null;
  const positions = Array.from({ length: ids?.length ?? opts.sequenceLength ?? 16 }, (_, i) => i);
  const feeds = buildFeeds(inputs, { ids, positions, seed: opts.seed, given: opts.given, sequenceLength: opts.sequenceLength });
  const state = newPassState(discovered.cores.length);
  await runner.run(discovered.cores, feeds, Int32Array.from(positions), 'full', -1, denseAttentionCore, state);
  const cores = discovered.cores.map((c): DiscoveredCore => {
    const seen = runner.observed.get(c.layer);
    return seen ? { ...c, heads: c.heads || seen.heads, kvHeads: c.kvHeads || seen.kvHeads, headDim: c.headDim || seen.headDim } : c;
  });
  return { discovered: { ...discovered, cores, summary: withObservedSummary(discovered.summary, runner.observed.get(0)) }, notes: [...new Set(state.notes)] };
}
