// What pruning did to the model's output: the same input through the dense reference (plain ORT)
// and through the engine with the SpAtten core, compared.
//
// Encoders: one pass each, every output compared by what it is (model/outputKinds.ts); the
// primary output decides the kind: class logits are a classifier (label agreement, max |logit
// diff|, KL), per-position logits or probabilities are compared position by position (top-1
// agreement, max |diff|), embeddings by max |diff| and cosine similarity.
// Decoders: teacher-forced scoring of the text (per-token NLL -> perplexity, next-token top-1
// agreement), then, if asked, greedy generation of N tokens by both (match length). An export
// with last-token logits only ([batch, vocab]) gives the dense side one row per run, so its
// per-position rows come from the engine with dense attention (equal to ORT within 1e-4, the
// parity tests), which costs one cached step per token instead of a full run per prefix. When both
// happen, the core is reset between them, so the core's final state (and Trace) is the
// generation's: prompt pass, then one decode step per generated token, as in the authors' traces.
//
// Two phases, so the dense reference's session is gone before the engine's sessions exist (the
// two together held three copies of the weights): runDenseReference (plain ORT: the dense outputs
// and the dense generation), then compareWithDense (the engine, against those outputs).
import { InputError, throwIfAborted } from './errors';
import type { EngineSession } from './runtime/engineSession';
import type { ReferenceModel } from './runtime/referenceRun';
import type { SpattenAttentionCore } from './spatten/spattenAttentionCore';
import type { AttentionCore, AttentionCoreCall } from './runtime/attentionCore';
import { compareClassifier, maxAbsDiff, top1Agreement, matchLength, type ClassifierComparison } from './spatten/accuracyMetrics';
import { tokenLogProb } from './numerics';
import { denseAttentionCore } from './runtime/denseAttentionCore';
import { outputKind, type OutputKind } from './model/outputKinds';
import { compareEveryOutput, type OutputComparisonFigures } from './spatten/outputMetrics';

/** How the primary output is compared: what the report's accuracy section is about. */
export type ComparisonKind = 'classifier' | 'language-model' | 'sequence' | 'probabilities' | 'embedding';

export interface OutputComparison {
  kind: ComparisonKind;
  /** Name of the primary output (the one the kind and the top lists describe). */
  primaryOutput: string;
  /** Every result output, compared by what it is (encoder passes; decoders: the primary one). */
  outputs: OutputComparisonFigures[];
  /** Decoders whose export has last-token logits only: where the dense per-position rows came from. */
  denseRowsFrom?: 'reference' | 'engine-dense';
  /**
   * Token ids the report shows: the input, plus the generated tokens (pruned run) if any. For
   * synthetic inputs (no token input), one -1 per sequence position.
   */
  reportIds: number[];
  /** Last-position logits of both runs (for top labels / top tokens). */
  denseLast: Float32Array;
  prunedLast: Float32Array;
  classifier?: ClassifierComparison;
  /** LM: per-token NLL (nats) of ids[1..] under both runs. */
  denseNll?: number[];
  prunedNll?: number[];
  /** Mean cosine similarity of the primary output's rows (embeddings). */
  cosineSimilarity?: number;
  /** Fraction of positions whose argmax agrees. */
  top1Agreement?: number;
  /** Max |diff| of all logits (encoder) or of the scored rows (LM). */
  maxLogitDiff: number;
  generated?: { pruned: number[]; dense: number[]; matchLength: number };
}

interface PhaseOptions {
  mode: 'encoder' | 'generation';
  /** null: the graph has no token input and runs on seeded synthetic inputs (encoder pass). */
  ids: number[] | null;
  generateTokens: number;
  signal?: AbortSignal;
  /** When given, wall times (ms) of the dense and engine runs are written here (measured). */
  timings?: Record<string, number>;
  onProgress: (detail: string, fraction: number) => void;
}

export interface DenseOptions extends PhaseOptions {
  reference: ReferenceModel;
}

/** What the dense reference (plain ORT) computed for one input. */
export interface DenseOutputs {
  /** Name of the primary output. */
  primaryOutput: string;
  /** Encoders: every result output by name; decoders: the primary one. */
  outputs: Map<string, { logits: Float32Array; dims: number[] }>;
  /** Greedy generation by the dense reference (decoders, when tokens are generated). */
  generatedIds?: number[];
}

