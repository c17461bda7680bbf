// runProfile: the one entry point every front end (CLI, extension, tests) calls.
//
//   load + discover -> tokenize -> dense reference (plain ORT, measured)
//     -> SpAtten engine run (ORT segments + the SpAtten attention core, measured decisions)
//     -> cycle/energy model on the resulting Trace (modelled) -> ProfileReport
//
// onnxruntime-node is imported lazily (inside runProfile) so that importing this module, e.g.
// from the extension at activation, does not load the native addon.
import * as path from 'node:path';
import { CancelledError, InputError, throwIfAborted } from './errors';
import { loadOnnxModel, type LoadedModel } from './onnx/onnxModelLoader';
import { discoverTransformer, type DiscoveredTransformer } from './model/transformerDiscovery';
import { modelDisplayName } from './model/modelName';
import { loadTokenizerForModel } from './tokenize/tokenizerForModel';
import { resolvePolicy, type SpattenPolicy } from './spatten/policy';
import { choosePolicy, substituteAuto, type PolicyChoice } from './spatten/autoPolicy';
import { fitPositionTable, tokenizeInput, type Tokens } from './promptTokens';
import { positionTable } from './model/positionTable';
import { hasTokenLogits } from './model/outputKinds';
import { createSpattenCore, type SpattenAttentionCore, type SpattenCoreDims } from './spatten/spattenAttentionCore';
import { resolveHardwareConfig } from './hardware/hardwarePresets';
import type { HardwareConfig } from './hardware/hardwareConfig';
import { simulate } from './hardware/simulate';
import type { ProfileRequest, ProfileResult, ProgressSink } from './profileRequest';
import { modelDims, type ModelDims } from './model/modelDims';
import { compareWithDense, denseOutputBytes, runDenseReference, type DenseOutputs, type OutputComparison } from './accuracyComparison';
import { buildReport, type ReportInputs } from './report/buildReport';
import type { ModelSummary } from './model/modelSummary';
import type { Trace } from './trace/trace';
import type { SpattenObservations } from './spatten/observations';
import type { TextTokenizer } from './tokenize/textTokenizer';
import type { GoldLabels } from './report/accuracySection';
import { loadClassLabels, resolveGoldLabels } from './model/classLabels';

/**
 * Size limits of a profile. No model is encoded whole (ORT loads the file itself for the dense
 * reference, and each segment's proto references its weights in the model's files), so the 2 GB
 * protobuf limit bounds only the .onnx file; external data is read into memory up to this.
 */
export const profileLimits = {
  /** Largest sum of external data read (bytes): bounded by the machine's memory. */
  maxExternalBytes: 16 * 1024 * 1024 * 1024,
  /**
   * Most bytes of dense outputs held for the engine phase. Up to it (every single input, and
   * batches of classifiers), the dense reference runs every input and is released before the
   * engine's sessions are built; past it (e.g. hundreds of long inputs with a vocabulary per
   * position), the remaining inputs run dense and engine side by side, since holding their
   * outputs would cost more than the reference's session.
   */
  denseOutputsBudgetBytes: 256 * 1024 * 1024,
};


/** Longest prompt profiled unless the request says otherwise (tokens); longer text is truncated with a warning. */
export const DEFAULT_MAX_TOKENS = 512;
/** Hard ceiling on tokens, whatever the request: bounds memory and time for hostile inputs. */
export const MAX_TOKENS_CEILING = 4096;
/** Most tokens generated after the prompt. */
export const MAX_GENERATE_TOKENS = 1024;

export function coreDims(dims: ModelDims, modelName: string, mode: 'encoder' | 'generation', protectedPositions: number[]): SpattenCoreDims {
  return { ...dims, mode, protectedPositions, modelName };
}

/** The graph takes token ids (else it runs on seeded synthetic inputs: vision, OCR, ...). */
export function hasTokenInput(d: DiscoveredTransformer): boolean {
  return [...d.graph.graphInputs].some((n) => /input_ids$/.test(n));
}

/** How a model runs: scored/generated token by token (a causal LM with token logits) or one pass. */
export function runMode(d: DiscoveredTransformer): 'encoder' | 'generation' {
  return d.summary.causal && hasTokenInput(d) && hasTokenLogits(d.graph) ? 'generation' : 'encoder';
}

/** Passes stage changes and the last update at most every `ms` (per-layer detail can be thousands of calls). */
function throttled(sink: ProgressSink, ms = 50): ProgressSink {
  let last = 0;
  let stage = '';
  return (p) => {
    const now = performance.now();
    if (p.stage !== stage || p.detail === 'done' || now - last >= ms) {
      stage = p.stage;
      last = now;
      sink(p);
    }
  };
}

