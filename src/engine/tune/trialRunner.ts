// One `tune` trial: a policy run through the real engine (ORT segments + the SpAtten attention
// core) on some of the inputs, each compared with the dense reference and its attention workload
// put through the cycle/energy model. The model, tokenizer and ORT sessions are loaded once per
// runner (a worker process holds one), and the dense reference of each input is computed once and
// kept: a trial costs only the SpAtten runs. The measurements are the ones `profile` makes
// (accuracyComparison.ts); the cost is the pipelined timing model's, summed per input.
import * as path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { InputError, throwIfAborted } from '../errors';
import { loadOnnxModel } from '../onnx/onnxModelLoader';
import { discoverTransformer, type DiscoveredTransformer } from '../model/transformerDiscovery';
import { loadTokenizerForModel } from '../tokenize/tokenizerForModel';
import { fitPositionTable, tokenizeInput, type Tokens } from '../promptTokens';
import { positionTable } from '../model/positionTable';
import { coreDims, hasTokenInput, runMode, DEFAULT_MAX_TOKENS, MAX_TOKENS_CEILING } from '../profile';
import { modelDims, type ModelDims } from '../model/modelDims';
import { modelDisplayName } from '../model/modelName';
import { resolvePolicy, type SpattenPolicy } from '../spatten/policy';
import { SpattenAttentionCore } from '../spatten/spattenAttentionCore';
import { resolveHardwareConfig } from '../hardware/hardwarePresets';
import type { HardwareConfig } from '../hardware/hardwareConfig';
import { simulate } from '../hardware/simulate';
import { klDivergence } from '../spatten/accuracyMetrics';
import { argmax, tokenLogProb } from '../numerics';
import { denseAttentionCore } from '../runtime/denseAttentionCore';
import { loadClassLabels, resolveGoldLabels } from '../model/classLabels';
import type { EngineSession } from '../runtime/engineSession';
import type { ReferenceModel } from '../runtime/referenceRun';
import type { CostFigures, InputOutcome } from './tuneLoss';

/** What a runner is asked to load: the same fields as a profile request's. */
export interface TrialSetup {
  modelPath: string;
  texts: string[];
  labels?: (number | string)[];
  hardware: string | Record<string, unknown>;
  maxTokens?: number;
}

export interface TrialModelInfo {
  /** What the report calls the model (model/modelName.ts): its folder for a generic `model.onnx`. */
  name: string;
  fileName: string;
  layers: number;
  heads: number;
  mode: 'encoder' | 'generation';
  /** Tokens per input after truncation. */
  tokens: number[];
  hardware: string;
  warnings: string[];
}

interface DenseSide {
  /** Row-major [rows, V] logits the SpAtten rows are compared with. */
  rows: Float32Array;
  vocab: number;
  nll?: number;
  gold?: number;
}

/** One ORT thread per session: a pool runs one runner per core, so threads would only contend. */
const SINGLE_THREAD: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };

export class TrialRunner {
  private readonly dense = new Map<number, DenseSide>();

  private constructor(
    private readonly discovered: DiscoveredTransformer,
    /** The model's dimensions, derived once (layerFfnSize walks the graph). */
    private readonly dims: ModelDims,
    private readonly inputs: Tokens[],
    private readonly gold: number[] | undefined,
    private readonly hardware: HardwareConfig,
    private readonly session: EngineSession,
    private readonly reference: ReferenceModel,
    readonly info: TrialModelInfo,
  ) {}