export interface CompareOptions extends PhaseOptions {
  dense: DenseOutputs;
  session: EngineSession;
  core: SpattenAttentionCore;
}

/** Bytes the dense outputs hold (what keeping them until the engine phase costs). */
export function denseOutputBytes(d: DenseOutputs): number {
  let bytes = 0;
  for (const o of d.outputs.values()) bytes += o.logits.byteLength;
  return bytes;
}

/** The dense phase: the reference's outputs (and its greedy generation) for one input. */
export async function runDenseReference(o: DenseOptions): Promise<DenseOutputs> {
  const primaryOutput = o.reference.logitsName;
  o.onProgress('dense reference run', 0);
  let t = performance.now();
  if (o.mode === 'encoder' || o.ids === null) {
    const outputs = await o.reference.runAll(o.ids, o.signal);
    if (o.timings) o.timings.referenceRun = performance.now() - t;
    return { primaryOutput, outputs };
  }
  const dense = await o.reference.run(o.ids, o.signal);
  if (o.timings) o.timings.referenceRun = performance.now() - t;
  const out: DenseOutputs = { primaryOutput, outputs: new Map([[primaryOutput, dense]]) };
  if (o.generateTokens > 0) {
    throwIfAborted(o.signal);
    o.onProgress(`dense generation of ${o.generateTokens} tokens`, 0.5);
    t = performance.now();
    out.generatedIds = (await o.reference.generateGreedy(o.ids, o.generateTokens, o.signal)).ids;
    if (o.timings) o.timings.referenceGeneration = performance.now() - t;
  }
  return out;
}

/** The core, reporting each layer it computes ("layer i of N", with the step) to the progress sink. */
function reportingCore(o: CompareOptions, stage: string, at: { fraction: number }): AttentionCore {
  const layers = o.core.dims.layers;
  const progress = (call: AttentionCoreCall) => {
    const where = call.step < 0 ? 'prompt pass' : `step ${call.step + 1}`;
    o.onProgress(`${stage}: ${where}, layer ${call.layer + 1} of ${layers}`, at.fraction);
  };
  return {
    densePass: o.core.densePass,
    run: (call) => {
      progress(call);
      return o.core.run(call);
    },
    kernelPath: {
      runWithKernel: (call, kernel) => {
        progress(call);
        return o.core.runWithKernel(call, kernel);
      },
    },
  };
}

function lastRow(logits: Float32Array, V: number): Float32Array {
  return logits.slice(logits.length - V);
}

const PRIMARY_KIND: Record<OutputKind, ComparisonKind> = {
  'token-logits': 'sequence',
  'last-token-logits': 'sequence',
  'class-logits': 'classifier',
  probabilities: 'probabilities',
  embedding: 'embedding',
};

function kindReader(o: CompareOptions): (name: string, dims: number[]) => OutputKind {
  const d = o.session.discovered;
  return (name, dims) => outputKind(d.graph, name, dims, d.summary.causal);
}

async function compareEncoder(o: CompareOptions): Promise<OutputComparison> {
  const denseAll = o.dense.outputs;
  o.onProgress('SpAtten engine pass', 0.5);
  const t = performance.now();
  const prunedAll = await o.session.runEncoderOutputs(o.ids, reportingCore(o, 'SpAtten engine', { fraction: 0.6 }), o.signal);
  if (o.timings) o.timings.engineRun = performance.now() - t;
  const name = o.dense.primaryOutput;
  const dense = denseAll.get(name);
  const pruned = prunedAll.get(name);
  if (!dense || !pruned) throw new InputError(name, 'the model did not produce its primary output');
  const outputs = compareEveryOutput(denseAll, prunedAll, kindReader(o));
  const primary = outputs.find((x) => x.name === name) as OutputComparisonFigures;
  const V = dense.dims[dense.dims.length - 1] ?? dense.logits.length;
  const positions = o.core.observations().tokenImportanceByLayer[0]?.length ?? 0;
  const reportIds = o.ids ?? Array<number>(positions).fill(-1);
  const kind = PRIMARY_KIND[primary.kind];
  const base = { kind, primaryOutput: name, outputs, reportIds, denseLast: lastRow(dense.logits, V), prunedLast: lastRow(pruned.logits, V), maxLogitDiff: primary.figures.maxAbsDiff };
  if (kind === 'classifier' && dense.dims.length === 2 && dense.dims[0] === 1) return { ...base, classifier: compareClassifier(dense.logits, pruned.logits) };
  if (kind === 'embedding') return { ...base, cosineSimilarity: primary.figures.cosineSimilarity };
  return { ...base, kind: kind === 'classifier' ? 'sequence' : kind, top1Agreement: primary.figures.top1Agreement };
}

