// The SpAtten authors' workload CSV schema (../shared/spatten-traces/README.md) and its limits.
//
// The schema is read and written exactly as the authors' RTL simulator expects it: the 17 columns
// in their order, `True`/`False` booleans, `64.0` for the head dimension, -1 for "not applicable".
// Their files end with a line naming the training config with every other field empty; it carries
// no workload, so it is skipped on read and not written back (a Trace has no slot for it).
//
// Column -> TraceRow mapping (one CSV row = one (iteration, layer, head)):
//   iteration_id -> step, layer_id -> layer, head_id -> head, embedding_length_D -> headDim,
//   sentence_length_L -> sentenceLength, key_fetch_num -> keysFetched, quant_key_bit -> keyBits,
//   quant_query_bit -> queryBits, auto_requant_thres -> requantThreshold,
//   if_requant -> refetchedQueries (all of the row's queries, or 0), auto_requant_incre -> lsbBits,
//   value_fetch_num -> valuesFetched, quant_value_bit -> valueBits,
//   if_accumulate_importance / if_rescale_previous_importance -> the two flags,
//   if_topk + topk -> tokenTopK {n: key_fetch_num (or L when topk exceeds it), k: topk}.
// Local V pruning is implied when value_fetch_num < key_fetch_num: localVTopK {n: keys, k: values}
// (the authors' RTL bills one top-k of exactly that shape per row).
//
// Lossless extension (engine traces): the 17 columns may be followed by EXTENSION_COLUMNS, which
// the authors' tools ignore (their readers pick columns by name). They carry what the authors'
// schema rounds away: query rows and refetched query rows per row (if_requant is one flag for all
// of a row's queries), the measured quick-select rounds and candidate counts of the top-ks, the
// model's head count and the precision of -1 tensors. iteration_id -1 is an engine's prompt pass
// (all prompt queries at once, before the first generated token).
//
// This module holds the schema (columns, limits, options); workloadCsvReader.ts reads it into
// columns, workloadCsv.ts reads it into a Trace and writes it back.
export const WORKLOAD_CSV_COLUMNS = [
  'iteration_id',
  'layer_id',
  'head_id',
  'embedding_length_D',
  'sentence_length_L',
  'key_fetch_num',
  'quant_key_bit',
  'quant_query_bit',
  'auto_requant_thres',
  'if_requant',
  'auto_requant_incre',
  'value_fetch_num',
  'quant_value_bit',
  'if_accumulate_importance',
  'if_rescale_previous_importance',
  'if_topk',
  'topk',
] as const;

/** Optional trailing columns written by the engine (see the header comment). */
export const EXTENSION_COLUMNS = [
  'query_num',
  'requant_query_num',
  'topk_n',
  'topk_rounds',
  'local_topk_n',
  'local_topk_rounds',
  'head_num',
  'unquantized_bit',
] as const;

/**
 * How many query rows one CSV row stands for: 'one' for generation traces (one new token per
 * iteration, the shipped traces), 'sentence' for BERT-style rows where all L queries run at once.
 */
export type QueriesPerRow = 'one' | 'sentence';

export interface ParseWorkloadOptions {
  /** Shown in errors and stored as the trace's source name. */
  fileName: string;
  queries?: QueriesPerRow;
  /** Model name for the trace (default: the file name without extension). */
  modelName?: string;
}

export const HEADER = WORKLOAD_CSV_COLUMNS.join(',');
export const EXTENDED_HEADER = [...WORKLOAD_CSV_COLUMNS, ...EXTENSION_COLUMNS].join(',');

/** Most lines a workload CSV may have (header included). */
export const MAX_ROWS = 5_000_000;

/**
 * Largest value of each field that sizes the simulation (the simulator allocates per head and per
 * layer, and loops over iterations, keys and query rows): far above any published transformer
 * (GPT-3: 96 layers x 96 heads, head dim 128), far below what would run for minutes or exhaust
 * memory from a one-row file. The authors' traces use at most 32 iterations, 24 layers, 16 heads, L = 1024.
 */
export const WORKLOAD_CSV_LIMITS = {
  iteration_id: 1_000_000,
  layer_id: 1023,
  head_id: 1023,
  embedding_length_D: 4096,
  sentence_length_L: 65_536,
} as const;