  static async create(setup: TrialSetup): Promise<TrialRunner> {
    const hardware = resolveHardwareConfig(setup.hardware);
    const maxTokens = Math.min(setup.maxTokens ?? DEFAULT_MAX_TOKENS, MAX_TOKENS_CEILING);
    if (setup.labels && setup.labels.length !== setup.texts.length) throw new InputError('labels', `${setup.labels.length} labels for ${setup.texts.length} inputs`);
    const loaded = await loadOnnxModel(setup.modelPath, { maxExternalBytes: 16 * 1024 ** 3, inlineLimitBytes: Infinity });
    const discovered = discoverTransformer(loaded.proto, loaded.fileName);
    if (!hasTokenInput(discovered)) throw new InputError(setup.modelPath, 'tune needs a model that takes token ids (its accuracy is measured on text inputs)');
    const mode = runMode(discovered);
    const tokenizer = loadTokenizerForModel(setup.modelPath);
    const table = positionTable(discovered.graph);
    const warnings: string[] = [];
    const inputs = setup.texts.map((t, i) => fitPositionTable(tokenizeInput(tokenizer, t, maxTokens, `input ${i + 1}`, warnings), table, mode, 0, `input ${i + 1}`, warnings));
    if (mode === 'generation') {
      const short = inputs.findIndex((x) => x.ids.length < 2);
      if (short >= 0) throw new InputError(`input ${short + 1}`, 'a language model needs at least 2 tokens to score');
    }
    const { EngineSession } = await import('../runtime/engineSession');
    const { ReferenceModel } = await import('../runtime/referenceRun');
    const reference = await ReferenceModel.create(loaded.proto, discovered, { sessionOptions: SINGLE_THREAD });
    // Weights referenced on disk: no worker copies them through a protobuf encode.
    const weights = { dir: loaded.dir, sources: loaded.initializerSources };
    const session = await EngineSession.create({ proto: loaded.proto, fileName: loaded.fileName, weights }, discovered, { sessionOptions: SINGLE_THREAD }).catch(async (e: unknown) => {
      await reference.release();
      throw e;
    });
    let gold: number[] | undefined;
    if (setup.labels) {
      const first = await reference.run(inputs[0].ids);
      const classes = first.dims[first.dims.length - 1];
      if (mode === 'encoder' && first.logits.length === classes) gold = resolveGoldLabels(setup.labels, loadClassLabels(setup.modelPath), classes, 'labels');
      else warnings.push('gold labels ignored: the model is not a classifier');
    }
    // The session's discovery: geometry read at run time (dynamic reshapes) is filled in there.
    const s = session.discovered.summary;
    const info: TrialModelInfo = { name: modelDisplayName(loaded.fileName, loaded.dir, loaded.proto), fileName: path.basename(setup.modelPath), layers: s.layers, heads: s.heads, mode, tokens: inputs.map((x) => x.ids.length), hardware: hardware.name, warnings };
    return new TrialRunner(session.discovered, modelDims(session.discovered), inputs, gold, hardware, session, reference, info);
  }

  async release(): Promise<void> {
    await this.session.release();
    await this.reference.release();
  }

  /** Measures `policy` on the inputs at `indices` (same order), through the real engine. */
  async evaluate(policyInput: string | Record<string, unknown>, indices: readonly number[], signal?: AbortSignal): Promise<InputOutcome[]> {
    const policy = resolvePolicy(policyInput);
    const out: InputOutcome[] = [];
    for (const i of indices) {
      throwIfAborted(signal);
      if (!(Number.isInteger(i) && i >= 0 && i < this.inputs.length)) throw new InputError('tune', `input index ${i} out of range 0..${this.inputs.length - 1}`);
      out.push(this.info.mode === 'generation' ? await this.evaluateDecoder(policy, i, signal) : await this.evaluateEncoder(policy, i, signal));
    }
    return out;
  }

  private core(policy: SpattenPolicy, i: number) {
    const x = this.inputs[i];
    const protectedPositions = x.offsets.flatMap(([s], k) => (s < 0 ? [k] : []));
    // The policy was resolved (schema-checked) once per evaluate call; createSpattenCore would
    // check it again for every input.
    return new SpattenAttentionCore(policy, coreDims(this.dims, this.discovered.summary.fileName, this.info.mode, protectedPositions));
  }

