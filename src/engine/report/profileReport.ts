// The ProfileReport: the one versioned JSON shape every front end consumes (webview, exporters,
// CLI, tests). Its JSON Schema is media/schema/profile-report.schema.json.
//
// Every scalar a user sees is a Quantity: value + unit + where it came from. Arrays are documented
// here with their unit and provenance; they are plain number arrays so the report is plain JSON.

export const PROFILE_REPORT_VERSION = 1;

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

export interface ModelSummary {
  /** File name only (never a full path: reports are shared). */
  fileName: string;
  family: 'bert' | 'gpt2' | 'llama' | 'generic';
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  hiddenSize: number;
  /** Parameter count (elements of all initializers). */
  parameters: number;
  opset: number;
  causal: boolean;
  /** How each attention core was found, e.g. "MatMul->Div->Add->Softmax->MatMul at /h.0/attn". */
  attentionCores: string[];
}

export interface LayerTokens {
  /** Tokens alive entering the layer. */
  tokensIn: number;
  /** Tokens kept after the layer's cascade token top-k. */
  tokensKept: number;
  /** Heads alive in the layer. */
  headsKept: number;
}

/** Cycles of one layer split by pipeline stage (modelled, cycles at the configured clock). */
export interface StageCycles {
  [stage: string]: number;
}

export interface LayerHardware {
  layer: number;
  /** Modelled cycles for SpAtten and for the dense baseline on the same hardware. */
  cycles: number;
  denseCycles: number;
  /** Cycles by stage (overlapped stages count where they are the bottleneck). */
  stages: StageCycles;
  denseStages: StageCycles;
  /** Which resource bounds the layer. */
  bound: 'memory' | 'compute';
  /** DRAM bytes by tensor (modelled, transaction-rounded). */
  dramBytes: { kMsb: number; kLsb: number; v: number; q: number };
  denseDramBytes: number;
  /** Modelled energy of the layer, joules. */
  energyJoules: number;
  denseEnergyJoules: number;
}

export interface RefetchEvent {
  step: number;
  layer: number;
  head: number;
  /** Query row (token index) whose LSBs were refetched. */
  query: number;
  /** Max probability from MSBs only, and after the LSB refetch. */
  maxProbBefore: number;
  maxProbAfter: number;
}

export interface RefetchReport {
  /** Max-probability threshold (configured). */
  threshold: number;
  /** [layer][head]: query rows computed and rows refetched (measured by the functional engine). */
  rows: number[][];
  refetched: number[][];
  /** Histogram of the MSB-only max probability per query row: bin edges (probability) and counts [layer][bin]. */
  maxProbBinEdges: number[];
  maxProbHistogram: number[][];
  /** Refetches per decode step (generation only), index = step. */
  perStep: number[];
  /** The individual events, capped at `eventsCap` (the counts above are complete). */
  events: RefetchEvent[];
  eventsCap: number;
}

export interface GeneratedToken {
  step: number;
  /** Token the pruned (SpAtten) run chose, and the dense run's choice at the same step. */
  id: number;
  text: string;
  denseId: number;
  denseText: string;
}

export interface AccuracyReport {
  kind: 'classifier' | 'language-model';
  /** Each metric with unit and provenance ('measured': both runs were executed). */
  metrics: Record<string, Quantity>;
  /** Classifier: the dense and pruned labels; LM: top tokens at the last position. */
  denseTop: { label: string; probability: number }[];
  prunedTop: { label: string; probability: number }[];
  generated?: GeneratedToken[];
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
  input: { text: string; tokens: ReportToken[] };
  /** The policy and hardware configuration as run (configured). */
  policy: { name: string; settings: Record<string, unknown> };
  hardware: { name: string; settings: Record<string, unknown> };
  summary: Record<string, Quantity>;
  tokens: {
    /** Per input token: the layer where it was pruned, or -1 when kept to the end. */
    prunedAtLayer: number[];
    /** [layer][token] cumulative importance after the layer (sum of attention probability, measured). */
    cumulativeImportance: number[][];
    /** [layer][token] rank by cumulative importance after the layer, 0 = most important. */
    rank: number[][];
    layers: LayerTokens[];
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
   * reproducibleReport.ts): the timestamp above, these timings, and the baselines projected from
   * the rate measured on this machine.
   */
  timings: Record<string, Quantity>;
  measuredBaselines?: ReportBaseline[];
  warnings: string[];
  /** Optional hardware-unit timeline (modelled); the timeline view is shown only when present. */
  timeline?: TimelineReport;
}
