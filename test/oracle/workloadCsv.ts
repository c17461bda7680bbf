// The SpAtten authors' workload CSV (../shared/spatten-traces/README.md) <-> Trace.
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
import { InputError } from '../../src/engine/errors';
import type { Trace, TraceRow } from '../../src/engine/trace/trace';

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

const HEADER = WORKLOAD_CSV_COLUMNS.join(',');
const EXTENDED_HEADER = [...WORKLOAD_CSV_COLUMNS, ...EXTENSION_COLUMNS].join(',');

/** "993;240;17" -> [993, 240, 17]; "" -> undefined. */
function parseRounds(field: string, column: string, where: string): number[] | undefined {
  if (field === '') return undefined;
  if (!/^\d+(;\d+)*$/.test(field)) throw new InputError(where, `${column} must be round sizes separated by ';', got "${field.slice(0, 40)}"`);
  return field.split(';').map(Number);
}
const MAX_ROWS = 5_000_000;

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

/** A field named with its column number, for messages: "head_id (column 3)". */
function col(column: string): string {
  return `${column} (column ${([...WORKLOAD_CSV_COLUMNS, ...EXTENSION_COLUMNS] as readonly string[]).indexOf(column) + 1})`;
}

function parseIntField(field: string, column: string, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  // Strict: digits with an optional sign; "993.0" is not a count.
  if (!/^-?\d+$/.test(field)) throw new InputError(where, `${col(column)} must be an integer, got "${field}"`);
  const v = Number(field);
  if (!Number.isSafeInteger(v) || v < min) throw new InputError(where, `${col(column)} must be an integer >= ${min}, got "${field}"`);
  if (v > max) throw new InputError(where, `${col(column)} is ${field}, over the limit of ${max}`);
  return v;
}

function parseBoolField(field: string, column: string, where: string): boolean {
  if (field === 'True') return true;
  if (field === 'False') return false;
  throw new InputError(where, `${column} must be True or False, got "${field}"`);
}

function parseBitsField(field: string, column: string, where: string): number {
  const v = parseIntField(field, column, where, -1);
  if (v === 0 || v > 32) throw new InputError(where, `${column} must be -1 (unquantized) or 1..32 bits, got "${field}"`);
  return v;
}

