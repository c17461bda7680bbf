// What the SpAtten model observed on one input, handed to the report as data (DESIGN.md: "Nothing
// reads the core back"). The Trace carries what the hardware must do; this carries what the views
// show: importance snapshots, where tokens and heads were pruned, refetch statistics. Everything
// is plain JSON, so a report can be rebuilt from a serialized Trace, observations and simulation.

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

/** Refetch statistics (the report's `refetch` section is exactly this). */
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

/** The pruning of one token: from `step` on, layers >= `layer` no longer see `token` (step -1 = encoder/prompt pass). */
export interface TokenPruneEvent {
  step: number;
  layer: number;
  token: number;
}

export interface SpattenObservations {
  layers: number;
  heads: number;
  /** [layer][token] importance score (the one the top-k ranks by) after each layer of the latest pass/step. */
  tokenImportanceByLayer: number[][];
  /** [layer] token positions the layer processed in the latest pass/step (ascending). */
  keptTokensByLayer: number[][];
  /** Per token position: the first layer that no longer processes it, -1 when every layer does. */
  tokenPrunedAtLayer: number[];
  /** Per token position: the step of its (last) pruning, -1 = encoder/prompt pass, -2 = never. */
  tokenPrunedAtStep: number[];
  /** Every token pruning, in order. */
  tokenPruneEvents: TokenPruneEvent[];
  /** Context length (keys) of each step run, [step, length] in order. */
  contextByStep: [number, number][];
  /** [layer][head] cumulative head importance after each layer of the latest pass/step. */
  headImportanceByLayer: number[][];
  /** Per head index: the first layer that no longer runs it, -1 when never pruned. */
  headPrunedAtLayer: number[];
  refetch: RefetchReport;
}