export async function runProfile(req: ProfileRequest, progressSink: ProgressSink = () => undefined): Promise<ProfileResult> {
  const onProgress = throttled(progressSink);
  const inputs = await collectReportInputs(req, onProgress);
  onProgress({ stage: 'report', fraction: 0.95 });
  const report = buildReport(inputs);
  onProgress({ stage: 'report', detail: 'done', fraction: 1 });
  return { report, trace: inputs.trace };
}

/** The request's numeric settings, checked before the model is read. */
interface RunSettings {
  hardware: HardwareConfig;
  maxTokens: number;
  generateTokens: number;
  syntheticLength: number;
}

/**
 * Settings are checked before the model is read: a typo should not cost a model load ('auto' is
 * checked as one of the presets it may become, and chosen once the model is known).
 */
function checkSettings(req: ProfileRequest): RunSettings {
  resolvePolicy(substituteAuto(req.policy, 'paper-bert'));
  const hardware = resolveHardwareConfig(req.hardware);
  const maxTokens = Math.min(req.maxTokens ?? DEFAULT_MAX_TOKENS, MAX_TOKENS_CEILING);
  if (!(maxTokens >= 2)) throw new InputError('maxTokens', `${req.maxTokens} is not a token count of at least 2`);
  const generateTokens = req.generateTokens ?? 0;
  if (!Number.isInteger(generateTokens) || generateTokens < 0 || generateTokens > MAX_GENERATE_TOKENS) {
    throw new InputError('generateTokens', `${req.generateTokens} must be an integer in 0..${MAX_GENERATE_TOKENS}`);
  }
  const syntheticLength = req.syntheticLength ?? 64;
  if (!(Number.isInteger(syntheticLength) && syntheticLength >= 1 && syntheticLength <= MAX_TOKENS_CEILING)) {
    throw new InputError('syntheticLength', `${req.syntheticLength} must be an integer in 1..${MAX_TOKENS_CEILING}`);
  }
  if (req.labels && req.labels.length !== req.texts.length) throw new InputError('labels', `${req.labels.length} labels for ${req.texts.length} inputs`);
  return { hardware, maxTokens, generateTokens, syntheticLength };
}

/** The model file read and its transformer found, the summary named for display. */
async function loadModel(modelPath: string): Promise<{ loaded: LoadedModel; discovered: DiscoveredTransformer }> {
  const loaded = await loadOnnxModel(modelPath, { maxExternalBytes: profileLimits.maxExternalBytes, inlineLimitBytes: Infinity });
  const found = discoverTransformer(loaded.proto, loaded.fileName);
  const name = modelDisplayName(loaded.fileName, loaded.dir, loaded.proto);
  return { loaded, discovered: { ...found, summary: { ...found.summary, name } } };
}

/** What the model runs on: its mode and policy, the tokenizer and the token sequences (or one synthetic input). */
interface PreparedInputs {
  /** No token input (vision, OCR, ...): the graph runs on seeded synthetic or given tensors. */
  synthetic: boolean;
  mode: 'encoder' | 'generation';
  choice: PolicyChoice;
  policy: SpattenPolicy;
  tokenizer: TextTokenizer | null;
  inputs: Tokens[];
  warnings: string[];
}

/**
 * No token input (vision, OCR, ...): one pass on seeded synthetic inputs of the declared shapes,
 * pruned layer by layer as in an encoder; there is no text, so no tokenizer and no generation.
 * Only logits of a vocabulary can be scored and generated from: a causal model ending in
 * embeddings runs one pass like an encoder.
 */
function prepareInputs(req: ProfileRequest, settings: RunSettings, fileName: string, discovered: DiscoveredTransformer): PreparedInputs {
  const warnings: string[] = [];
  const synthetic = !hasTokenInput(discovered);
  const mode = runMode(discovered);
  const choice = choosePolicy(req.policy, mode);
  const policy = resolvePolicy(choice.policy);
  if (!synthetic && req.texts.length === 0) throw new InputError('input', 'no input text (the model takes token ids)');
  const tokenizer = synthetic ? null : loadTokenizerForModel(req.modelPath);
  if (!tokenizer) {
    const given = Object.keys(req.inputs ?? {});
    const how = given.length > 0 ? `on the given input${given.length > 1 ? 's' : ''} (${given.join(', ')}) and seeded synthetic values for the rest` : 'on seeded synthetic inputs of its declared shapes';
    warnings.push(`${fileName} has no token input: profiled ${how}${req.texts.length > 0 ? ' (the input text is not used)' : ''}`);
    return { synthetic, mode, choice, policy, tokenizer, inputs: [{ text: '', ids: [], offsets: [] }], warnings };
  }
  const table = positionTable(discovered.graph);
  const inputs = req.texts.map((t, i) => {
    const where = req.texts.length > 1 ? `input ${i + 1}` : 'input';
    return fitPositionTable(tokenizeInput(tokenizer, t, settings.maxTokens, where, warnings), table, mode, i === 0 ? settings.generateTokens : 0, where, warnings);
  });
  if (mode === 'generation' && settings.generateTokens === 0 && inputs.some((x) => x.ids.length < 2)) {
    throw new InputError('input', 'a language model needs at least 2 tokens to score (or set generateTokens)');
  }
  return { synthetic, mode, choice, policy, tokenizer, inputs, warnings };
}

