// The columnar workload-CSV reader: the file's bytes -> typed-array columns (traceColumns.ts) in
// one pass, with no string per line or field and no regular expression per field: a million-row
// trace parses in a fraction of a second instead of seconds, with no per-row garbage.
//
// It accepts and refuses exactly what the schema allows (workloadCsvSchema.ts), with the same
// messages, in the same order of checks, as the row reader it replaced (test/oracle/workloadCsv.ts
// is that reader, kept as the test oracle): every byte-level check below mirrors one regular
// expression or Number() conversion of it. Field text is decoded only to put it in a message.
import { InputError } from '../errors';
import { ACCUMULATE_IMPORTANCE, allocateColumns, RESCALE_IMPORTANCE, type ColumnarTrace, type TraceColumns } from './traceColumns';
import { boolOf, COMMA, countLines, CR, intOf, NL, plainDecimalOf, roundsOf, wholeOf } from './csvFieldBytes';
import { readPlainRow } from './workloadCsvPlainRow';
import { EXTENDED_HEADER, EXTENSION_COLUMNS, HEADER, MAX_ROWS, WORKLOAD_CSV_COLUMNS, WORKLOAD_CSV_LIMITS, type ParseWorkloadOptions } from './workloadCsvSchema';

const ALL_COLUMNS: readonly string[] = [...WORKLOAD_CSV_COLUMNS, ...EXTENSION_COLUMNS];
const BASE = WORKLOAD_CSV_COLUMNS.length; // first extension column
// A field starting with a byte-order mark keeps it (only the file's first one is not text).
const fieldText = new TextDecoder('utf-8', { ignoreBOM: true });

/** A field named with its column number, for messages: "head_id (column 3)". */
function col(column: string): string {
  return `${column} (column ${ALL_COLUMNS.indexOf(column) + 1})`;
}