/**
 * Dense per-position rows of a decoder: the reference's own when its output has a row per token,
 * else (last-token exports) the engine's teacher-forced scoring with dense attention.
 */
async function denseRows(o: CompareOptions & { ids: number[] }, dense: { logits: Float32Array; dims: number[] }, V: number): Promise<{ rows: Float32Array; from: 'reference' | 'engine-dense' }> {
  const n = o.ids.length;
  if (dense.logits.length === n * V) return { rows: dense.logits, from: 'reference' };
  o.onProgress(`dense scoring of ${n} tokens (last-token export)`, 0.25);
  const scored = await o.session.score({ ids: o.ids, core: denseAttentionCore, signal: o.signal });
  const rows = new Float32Array(n * V);
  scored.logits.forEach((row, i) => rows.set(row, i * V));
  return { rows, from: 'engine-dense' };
}

async function compareDecoder(o: CompareOptions & { ids: number[] }): Promise<OutputComparison> {
  const n = o.ids.length;
  const name = o.dense.primaryOutput;
  const dense = o.dense.outputs.get(name);
  if (!dense) throw new InputError(name, 'the model did not produce its primary output');
  const V = dense.dims[dense.dims.length - 1];
  const { rows: denseLogits, from: denseRowsFrom } = await denseRows(o, dense, V);
  const denseNll = o.ids.slice(1).map((y, i) => -tokenLogProb(denseLogits.subarray(i * V, (i + 1) * V), y));

  let t = performance.now();
  const at = { fraction: 0.5 };
  const scored = await o.session.score({
    ids: o.ids,
    core: reportingCore(o, `scoring ${n} tokens`, at),
    signal: o.signal,
    onStep: (s) => (at.fraction = 0.5 + (0.25 * (s.position + 1)) / n),
  });
  if (o.timings) o.timings.engineRun = performance.now() - t;
  const prunedRows = new Float32Array(n * V);
  scored.logits.forEach((row, i) => prunedRows.set(row, i * V));
  const kindOf = kindReader(o);
  const out: OutputComparison = {
    kind: 'language-model',
    primaryOutput: name,
    outputs: compareEveryOutput(new Map([[name, { logits: denseLogits, dims: [n, V] }]]), new Map([[name, { logits: prunedRows, dims: [n, V] }]]), () => kindOf(name, dense.dims)),
    denseRowsFrom,
    reportIds: o.ids,
    denseLast: lastRow(denseLogits, V),
    prunedLast: scored.logits[n - 1],
    denseNll,
    prunedNll: scored.tokenLogProbs.map((lp) => -lp),
    top1Agreement: top1Agreement(denseLogits, prunedRows, V),
    maxLogitDiff: maxAbsDiff(denseLogits, prunedRows),
  };
  if (o.generateTokens > 0) {
    const denseGen = o.dense.generatedIds;
    if (!denseGen) throw new InputError('generateTokens', 'the dense reference did not generate (runDenseReference was given no tokens to generate)');
    throwIfAborted(o.signal);
    o.core.resetForNewInput();
    t = performance.now();
    at.fraction = 0.8;
    const gen = await o.session.generate({
      promptIds: o.ids,
      maxNewTokens: o.generateTokens,
      core: reportingCore(o, `generating ${o.generateTokens} tokens`, at),
      signal: o.signal,
      onStep: (s) => (at.fraction = 0.8 + (0.2 * (s.step + 2)) / o.generateTokens),
    });
    if (o.timings) o.timings.engineGeneration = performance.now() - t;
    out.generated = { pruned: gen.ids, dense: denseGen, matchLength: matchLength(gen.ids, denseGen) };
    out.reportIds = [...o.ids, ...gen.ids];
  }
  return out;
}

/** The engine phase: the engine's run of one input, compared with the dense outputs of runDenseReference. */
export function compareWithDense(o: CompareOptions): Promise<OutputComparison> {
  if (o.mode === 'encoder' || o.ids === null) return compareEncoder(o);
  return compareDecoder({ ...o, ids: o.ids });
}
