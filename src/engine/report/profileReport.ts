import type { RefetchReport } from '../spatten/observations';
import type { ModelSummary as DiscoveredModelSummary } from '../model/modelSummary';
import type { LayerHardware as SimulatedLayer } from '../hardware/simulationResult';

// The lower rooms own their types; the report names the ones it carries unchanged, so the webview,
// the extension and the exporters read every report type from this module.
/** The report's `model` section: the model room's summary of the graph. */
export type ModelSummary = DiscoveredModelSummary;
/** One entry of the report's `layers`: the hardware room's per-layer figures. */
export type LayerHardware = SimulatedLayer;
// The ProfileReport: the one versioned JSON shape every front end consumes (webview, exporters,
// CLI, tests). Its JSON Schema is media/schema/profile-report.schema.json.
//
// Every scalar a user sees is a Quantity: value + unit + where it came from. Arrays are documented
// here with their unit and provenance; they are plain number arrays so the report is plain JSON.

// 2: accuracy.kind 'probabilities' | 'embedding', accuracy.outputs and primaryOutput,
//    policy.source (where the policy came from).
export const PROFILE_REPORT_VERSION = 2;

/**
 * measured: observed on this machine or in this run (ORT wall time, the functional engine's
 *   decisions on the real tensors); modelled: computed by the cycle/energy model;
 * configured: a constant taken from the configuration (paper values, user settings).
 */
export type Provenance = 'measured' | 'modelled' | 'configured';

export interface Quantity {
  value: number;
  unit: string;
  source: Provenance;
  /** What exactly this is, in a few words (shown as a tooltip). */
  note?: string;
  /** 95% confidence interval [low, high] when the value is a mean over several inputs. */
  interval?: [number, number];
}

export interface ReportToken {
  /** Vocabulary id; -1 for a position of a synthetic (non-text) input, shown as #position. */
  id: number;
  /** The token's text as the tokenizer prints it. */
  text: string;
  /** UTF-16 offsets of the token in `input.text` ([start, end)); -1 for special tokens. */
  start: number;
  end: number;
  /** True for tokens the policy never prunes (BOS, [CLS], sinks). */
  protected: boolean;
}


export interface LayerTokens {
  /** Tokens alive entering the layer. */
  tokensIn: number;
  /** Tokens kept after the layer's cascade token top-k. */
  tokensKept: number;
  /** Heads alive in the layer. */
  headsKept: number;
}



export interface GeneratedToken {
  step: number;
  /** Token the pruned (SpAtten) run chose, and the dense run's choice at the same step. */
  id: number;
  text: string;
  denseId: number;
  denseText: string;
}

/** One model output compared dense vs pruned, by what it is (since report version 2). */
export interface OutputAccuracy {
  name: string;
  kind: 'token-logits' | 'last-token-logits' | 'class-logits' | 'probabilities' | 'embedding';
  /** Dims of the compared output (batch 1). */
  dims: number[];
  /** maxAbsDiff and cosineSimilarity always; top1Agreement and kl for logits and probabilities. */
  metrics: Record<string, Quantity>;
}

export interface AccuracyReport {
  /**
   * What the primary output is: classifier (class logits), language-model (per-position or
   * last-token logits), probabilities (a final Softmax, e.g. a CTC head), embedding (hidden
   * states, a pooled vector: no labels, so no top lists).
   */
  kind: 'classifier' | 'language-model' | 'probabilities' | 'embedding';
  /** Each metric with unit and provenance ('measured': both runs were executed). */
  metrics: Record<string, Quantity>;
  /** Classifier: the dense and pruned labels; LM: top tokens at the last position; embedding: empty. */
  denseTop: { label: string; probability: number }[];
  prunedTop: { label: string; probability: number }[];
  generated?: GeneratedToken[];
  /** Name of the output the metrics above describe. */
  primaryOutput?: string;
  /** Every output of the first input, compared (several outputs, embeddings beside logits). */
  outputs?: OutputAccuracy[];
}

export interface SweepRow {
  /** The swept keep fraction (configured). */
  keep: number;
  policy: string;
  /** K/L and V/L averaged over rows (measured), speedup and DRAM reduction (modelled). */
  keysFetchedFraction: number;
  valuesFetchedFraction: number;
  speedup: number;
  dramReduction: number;
  /** The accuracy metric of the model kind (perplexity delta or label agreement). */
  metricName: string;
  metric: number;
  /** The metric's Quantity unit (absent in sweeps written before it was kept). */
  metricUnit?: string;
  /** Inputs averaged (the interval, when present, is the 95% Student-t interval of that mean). */
  metricInputs?: number;
  metricLow?: number;
  metricHigh?: number;
}

/**
 * Aggregated activity of the hardware units over time (modelled), for the timeline view.
 * Struct of arrays, one entry per event, so a 24-layer run stays a few thousand numbers:
 * event i ran on unit `units[unit[i]]` from cycle `start[i]` to `end[i]` (end exclusive) while
 * processing layer `layer[i]` (step `step[i]` when present). Events of one unit may be merged
 * per (step, layer, head) by the producer; the view draws them as they come.
 */
