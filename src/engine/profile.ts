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
import { loadOnnxModel } from './onnx/onnxModelLoader';
import { discoverTransformer, type DiscoveredTransformer } from './model/transformerDiscovery';
import { modelDisplayName } from './model/modelName';
import { loadTokenizerForModel } from './tokenize/tokenizerForModel';
import { resolvePolicy } from './spatten/policy';
import { choosePolicy, substituteAuto } from './spatten/autoPolicy';
import { fitPositionTable, tokenizeInput, type Tokens } from './promptTokens';
import { positionTable } from './model/positionTable';
import { hasTokenLogits } from './model/outputKinds';
import { createSpattenCore, type SpattenAttentionCore, type SpattenCoreDims } from './spatten/spattenAttentionCore';
import { resolveHardwareConfig } from './hardware/hardwarePresets';
import { simulate } from './hardware/simulate';
import type { ProfileRequest, ProfileResult, ProgressSink } from './profileRequest';
import { modelDims, type ModelDims } from './model/modelDims';
import { compareWithDense, denseOutputBytes, runDenseReference, type DenseOutputs, type OutputComparison } from './accuracyComparison';
import { buildReport, type ReportInputs } from './report/buildReport';
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

/**
 * Everything the report is built from, as data: the model summary, tokens, policy, hardware, the
 * SpAtten model's Trace and observations, the simulation results and the output comparisons. The
 * cores and ORT sessions are released before it returns; nothing in it reads them back.
 */
export async function collectReportInputs(req: ProfileRequest, onProgress: ProgressSink): Promise<ReportInputs> {
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const warnings: string[] = [];
  const signal = req.signal;
  const lap = (name: string, since: number) => (timings[name] = performance.now() - since);

  onProgress({ stage: 'load', detail: path.basename(req.modelPath), fraction: 0 });
  // Settings are checked before the model is read: a typo should not cost a model load ('auto'
  // is checked as one of the presets it may become, and chosen once the model is known).
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

  const loaded = await loadOnnxModel(req.modelPath, { maxExternalBytes: profileLimits.maxExternalBytes, inlineLimitBytes: Infinity });
  const discovered = discoverTransformer(loaded.proto, loaded.fileName);
  discovered.summary.name = modelDisplayName(loaded.fileName, loaded.dir, loaded.proto);
  lap('load', t0);
  throwIfAborted(signal);

  // No token input (vision, OCR, ...): one pass on seeded synthetic inputs of the declared shapes,
  // pruned layer by layer as in an encoder; there is no text, so no tokenizer and no generation.
  // Only logits of a vocabulary can be scored and generated from: a causal model ending in
  // embeddings runs one pass like an encoder.
  const synthetic = !hasTokenInput(discovered);
  const mode = runMode(discovered);
  const choice = choosePolicy(req.policy, mode);
  const policy = resolvePolicy(choice.policy);
  if (!synthetic && req.texts.length === 0) throw new InputError('input', 'no input text (the model takes token ids)');
  const tokenizer = synthetic ? null : loadTokenizerForModel(req.modelPath);
  const table = positionTable(discovered.graph);
  let inputs: Tokens[];
  if (tokenizer) {
    inputs = req.texts.map((t, i) => {
      const where = req.texts.length > 1 ? `input ${i + 1}` : 'input';
      return fitPositionTable(tokenizeInput(tokenizer, t, maxTokens, where, warnings), table, mode, i === 0 ? generateTokens : 0, where, warnings);
    });
    if (mode === 'generation' && generateTokens === 0 && inputs.some((x) => x.ids.length < 2)) {
      throw new InputError('input', 'a language model needs at least 2 tokens to score (or set generateTokens)');
    }
  } else {
    const given = Object.keys(req.inputs ?? {});
    const how = given.length > 0 ? `on the given input${given.length > 1 ? 's' : ''} (${given.join(', ')}) and seeded synthetic values for the rest` : 'on seeded synthetic inputs of its declared shapes';
    warnings.push(`${loaded.fileName} has no token input: profiled ${how}${req.texts.length > 0 ? ' (the input text is not used)' : ''}`);
    inputs = [{ text: '', ids: [], offsets: [] }];
  }

  // Lazy: the native addon loads only once a profile really starts.
  const { EngineSession } = await import('./runtime/engineSession');
  const { ReferenceModel } = await import('./runtime/referenceRun');
  const { resolveGivenInputs } = await import('./runtime/givenInputs');
  const { classifyInputs } = await import('./runtime/modelInputs');
  const given = resolveGivenInputs(req.inputs ?? {}, classifyInputs(discovered.graph));
  const sequenceLength = syntheticLength;
  const protectedOf = (x: Tokens) => x.offsets.flatMap(([s], i) => (s < 0 ? [i] : []));
  const idsOf = (x: Tokens) => (synthetic ? null : x.ids);
  const generateOf = (i: number) => (i === 0 ? generateTokens : 0);
  const where = (i: number, detail: string) => (inputs.length > 1 ? `input ${i + 1} of ${inputs.length}: ${detail}` : detail);

  // Dense phase: ORT loads the unmodified model from its file (no re-encode of the whole model)
  // and runs every input before the engine's sessions exist, then is released.
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
      const core = createSpattenCore(policy, coreDims(dims, measured.summary.fileName, mode, protectedOf(x)));
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
    for (const w of session.warnings) warnings.push(w);
    const core = primaryCore as SpattenAttentionCore;
    let gold: GoldLabels | undefined;
    if (req.labels) {
      if (comparisons[0].kind === 'classifier') {
        const names = loadClassLabels(req.modelPath);
        gold = { indices: resolveGoldLabels(req.labels, names, comparisons[0].denseLast.length, 'labels'), names };
      } else warnings.push('gold labels ignored: the model is not a classifier');
    }

    onProgress({ stage: 'simulate', detail: hardware.name, fraction: 0.85 });
    const tSim = performance.now();
    const trace = core.trace(policy.name);
    const sim = simulate(trace, hardware, { timing: 'pipelined', denseBits: 32, timeline: { maxEvents: 20_000 } });
    const additive = simulate(trace, hardware, { timing: 'additive', denseBits: 32 });
    // Decoders: the generation stage alone (decode steps, the memory-bound part the paper's GPT-2
    // figures describe), besides the whole run including the compute-bound prompt pass.
    const decodeRows = trace.rows.filter((r) => r.step >= 0);
    const decode =
      mode === 'generation' && decodeRows.length > 0 && decodeRows.length < trace.rows.length
        ? simulate({ ...trace, rows: decodeRows, layerSteps: trace.layerSteps?.filter((s) => s.step >= 0) }, hardware, { timing: 'pipelined', denseBits: 32 })
        : undefined;
    lap('simulate', tSim);
    throwIfAborted(signal);

    timings.total = performance.now() - t0;
    return {
      model: measured.summary,
      mode,
      text: inputs[0].text,
      ids: comparisons[0].reportIds,
      offsets: inputs[0].offsets,
      tokenizer,
      policy,
      policyChoice: choice,
      hardware,
      observations: core.observations(),
      dims,
      sim,
      additive,
      decode,
      trace,
      comparisons,
      gold,
      timings,
      warnings,
    };
  } catch (e) {
    if (signal?.aborted && !(e instanceof CancelledError)) throw new CancelledError();
    throw e;
  } finally {
    await session.release();
    await releaseReference();
  }
}