/** Parse the authors' workload CSV (bytes, UTF-8) into columns. Throws InputError naming file and line. */
export function readWorkloadCsvColumns(bytes: Uint8Array, opts: ParseWorkloadOptions): ColumnarTrace {
  const file = opts.fileName;
  const queriesMode = opts.queries ?? 'one';
  const b = bytes;
  const lineCount = countLines(b);
  if (lineCount === 0) throw new InputError(file, 'empty file: expected the workload CSV header');
  if (lineCount > MAX_ROWS) throw new InputError(file, `too many rows (${lineCount}, limit ${MAX_ROWS})`);
  let pos = b.indexOf(NL);
  let headerEnd = pos < 0 ? b.length : pos;
  if (headerEnd > 0 && b[headerEnd - 1] === CR) headerEnd--;
  // Spreadsheet exports may start with a UTF-8 byte-order mark.
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf && headerEnd >= 3 ? 3 : 0;
  const header = fieldText.decode(b.subarray(bom, headerEnd));
  const extended = header === EXTENDED_HEADER;
  if (header !== HEADER && !extended) {
    throw new InputError(`${file}:1`, `header must be exactly "${HEADER}" (optionally followed by ${EXTENSION_COLUMNS.join(',')})`);
  }
  const columns = extended ? BASE + EXTENSION_COLUMNS.length : BASE;
  const c = allocateColumns(lineCount - 1);
  const fs = new Int32Array(columns);
  const fe = new Int32Array(columns);
  const L = WORKLOAD_CSV_LIMITS;
  let lineNo = 1;
  const text = (f: number): string => fieldText.decode(b.subarray(fs[f], fe[f]));
  const fail = (message: string): never => {
    throw new InputError(`${file}:${lineNo}`, message);
  };
  const int = (f: number, column: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const v = intOf(b, fs[f], fe[f]);
    // Strict: digits with an optional sign; "993.0" is not a count.
    if (v !== v) fail(`${col(column)} must be an integer, got "${text(f)}"`);
    if (!Number.isSafeInteger(v) || v < min) fail(`${col(column)} must be an integer >= ${min}, got "${text(f)}"`);
    if (v > max) fail(`${col(column)} is ${text(f)}, over the limit of ${max}`);
    return v;
  };
  const bool = (f: number, column: string): boolean => {
    const v = boolOf(b, fs[f], fe[f]);
    if (v < 0) fail(`${column} must be True or False, got "${text(f)}"`);
    return v === 1;
  };
  const bits = (f: number, column: string): number => {
    const v = int(f, column, -1);
    if (v === 0 || v > 32) fail(`${column} must be -1 (unquantized) or 1..32 bits, got "${text(f)}"`);
    return v;
  };
  const rounds = (f: number, column: string): number => {
    if (fe[f] === fs[f]) return -1;
    const r = roundsOf(b, fs[f], fe[f]);
    if (!r) fail(`${column} must be round sizes separated by ';', got "${text(f).slice(0, 40)}"`);
    c.roundSizes.push(r as number[]);
    return c.roundSizes.length - 1;
  };
  let modelHeads = 0;
  let unquantizedBits: number | undefined;
  let promptPass = false;
  let multiQuery = false;
  let maxLayer = -1;
  let maxHead = -1;
  let headDim = 0;
  let n = 0;
  // pos: the newline ending the previous line (-1 once the last line had none).
  const sentenceQueries = queriesMode !== 'one';
  while (pos >= 0 && pos + 1 < b.length) {
    const s = pos + 1;
    lineNo++;
    // Plain rows of the authors' schema take the one-pass fast path; any other line (the extended
    // columns, an unusual form, an error) the general path below.
    const plainEnd = extended ? -1 : readPlainRow(b, s, c, n, sentenceQueries);
    if (plainEnd >= 0) {
      pos = plainEnd < b.length ? plainEnd : -1;
      if (headDim === 0) headDim = c.headDim[n];
      if (c.layer[n] > maxLayer) maxLayer = c.layer[n];
      if (c.head[n] > maxHead) maxHead = c.head[n];
      n++;
      continue;
    }
    let fields = 0;
    let start = s;
    let p = s;
    for (; p < b.length; p++) {
      const ch = b[p];
      if (ch === NL) break;
      if (ch !== COMMA) continue;
      if (fields < columns) {
        fs[fields] = start;
        fe[fields] = p;
      }
      fields++;
      start = p + 1;
    }
    pos = p < b.length ? p : -1;
    let e = p;
    if (e > s && b[e - 1] === CR) e--;
    if (fields < columns) {
      fs[fields] = start;
      fe[fields] = Math.max(start, e);
    }
    fields++;
    if (fields !== columns) fail(`expected ${columns} comma-separated fields, got ${fields}`);
    // The authors' trailing config line: a name in the first field, all others empty.
    if (e - fs[1] === columns - 2 && Number.isNaN(intOf(b, fs[0], fe[0]))) {
      if (lineNo !== lineCount) fail('a config line (empty fields) may only be the last line');
      continue;
    }
    const step = int(0, 'iteration_id', -1, L.iteration_id);
    const layer = int(1, 'layer_id', 0, L.layer_id);
    const head = int(2, 'head_id', 0, L.head_id);
    const d = wholeOf(b, fs[3], fe[3]);
    if (!Number.isInteger(d) || d <= 0) fail(`${col('embedding_length_D')} must be a positive whole number like 64.0, got "${text(3)}"`);
    if (d > L.embedding_length_D) fail(`${col('embedding_length_D')} is ${text(3)}, over the limit of ${L.embedding_length_D}`);
    // Fetch counts and topk are checked against L below, so L bounds them too.
    const sentenceLength = int(4, 'sentence_length_L', 1, L.sentence_length_L);
    const keysFetched = int(5, 'key_fetch_num', 0);
    const keyBits = bits(6, 'quant_key_bit');
    const queryBits = bits(7, 'quant_query_bit');
    let thr = plainDecimalOf(b, fs[8], fe[8]);
    if (thr !== thr && fe[8] > fs[8]) thr = Number(text(8));
    if (fe[8] === fs[8] || !Number.isFinite(thr) || (thr !== -1 && (thr < 0 || thr > 1))) {
      fail(`auto_requant_thres must be -1 or a probability in [0, 1], got "${text(8)}"`);
    }
    const ifRequant = bool(9, 'if_requant');
    const lsbBits = bits(10, 'auto_requant_incre');
    const valuesFetched = int(11, 'value_fetch_num', 0);
    const valueBits = bits(12, 'quant_value_bit');
    const accumulateImportance = bool(13, 'if_accumulate_importance');
    const rescaleImportance = bool(14, 'if_rescale_previous_importance');
    const ifTopK = bool(15, 'if_topk');
    const topk = int(16, 'topk', -1);
    if (keysFetched > sentenceLength) fail(`key_fetch_num ${keysFetched} exceeds sentence_length_L ${sentenceLength}`);
    if (valuesFetched > keysFetched) fail(`value_fetch_num ${valuesFetched} exceeds key_fetch_num ${keysFetched}`);
    if (ifTopK && (topk < 0 || topk > sentenceLength)) fail(`if_topk is True but topk ${topk} is not in 0..sentence_length_L (${sentenceLength})`);
    if (!ifTopK && topk !== -1) fail(`topk must be -1 when if_topk is False, got ${topk}`);
    if (headDim === 0) headDim = d;
    let queries = queriesMode === 'one' ? 1 : sentenceLength;
    let refetchedQueries = ifRequant ? queries : 0;
    if (extended) {
      queries = int(BASE, 'query_num', 0);
      if (queries > sentenceLength) fail(`query_num ${queries} exceeds sentence_length_L ${sentenceLength}`);
      refetchedQueries = int(BASE + 1, 'requant_query_num', 0);
      if (refetchedQueries > queries || (refetchedQueries > 0) !== ifRequant) fail(`requant_query_num ${refetchedQueries} disagrees with query_num ${queries} / if_requant ${text(9)}`);
      modelHeads = Math.max(modelHeads, int(BASE + 6, 'head_num', 1, L.head_id + 1));
      const ub = bits(BASE + 7, 'unquantized_bit');
      if (ub !== -1) unquantizedBits = ub;
      if (step < 0) promptPass = true;
      if (queries > 1) multiQuery = true;
    } else if (step < 0) {
      fail('iteration_id -1 (a prompt pass) needs the query_num column of an engine trace');
    }
    storeRow(c, n, step, layer, head, d, sentenceLength, queries, keysFetched, valuesFetched, keyBits, valueBits, queryBits, thr, lsbBits, refetchedQueries);
    c.flags[n] = (accumulateImportance ? ACCUMULATE_IMPORTANCE : 0) | (rescaleImportance ? RESCALE_IMPORTANCE : 0);
    // The top-k selects among the tokens alive (the keys this layer fetched), except at a step's
    // last layer, where it picks the next step's layer-0 tokens from the whole context (the
    // authors' traces then give a topk larger than this row's key count).
    c.tokenTopKK[n] = ifTopK ? topk : -1;
    c.tokenTopKN[n] = topk > keysFetched ? sentenceLength : keysFetched;
    c.tokenTopKRounds[n] = -1;
    c.localVTopKK[n] = valuesFetched < keysFetched ? valuesFetched : -1;
    c.localVTopKN[n] = keysFetched;
    c.localVTopKRounds[n] = -1;
    if (extended) {
      const topkN = int(BASE + 2, 'topk_n', -1);
      const topkRounds = rounds(BASE + 3, 'topk_rounds');
      if (ifTopK && topkN >= 0) {
        c.tokenTopKN[n] = topkN;
        c.tokenTopKRounds[n] = topkRounds;
      }
      const localN = int(BASE + 4, 'local_topk_n', -1);
      const localRounds = rounds(BASE + 5, 'local_topk_rounds');
      c.localVTopKK[n] = localN >= 0 ? valuesFetched : -1;
      c.localVTopKN[n] = localN;
      c.localVTopKRounds[n] = localRounds;
    }
    n++;
    if (layer > maxLayer) maxLayer = layer;
    if (head > maxHead) maxHead = head;
  }
  c.length = n;
  if (n === 0) throw new InputError(file, 'no workload rows after the header');
  // An engine trace says its mode through its query counts: a prompt pass or one query per row
  // is generation, several queries at iteration 0 an encoder pass.
  const mode = extended ? (promptPass || !multiQuery ? 'generation' : 'encoder') : queriesMode === 'one' ? 'generation' : 'encoder';
  return workloadTrace(c, opts, mode, { maxLayer, maxHead, modelHeads, headDim, unquantizedBits });
}