export interface TimelineReport {
  /** Unit names, e.g. "fetcher", "qk", "softmax", "topk", "pv"; index = unit id. */
  units: string[];
  /** Clock of the cycle counts (configured), Hz. */
  clockHz: number;
  unit: number[];
  /** Cycles since the start of the run. */
  start: number[];
  end: number[];
  layer: number[];
  /** Decode step per event (generation only). */
  step?: number[];
}

/**
 * What bounds a layer's time (modelled, from the pipelined schedule's unit busy cycles):
 * memory = DRAM is the busiest unit; compute = Q x K, softmax or prob x V is; top-k = the top-k
 * engine is; fixed-latency = no unit is busy for half the layer's cycles, so pipeline fill/drain
 * and DRAM round trips (fixed latencies) decide it.
 */
export type LayerBoundKind = 'memory' | 'compute' | 'top-k' | 'fixed-latency';

export interface VerdictLayer {
  layer: number;
  bound: LayerBoundKind;
  /** The hardware unit with the most busy cycles ("DRAM", "Q x K", "Softmax", "Top-k", "Prob x V"). */
  busiestUnit: string;
  /** Its busy cycles / the layer's cycles, in [0, 1] (modelled). */
  busiestShare: number;
  /** Busy cycles per unit over all passes and steps of the layer (modelled, cycles). */
  unitBusy: Record<string, number>;
  cycles: number;
}

/** One headline figure: the SpAtten value and its ratio against dense (or the relative cost). */
export interface VerdictFigure {
  id: 'dram' | 'latency' | 'energy' | 'accuracy';
  label: string;
  value: Quantity;
  /** dense / SpAtten for DRAM, latency and energy; relative accuracy cost for accuracy. */
  versus?: Quantity;
}

/** The report's answer in one place: what SpAtten does here, why, and what to try next. */
export interface VerdictReport {
  /** One plain-text sentence with formatted numbers and units. */
  sentence: string;
  figures: VerdictFigure[];
  /** The bound of most layers (ties: the later kind in memory, compute, top-k, fixed-latency). */
  bound: LayerBoundKind;
  /** The unit with the most busy cycles over the whole run. */
  busiestUnit: string;
  /** Why, in a few words (the reason clause of the sentence). */
  reason: string;
  layers: VerdictLayer[];
  /** Next things to try, most useful first; `rule` is a stable id (tests, telemetry-free links). */
  advice: { rule: string; text: string }[];
}

/** Tokens alive per layer in one pass or step (measured): step -1 is the prompt / encoder pass. */
export interface StepTokens {
  step: number;
  layers: (LayerTokens & {
    /** Token positions the layer processed (its alive keys), when the report is small enough to carry them. */
    alive?: number[];
  })[];
}

export interface ReportBaseline {
  name: string;
  latency: Quantity;
  energy?: Quantity;
  note: string;
}

export interface ProfileReport {
  version: typeof PROFILE_REPORT_VERSION;
  generatedAt: string;
  tool: { name: string; version: string };
  model: ModelSummary;
  mode: 'encoder' | 'generation';
  input: {
    text: string;
    tokens: ReportToken[];
    /** Tokens of the input (prompt); the rest of `tokens` were generated. Absent in older reports: all are input. */
    promptTokens?: number;
  };
  /** The policy and hardware configuration as run (configured). */
  policy: {
    name: string;
    settings: Record<string, unknown>;
    /** 'auto': chosen from the model (encoder -> paper-bert, decoder -> paper-gpt2-small); 'request': given by the user. */
    source?: 'auto' | 'request';
    /** Why this policy, in a sentence (auto: what the model was found to be). */
    reason?: string;
  };
  hardware: { name: string; settings: Record<string, unknown> };
  summary: Record<string, Quantity>;
  tokens: {
    /** Per input token: the layer where it was pruned, or -1 when kept to the end. */
    prunedAtLayer: number[];
    /** [layer][token] cumulative importance after the layer (sum of attention probability, measured). */
    cumulativeImportance: number[][];
    /** [layer][token] rank by cumulative importance after the layer, 0 = most important. */
    rank: number[][];
    /** Tokens and heads alive per layer in the last pass or step the core ran (see `steps` for the others). */
    layers: LayerTokens[];
    /** Per pass / decode step (generation): prompt pass first (step -1), then each decode step. */
    steps?: StepTokens[];
  };
  heads: {
    /** Per head index: layer where pruned (cascade), or -1. */
    prunedAtLayer: number[];
    /** [layer][head] cumulative head importance (sum of |head output|, measured). */
    importance: number[][];
  };
  refetch: RefetchReport;
  layers: LayerHardware[];
  /** Baseline projections (modelled rooflines), each with units: the same on every run. */
  baselines: ReportBaseline[];
  accuracy: AccuracyReport;
  sweep?: SweepRow[];
  /**
   * What depends on this run's wall clock, apart from the rest so the rest is reproducible (see
   * test/unit/report/reproducibleReport.ts): the timestamp above, these timings, and the baselines projected from
   * the rate measured on this machine.
   */
  timings: Record<string, Quantity>;
  measuredBaselines?: ReportBaseline[];
  warnings: string[];
  /** The verdict: headline figures, the per-layer bound and what to try next (modelled + measured). */
  verdict?: VerdictReport;
  /** Optional hardware-unit timeline (modelled); the timeline view is shown only when present. */
  timeline?: TimelineReport;
}