  private cost(trace: ReturnType<ReturnType<TrialRunner['core']>['trace']>): CostFigures {
    const sim = simulate(trace, this.hardware, { timing: 'pipelined', denseBits: 32 });
    return { dramBytes: sim.dramBytes, denseDramBytes: sim.denseDramBytes, seconds: sim.seconds, denseSeconds: sim.denseSeconds, energyJoules: sim.energyJoules, denseEnergyJoules: sim.denseEnergyJoules };
  }

  private async denseEncoder(i: number, signal?: AbortSignal): Promise<DenseSide> {
    let d = this.dense.get(i);
    if (!d) {
      const ref = await this.reference.run(this.inputs[i].ids, signal);
      d = { rows: ref.logits, vocab: ref.dims[ref.dims.length - 1], gold: this.gold?.[i] };
      this.dense.set(i, d);
    }
    return d;
  }

  private async evaluateEncoder(policy: SpattenPolicy, i: number, signal?: AbortSignal): Promise<InputOutcome> {
    const dense = await this.denseEncoder(i, signal);
    const core = this.core(policy, i);
    const pruned = await this.session.runEncoder(this.inputs[i].ids, core, signal);
    if (pruned.logits.length !== dense.rows.length) throw new InputError('tune', `input ${i + 1}: dense and SpAtten outputs differ in length`);
    const o = compareRows(dense.rows, pruned.logits, dense.vocab);
    if (dense.gold !== undefined) {
      o.denseCorrect = argmax(dense.rows) === dense.gold ? 1 : 0;
      o.prunedCorrect = argmax(pruned.logits) === dense.gold ? 1 : 0;
    }
    return { ...o, cost: this.cost(core.trace(policy.name)) };
  }

  /** Dense per-position rows of a decoder: the reference's own, or the engine's with dense attention (last-token exports). */
  private async denseDecoder(i: number, signal?: AbortSignal): Promise<DenseSide> {
    let d = this.dense.get(i);
    if (!d) {
      const ids = this.inputs[i].ids;
      const ref = await this.reference.run(ids, signal);
      const V = ref.dims[ref.dims.length - 1];
      let rows = ref.logits;
      if (rows.length !== ids.length * V) {
        const scored = await this.session.score({ ids, core: denseAttentionCore, signal });
        rows = new Float32Array(ids.length * V);
        scored.logits.forEach((row, k) => rows.set(row, k * V));
      }
      rows = rows.slice(0, (ids.length - 1) * V);
      d = { rows, vocab: V, nll: nllOf(rows, V, ids) };
      this.dense.set(i, d);
    }
    return d;
  }

  private async evaluateDecoder(policy: SpattenPolicy, i: number, signal?: AbortSignal): Promise<InputOutcome> {
    const ids = this.inputs[i].ids;
    const dense = await this.denseDecoder(i, signal);
    const core = this.core(policy, i);
    const scored = await this.session.score({ ids, core, signal });
    const V = dense.vocab;
    const rows = new Float32Array((ids.length - 1) * V);
    for (let k = 0; k < ids.length - 1; k++) rows.set(scored.logits[k], k * V);
    const o = compareRows(dense.rows, rows, V);
    return { ...o, denseNll: dense.nll, prunedNll: nllOf(rows, V, ids), cost: this.cost(core.trace(policy.name)) };
  }
}

/** Summed NLL (nats) of ids[1..] under rows 0..n-2. */
function nllOf(rows: Float32Array, V: number, ids: readonly number[]): number {
  let s = 0;
  for (let k = 0; k + 1 < ids.length; k++) s -= tokenLogProb(rows.subarray(k * V, (k + 1) * V), ids[k + 1]);
  return s;
}

function compareRows(dense: Float32Array, pruned: Float32Array, V: number): Omit<InputOutcome, 'cost'> {
  const rows = dense.length / V;
  let agreeRows = 0;
  let klSum = 0;
  for (let r = 0; r < rows; r++) {
    if (argmax(dense, r * V, V) === argmax(pruned, r * V, V)) agreeRows++;
    klSum += klDivergence(dense, pruned, r * V, V);
  }
  return { rows, agreeRows, klSum };
}