/** What the reader learnt of the model from the rows: largest layer and head, head_num, head dim, unquantized_bit. */
export interface ModelFacts {
  maxLayer: number;
  maxHead: number;
  modelHeads: number;
  headDim: number;
  unquantizedBits: number | undefined;
}

/** The ColumnarTrace of rows read from `opts.fileName`. */
export function workloadTrace(c: TraceColumns, opts: ParseWorkloadOptions, mode: 'generation' | 'encoder', facts: ModelFacts): ColumnarTrace {
  const { maxLayer, maxHead, modelHeads, headDim, unquantizedBits } = facts;
  const base = opts.fileName.replace(/^.*[\\/]/, '').replace(/\.csv$/i, '');
  const heads = Math.max(maxHead + 1, modelHeads);
  return {
    trace: {
      version: 1,
      source: { kind: 'workload-csv', name: base },
      mode,
      model: { name: opts.modelName ?? base, layers: maxLayer + 1, heads, kvHeads: heads, headDim },
      ...(unquantizedBits !== undefined ? { unquantizedBits } : {}),
    },
    columns: c,
  };
}

function storeRow(
  c: TraceColumns, i: number, step: number, layer: number, head: number, headDim: number, sentenceLength: number, queries: number,
  keysFetched: number, valuesFetched: number, keyBits: number, valueBits: number, queryBits: number, thr: number, lsbBits: number, refetchedQueries: number,
): void {
  c.step[i] = step;
  c.layer[i] = layer;
  c.head[i] = head;
  c.headDim[i] = headDim;
  c.sentenceLength[i] = sentenceLength;
  c.queries[i] = queries;
  c.keysFetched[i] = keysFetched;
  c.valuesFetched[i] = valuesFetched;
  c.keyBits[i] = keyBits;
  c.valueBits[i] = valueBits;
  c.queryBits[i] = queryBits;
  c.requantThreshold[i] = thr;
  c.lsbBits[i] = lsbBits;
  c.refetchedQueries[i] = refetchedQueries;
}