/** What the stages below share, read-only (timings is the measurement sink the runs write into). */
interface RunContext {
  req: ProfileRequest;
  settings: RunSettings;
  loaded: LoadedModel;
  discovered: DiscoveredTransformer;
  prepared: PreparedInputs;
  onProgress: ProgressSink;
  timings: Record<string, number>;
}

/** What the engine phase hands on: the SpAtten model's results as data, the cores and sessions released. */
interface EngineOutcome {
  /** The summary and dims with the geometry the engine measured where the graph's was dynamic. */
  model: ModelSummary;
  dims: ModelDims;
  comparisons: OutputComparison[];
  /** The first input's Trace and observations (the one the report details). */
  trace: Trace;
  observations: SpattenObservations;
  warnings: string[];
}

/**
 * Dense phase, then the engine. ORT loads the unmodified model from its file (no re-encode of the
 * whole model) and runs every input before the engine's sessions exist, then is released, unless
 * the dense outputs would exceed their budget: the remaining inputs then run dense and engine side
 * by side.
 */
async function runDenseAndEngine(ctx: RunContext): Promise<EngineOutcome> {
  const { req, settings, loaded, discovered, prepared, onProgress, timings } = ctx;
  const { inputs, mode } = prepared;
  const signal = req.signal;
  // Lazy: the native addon loads only once a profile really starts.
  const { EngineSession } = await import('./runtime/engineSession');
  const { ReferenceModel } = await import('./runtime/referenceRun');
  const { resolveGivenInputs } = await import('./runtime/givenInputs');
  const { classifyInputs } = await import('./runtime/modelInputs');
  const given = resolveGivenInputs(req.inputs ?? {}, classifyInputs(discovered.graph));
  const sequenceLength = settings.syntheticLength;
  const idsOf = (x: Tokens) => (prepared.synthetic ? null : x.ids);
  const generateOf = (i: number) => (i === 0 ? settings.generateTokens : 0);
  const where = (i: number, detail: string) => (inputs.length > 1 ? `input ${i + 1} of ${inputs.length}: ${detail}` : detail);

  const reference = await ReferenceModel.create(loaded.proto, discovered, { sequenceLength, given, modelPath: path.resolve(req.modelPath) });
  let referenceOpen = true;
  const releaseReference = async () => {
    if (referenceOpen) await reference.release();
    referenceOpen = false;
  };
  const dense: (DenseOutputs | undefined)[] = [];
  const denseRun = (i: number, phase: { from: number; span: number }) =>
    runDenseReference({
      mode,
      ids: idsOf(inputs[i]),
      reference,
      generateTokens: generateOf(i),
      signal,
      timings: i === 0 ? timings : undefined,
      onProgress: (detail, fraction) => onProgress({ stage: 'reference', detail: where(i, detail), fraction: phase.from + (phase.span * (i + fraction)) / inputs.length }),
    });
  let session: Awaited<ReturnType<typeof EngineSession.create>>;
  try {
    let held = 0;
    for (let i = 0; i < inputs.length && held <= profileLimits.denseOutputsBudgetBytes; i++) {
      dense[i] = await denseRun(i, { from: 0.05, span: 0.15 });
      held += denseOutputBytes(dense[i] as DenseOutputs);
    }
    if (dense.length === inputs.length) await releaseReference();
    const weights = { dir: loaded.dir, sources: loaded.initializerSources };
    session = await EngineSession.create({ proto: loaded.proto, fileName: loaded.fileName, weights }, discovered, { sequenceLength, given });
  } catch (e) {
    await releaseReference();
    if (signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError();
    throw e;
  }
  // The session's discovery has the geometry measured at run time where the graph's was dynamic.
  const measured = session.discovered;
  try {
    const dims = modelDims(measured);
    let primaryCore: SpattenAttentionCore | null = null;
    const comparisons: OutputComparison[] = [];
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i];
      const d = dense[i] ?? (await denseRun(i, { from: 0.2, span: 0 }));
      dense[i] = undefined;
      const protectedPositions = x.offsets.flatMap(([s], j) => (s < 0 ? [j] : []));
      const core = createSpattenCore(prepared.policy, coreDims(dims, measured.summary.fileName, mode, protectedPositions));
      const cmp = await compareWithDense({
        mode,
        ids: idsOf(x),
        dense: d,
        session,
        core,
        generateTokens: generateOf(i),
        signal,
        timings: i === 0 ? timings : undefined,
        onProgress: (detail, fraction) => onProgress({ stage: 'engine', detail: where(i, detail), fraction: 0.2 + (0.6 * (i + fraction)) / inputs.length }),
      });
      comparisons.push(cmp);
      if (i === 0) primaryCore = core;
    }
    const core = primaryCore as SpattenAttentionCore;
    const trace = core.trace(prepared.policy.name);
    return { model: measured.summary, dims, comparisons, trace, observations: core.observations(), warnings: [...session.warnings] };
  } catch (e) {
    if (signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError();
    throw e;
  } finally {
    await session.release();
    await releaseReference();
  }
}

