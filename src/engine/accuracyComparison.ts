// What pruning did to the model's output: the same input through the dense reference (plain ORT)
// and through the engine with the SpAtten core, compared.
//
// Encoders: one pass each; a [1, classes] output is a classifier (label agreement, max |logit
// diff|, KL), anything else is compared position by position (top-1 agreement, max |diff|).
// Decoders: teacher-forced scoring of the text (per-token NLL -> perplexity, next-token top-1
// agreement), then, if asked, greedy generation of N tokens by both (match length). When both
// happen, the core is reset between them, so the core's final state (and Trace) is the
// generation's: prompt pass, then one decode step per generated token, as in the authors' traces.
import { throwIfAborted } from './errors';
import type { EngineSession } from './runtime/engineSession';
import type { ReferenceModel } from './runtime/referenceRun';
import type { SpattenAttentionCore } from './spatten/spattenAttentionCore';
import type { AttentionCore } from './runtime/attentionCore';
import { compareClassifier, maxAbsDiff, top1Agreement, matchLength, type ClassifierComparison } from './spatten/accuracyMetrics';
import { tokenLogProb } from './runtime/tokenSampling';

export interface OutputComparison {
  kind: 'classifier' | 'language-model' | 'sequence';
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
  /** Fraction of positions whose argmax agrees. */
  top1Agreement?: number;
  /** Max |diff| of all logits (encoder) or of the scored rows (LM). */
  maxLogitDiff: number;
  generated?: { pruned: number[]; dense: number[]; matchLength: number };
}

export interface CompareOptions {
  mode: 'encoder' | 'generation';
  /** null: the graph has no token input and runs on seeded synthetic inputs (encoder pass). */
  ids: number[] | null;
  reference: ReferenceModel;
  session: EngineSession;
  core: SpattenAttentionCore;
  generateTokens: number;
  signal?: AbortSignal;
  /** When given, wall times (ms) of the dense and engine runs are written here (measured). */
  timings?: Record<string, number>;
  onProgress: (detail: string, fraction: number) => void;
}

/** The core, reporting each layer it computes ("layer i of N", with the step) to the progress sink. */
function reportingCore(o: CompareOptions, stage: string, at: { fraction: number }): AttentionCore {
  const layers = o.core.dims.layers;
  return {
    run: (call) => {
      const where = call.step < 0 ? 'prompt pass' : `step ${call.step + 1}`;
      o.onProgress(`${stage}: ${where}, layer ${call.layer + 1} of ${layers}`, at.fraction);
      return o.core.run(call);
    },
  };
}

function lastRow(logits: Float32Array, V: number): Float32Array {
  return logits.slice(logits.length - V);
}

async function compareEncoder(o: CompareOptions): Promise<OutputComparison> {
  o.onProgress('dense reference run', 0);
  let t = performance.now();
  const dense = await o.reference.run(o.ids, o.signal);
  if (o.timings) o.timings.referenceRun = performance.now() - t;
  o.onProgress('SpAtten engine pass', 0.5);
  t = performance.now();
  const pruned = await o.session.runEncoder(o.ids, reportingCore(o, 'SpAtten engine', { fraction: 0.6 }), o.signal);
  if (o.timings) o.timings.engineRun = performance.now() - t;
  const V = dense.dims[dense.dims.length - 1];
  const positions = o.core.tokenImportanceByLayer()[0]?.length ?? 0;
  const reportIds = o.ids ?? Array<number>(positions).fill(-1);
  const base = { reportIds, denseLast: lastRow(dense.logits, V), prunedLast: lastRow(pruned.logits, V), maxLogitDiff: maxAbsDiff(dense.logits, pruned.logits) };
  if (dense.dims.length === 2 && dense.dims[0] === 1) {
    return { kind: 'classifier', ...base, classifier: compareClassifier(dense.logits, pruned.logits) };
  }
  return { kind: 'sequence', ...base, top1Agreement: top1Agreement(dense.logits, pruned.logits, V) };
}

async function compareDecoder(o: CompareOptions & { ids: number[] }): Promise<OutputComparison> {
  const n = o.ids.length;
  o.onProgress('dense reference run', 0);
  let t = performance.now();
  const dense = await o.reference.run(o.ids, o.signal);
  if (o.timings) o.timings.referenceRun = performance.now() - t;
  const V = dense.dims[dense.dims.length - 1];
  const denseNll = o.ids.slice(1).map((y, i) => -tokenLogProb(dense.logits.subarray(i * V, (i + 1) * V), y));

  t = performance.now();
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
  const out: OutputComparison = {
    kind: 'language-model',
    reportIds: o.ids,
    denseLast: lastRow(dense.logits, V),
    prunedLast: scored.logits[n - 1],
    denseNll,
    prunedNll: scored.tokenLogProbs.map((lp) => -lp),
    top1Agreement: top1Agreement(dense.logits, prunedRows, V),
    maxLogitDiff: maxAbsDiff(dense.logits, prunedRows),
  };
  if (o.generateTokens > 0) {
    throwIfAborted(o.signal);
    o.onProgress(`dense generation of ${o.generateTokens} tokens`, 0.75);
    t = performance.now();
    const denseGen = await o.reference.generateGreedy(o.ids, o.generateTokens, o.signal);
    if (o.timings) o.timings.referenceGeneration = performance.now() - t;
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
    out.generated = { pruned: gen.ids, dense: denseGen.ids, matchLength: matchLength(gen.ids, denseGen.ids) };
    out.reportIds = [...o.ids, ...gen.ids];
  }
  return out;
}

export function compareOutputs(o: CompareOptions): Promise<OutputComparison> {
  if (o.mode === 'encoder' || o.ids === null) return compareEncoder(o);
  return compareDecoder({ ...o, ids: o.ids });
}