/** Parse the authors' workload CSV into a Trace. Throws InputError naming file and line. */
export function parseWorkloadCsv(text: string, opts: ParseWorkloadOptions): Trace {
  const file = opts.fileName;
  const queriesMode = opts.queries ?? 'one';
  const lines = text.split('\n');
  // A final newline leaves one empty string; tolerate CRLF files too.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new InputError(file, 'empty file: expected the workload CSV header');
  if (lines.length > MAX_ROWS) throw new InputError(file, `too many rows (${lines.length}, limit ${MAX_ROWS})`);
  // Spreadsheet exports may start with a UTF-8 byte-order mark.
  const header = lines[0].replace(/^\uFEFF/, '').replace(/\r$/, '');
  const extended = header === EXTENDED_HEADER;
  if (header !== HEADER && !extended) {
    throw new InputError(`${file}:1`, `header must be exactly "${HEADER}" (optionally followed by ${EXTENSION_COLUMNS.join(',')})`);
  }
  const columns = extended ? WORKLOAD_CSV_COLUMNS.length + EXTENSION_COLUMNS.length : WORKLOAD_CSV_COLUMNS.length;
  let modelHeads = 0;
  let unquantizedBits: number | undefined;
  let promptPass = false;
  let multiQuery = false;
  const rows: TraceRow[] = [];
  let maxLayer = -1;
  let maxHead = -1;
  let headDim = 0;
  for (let i = 1; i < lines.length; i++) {
    const lineNo = i + 1;
    const where = `${file}:${lineNo}`;
    const line = lines[i].replace(/\r$/, '');
    const f = line.split(',');
    if (f.length !== columns) {
      throw new InputError(where, `expected ${columns} comma-separated fields, got ${f.length}`);
    }
    // The authors' trailing config line: a name in the first field, all others empty.
    if (f.slice(1).every((x) => x === '') && !/^-?\d+$/.test(f[0])) {
      if (i !== lines.length - 1) throw new InputError(where, 'a config line (empty fields) may only be the last line');
      continue;
    }
    const L = WORKLOAD_CSV_LIMITS;
    const step = parseIntField(f[0], 'iteration_id', where, -1, L.iteration_id);
    const layer = parseIntField(f[1], 'layer_id', where, 0, L.layer_id);
    const head = parseIntField(f[2], 'head_id', where, 0, L.head_id);
    const d = Number(f[3]);
    if (!/^\d+(\.0+)?$/.test(f[3]) || !Number.isInteger(d) || d <= 0) {
      throw new InputError(where, `${col('embedding_length_D')} must be a positive whole number like 64.0, got "${f[3]}"`);
    }
    if (d > L.embedding_length_D) throw new InputError(where, `${col('embedding_length_D')} is ${f[3]}, over the limit of ${L.embedding_length_D}`);
    // Fetch counts and topk are checked against L below, so L bounds them too.
    const sentenceLength = parseIntField(f[4], 'sentence_length_L', where, 1, L.sentence_length_L);
    const keysFetched = parseIntField(f[5], 'key_fetch_num', where, 0);
    const keyBits = parseBitsField(f[6], 'quant_key_bit', where);
    const queryBits = parseBitsField(f[7], 'quant_query_bit', where);
    const thr = Number(f[8]);
    if (f[8] === '' || !Number.isFinite(thr) || (thr !== -1 && (thr < 0 || thr > 1))) {
      throw new InputError(where, `auto_requant_thres must be -1 or a probability in [0, 1], got "${f[8]}"`);
    }
    const ifRequant = parseBoolField(f[9], 'if_requant', where);
    const lsbBits = parseBitsField(f[10], 'auto_requant_incre', where);
    const valuesFetched = parseIntField(f[11], 'value_fetch_num', where, 0);
    const valueBits = parseBitsField(f[12], 'quant_value_bit', where);
    const accumulateImportance = parseBoolField(f[13], 'if_accumulate_importance', where);
    const rescaleImportance = parseBoolField(f[14], 'if_rescale_previous_importance', where);
    const ifTopK = parseBoolField(f[15], 'if_topk', where);
    const topk = parseIntField(f[16], 'topk', where, -1);
    if (keysFetched > sentenceLength) throw new InputError(where, `key_fetch_num ${keysFetched} exceeds sentence_length_L ${sentenceLength}`);
    if (valuesFetched > keysFetched) throw new InputError(where, `value_fetch_num ${valuesFetched} exceeds key_fetch_num ${keysFetched}`);
    if (ifTopK && (topk < 0 || topk > sentenceLength)) throw new InputError(where, `if_topk is True but topk ${topk} is not in 0..sentence_length_L (${sentenceLength})`);
    if (!ifTopK && topk !== -1) throw new InputError(where, `topk must be -1 when if_topk is False, got ${topk}`);
    if (headDim === 0) headDim = d;
    let queries = queriesMode === 'one' ? 1 : sentenceLength;
    let refetchedQueries = ifRequant ? queries : 0;
    const x = WORKLOAD_CSV_COLUMNS.length; // first extension column
    if (extended) {
      queries = parseIntField(f[x], 'query_num', where, 0);
      if (queries > sentenceLength) throw new InputError(where, `query_num ${queries} exceeds sentence_length_L ${sentenceLength}`);
      refetchedQueries = parseIntField(f[x + 1], 'requant_query_num', where, 0);
      if (refetchedQueries > queries || (refetchedQueries > 0) !== ifRequant) throw new InputError(where, `requant_query_num ${refetchedQueries} disagrees with query_num ${queries} / if_requant ${f[9]}`);
      modelHeads = Math.max(modelHeads, parseIntField(f[x + 6], 'head_num', where, 1, L.head_id + 1));
      const ub = parseBitsField(f[x + 7], 'unquantized_bit', where);
      if (ub !== -1) unquantizedBits = ub;
      if (step < 0) promptPass = true;
      if (queries > 1) multiQuery = true;
    } else if (step < 0) {
      throw new InputError(where, 'iteration_id -1 (a prompt pass) needs the query_num column of an engine trace');
    }
    const row: TraceRow = {
      step,
      layer,
      head,
      headDim: d,
      sentenceLength,
      queries,
      keysFetched,
      valuesFetched,
      keyBits,
      valueBits,
      queryBits,
      requantThreshold: thr,
      lsbBits,
      refetchedQueries,
      accumulateImportance,
      rescaleImportance,
    };
    // The top-k selects among the tokens alive (the keys this layer fetched), except at a step's
    // last layer, where it picks the next step's layer-0 tokens from the whole context (the
    // authors' traces then give a topk larger than this row's key count).
    if (ifTopK) row.tokenTopK = { n: topk > keysFetched ? sentenceLength : keysFetched, k: topk };
    if (valuesFetched < keysFetched) row.localVTopK = { n: keysFetched, k: valuesFetched };
    if (extended) {
      const topkN = parseIntField(f[x + 2], 'topk_n', where, -1);
      const topkRounds = parseRounds(f[x + 3], 'topk_rounds', where);
      if (row.tokenTopK && topkN >= 0) row.tokenTopK = { n: topkN, k: topk, ...(topkRounds ? { roundSizes: topkRounds } : {}) };
      const localN = parseIntField(f[x + 4], 'local_topk_n', where, -1);
      const localRounds = parseRounds(f[x + 5], 'local_topk_rounds', where);
      if (localN >= 0) row.localVTopK = { n: localN, k: valuesFetched, ...(localRounds ? { roundSizes: localRounds } : {}) };
      else delete row.localVTopK;
    }
    rows.push(row);
    if (layer > maxLayer) maxLayer = layer;
    if (head > maxHead) maxHead = head;
  }
  if (rows.length === 0) throw new InputError(file, 'no workload rows after the header');
  const base = file.replace(/^.*[\\/]/, '').replace(/\.csv$/i, '');
  // An engine trace says its mode through its query counts: a prompt pass or one query per row
  // is generation, several queries at iteration 0 an encoder pass.
  const mode = extended ? (promptPass || !multiQuery ? 'generation' : 'encoder') : queriesMode === 'one' ? 'generation' : 'encoder';
  const heads = Math.max(maxHead + 1, modelHeads);
  return {
    version: 1,
    source: { kind: 'workload-csv', name: base },
    mode,
    model: { name: opts.modelName ?? base, layers: maxLayer + 1, heads, kvHeads: heads, headDim },
    ...(unquantizedBits !== undefined ? { unquantizedBits } : {}),
    rows,
  };
}
