// The Trace: the seam between the functional model (src/engine/spatten) and the cycle model
// (src/engine/hardware). One row per (step, layer, head) saying what the hardware must do for
// that head's query rows: keys and values fetched, bit widths, the refetch decision, the top-k
// calls. It maps one-to-one onto the SpAtten authors' workload CSV schema
// (../shared/spatten-traces/README.md, see workloadCsv.ts), plus the per-row details the UI needs.
//
// Units: counts are tokens/rows/calls; bit widths are bits; FLOPs are floating-point operations
// (a multiply-add counts as 2).

import type { ModelDims } from '../model/modelDims';

/** What one call of the top-k engine did. */
export interface TopKCall {
  /** Candidates streamed in (tokens or values). */
  n: number;
  /** Survivors kept. */
  k: number;
  /**
   * Candidates entering each quick-select round, as measured on the real scores by the
   * functional engine's quick-select (seeded pivot). Absent for imported traces: the cycle model
   * then estimates the rounds.
   */
  roundSizes?: number[];
}

/** One (step, layer, head) of work for the attention datapath. */
export interface TraceRow {
  /** Decode step (`iteration_id`): 0 = first generated token; 0 for an encoder pass. */
  step: number;
  layer: number;
  /** Query head index (a pruned head has no row). */
  head: number;
  /** Head dimension D (`embedding_length_D`). */
  headDim: number;
  /** Tokens in the context before pruning (`sentence_length_L`). */
  sentenceLength: number;
  /** Query rows this row processes: 1 in generation, L for an encoder or a prompt pass. */
  queries: number;
  /** Keys fetched from DRAM for each query row, after cascade token pruning (`key_fetch_num`). */
  keysFetched: number;
  /** Values fetched per query row, after local V pruning (`value_fetch_num`). */
  valuesFetched: number;
  /** K MSB bits fetched first; -1 = unquantized (`quant_key_bit`). */
  keyBits: number;
  /** V bits; -1 = unquantized (`quant_value_bit`). */
  valueBits: number;
  /** Q bits; -1 = unquantized (`quant_query_bit`). */
  queryBits: number;
  /** Max-probability threshold below which the K LSBs are refetched; -1 = no progressive quantization. */
  requantThreshold: number;
  /** K LSB bits fetched on a refetch; -1 = none (`auto_requant_incre`). */
  lsbBits: number;
  /** Query rows whose LSBs were refetched (`if_requant` is `refetchedQueries > 0`). */
  refetchedQueries: number;
  /** Bookkeeping flags of the importance accumulator (authors' schema). */
  accumulateImportance: boolean;
  rescaleImportance: boolean;
  /** Cascade token top-k that runs after this row (`if_topk` / `topk`). */
  tokenTopK?: TopKCall;
  /** Local V pruning top-k per query row (n = keys fetched, k = values kept). */
  localVTopK?: TopKCall;
  /** Largest post-softmax probability over this row's queries, from MSBs only (before refetch). */
  maxProbability?: number;
}

/** Per (step, layer) facts that are not per head: pruning decisions and the FC/FFN work. */
export interface TraceLayerStep {
  step: number;
  layer: number;
  /** Tokens alive when the layer starts (before its token top-k). */
  tokensIn: number;
  /** Tokens kept after the layer's token top-k (these are the ones later layers see). */
  tokensKept: number;
  /** Heads alive in this layer. */
  headsKept: number;
  /** Token positions this layer processed (its alive keys, ascending): the kept token ids. */
  keptTokens?: number[];
  /** Head top-k after the layer, if head pruning ran. */
  headTopK?: TopKCall;
  /** FLOPs of the attention core (Q x K and prob x V) the pruned run does. */
  attentionFlops: number;
  /** Same, dense (no pruning). */
  denseAttentionFlops: number;
  /** FLOPs of the QKV/output projections and FFN for the tokens this layer processes. */
  fcFlops: number;
  /** Same, dense. */
  denseFcFlops: number;
}

/**
 * The model a Trace was made on: its name and ModelDims' attention fields (the hidden size is
 * absent for an imported workload CSV, which does not carry it).
 */
export interface TraceModelInfo extends Pick<ModelDims, 'layers' | 'heads' | 'kvHeads' | 'headDim'>, Partial<Pick<ModelDims, 'hiddenSize'>> {
  name: string;
}

/** A whole workload. */
export interface Trace {
  version: 1;
  /** Where it came from: the engine on a model, or an imported workload CSV. */
  source: { kind: 'engine' | 'workload-csv'; name: string };
  /** 'generation': one query row per step; 'encoder': all queries at once (BERT-style). */
  mode: 'generation' | 'encoder';
  model: TraceModelInfo;
  /**
   * Bits of the tensors rows mark unquantized (-1): 32 for engine traces (the functional model
   * computes in fp32). Absent for the authors' CSVs, whose RTL driver reads -1 as 8 bit.
   */
  unquantizedBits?: number;
  rows: TraceRow[];
  /** Present for engine traces; imported CSVs do not carry it. */
  layerSteps?: TraceLayerStep[];
}