/** Classifiers: the request's gold labels resolved against the model's class names. */
function goldLabels(req: ProfileRequest, first: OutputComparison): { gold?: GoldLabels; warnings: string[] } {
  if (!req.labels) return { warnings: [] };
  if (first.kind !== 'classifier') return { warnings: ['gold labels ignored: the model is not a classifier'] };
  const names = loadClassLabels(req.modelPath);
  return { gold: { indices: resolveGoldLabels(req.labels, names, first.denseLast.length, 'labels'), names }, warnings: [] };
}

/**
 * The cycle and energy model on the Trace (modelled): pipelined with a timeline, additive, and for
 * decoders the generation stage alone (decode steps, the memory-bound part the paper's GPT-2
 * figures describe), besides the whole run including the compute-bound prompt pass.
 */
function simulateTrace(trace: Trace, hardware: HardwareConfig, mode: 'encoder' | 'generation'): Pick<ReportInputs, 'sim' | 'additive' | 'decode'> {
  const sim = simulate(trace, hardware, { timing: 'pipelined', denseBits: 32, timeline: { maxEvents: 20_000 } });
  const additive = simulate(trace, hardware, { timing: 'additive', denseBits: 32 });
  const decodeRows = trace.rows.filter((r) => r.step >= 0);
  const decode =
    mode === 'generation' && decodeRows.length > 0 && decodeRows.length < trace.rows.length
      ? simulate({ ...trace, rows: decodeRows, layerSteps: trace.layerSteps?.filter((s) => s.step >= 0) }, hardware, { timing: 'pipelined', denseBits: 32 })
      : undefined;
  return { sim, additive, decode };
}

/**
 * Everything the report is built from, as data: the model summary, tokens, policy, hardware, the
 * SpAtten model's Trace and observations, the simulation results and the output comparisons. The
 * cores and ORT sessions are released before it returns; nothing in it reads them back.
 */
export async function collectReportInputs(req: ProfileRequest, onProgress: ProgressSink): Promise<ReportInputs> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = performance.now() - since);

  onProgress({ stage: 'load', detail: path.basename(req.modelPath), fraction: 0 });
  const settings = checkSettings(req);
  const { loaded, discovered } = await loadModel(req.modelPath);
  lap('load', t0);
  throwIfAborted(req.signal);

  const prepared = prepareInputs(req, settings, loaded.fileName, discovered);
  const engine = await runDenseAndEngine({ req, settings, loaded, discovered, prepared, onProgress, timings });
  const labels = goldLabels(req, engine.comparisons[0]);

  onProgress({ stage: 'simulate', detail: settings.hardware.name, fraction: 0.85 });
  const tSim = performance.now();
  const simulated = simulateTrace(engine.trace, settings.hardware, prepared.mode);
  lap('simulate', tSim);
  throwIfAborted(req.signal);

  timings.total = performance.now() - t0;
  const first = prepared.inputs[0];
  return {
    model: engine.model,
    mode: prepared.mode,
    text: first.text,
    ids: engine.comparisons[0].reportIds,
    offsets: first.offsets,
    tokenizer: prepared.tokenizer,
    policy: prepared.policy,
    policyChoice: prepared.choice,
    hardware: settings.hardware,
    observations: engine.observations,
    dims: engine.dims,
    ...simulated,
    trace: engine.trace,
    comparisons: engine.comparisons,
    gold: labels.gold,
    timings,
    warnings: [...prepared.warnings, ...engine.warnings, ...labels.warnings],
  };
}
