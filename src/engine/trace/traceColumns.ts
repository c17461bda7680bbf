// A Trace's rows as columns (one typed array per field) instead of one TraceRow object per row:
// what the columnar workload-CSV reader fills and the cycle model reads. A million-row trace is a
// few dozen MB of typed arrays rather than a million objects for the garbage collector to trace.
//
// Counts and bit widths are int32 (the CSV limits keep them far below 2^31; engine traces too).
// The top-k sizes n are float64 because the CSV extension's topk_n is an unbounded count.
// Measured quick-select rounds are rare (engine traces only) and stay arrays, referenced by index.
import type { TopKCall, Trace, TraceRow } from './trace';

/** Bits of TraceColumns.flags. */
export const ACCUMULATE_IMPORTANCE = 1;
export const RESCALE_IMPORTANCE = 2;

export interface TraceColumns {
  length: number;
  step: Int32Array;
  layer: Int32Array;
  head: Int32Array;
  headDim: Int32Array;
  sentenceLength: Int32Array;
  queries: Int32Array;
  keysFetched: Int32Array;
  valuesFetched: Int32Array;
  keyBits: Int32Array;
  valueBits: Int32Array;
  queryBits: Int32Array;
  lsbBits: Int32Array;
  refetchedQueries: Int32Array;
  requantThreshold: Float64Array;
  /** ACCUMULATE_IMPORTANCE | RESCALE_IMPORTANCE. */
  flags: Uint8Array;
  /** Token top-k after the row: k (-1 = none), n, and its measured rounds (index into roundSizes, -1 = estimated). */
  tokenTopKK: Int32Array;
  tokenTopKN: Float64Array;
  tokenTopKRounds: Int32Array;
  /** Local V top-k of the row, as the token top-k. */
  localVTopKK: Int32Array;
  localVTopKN: Float64Array;
  localVTopKRounds: Int32Array;
  roundSizes: number[][];
}

/** The trace without its rows, and the rows as columns. */
export interface ColumnarTrace {
  trace: Omit<Trace, 'rows'>;
  columns: TraceColumns;
}

export function allocateColumns(capacity: number): TraceColumns {
  const i32 = (): Int32Array => new Int32Array(capacity);
  return {
    length: 0,
    step: i32(),
    layer: i32(),
    head: i32(),
    headDim: i32(),
    sentenceLength: i32(),
    queries: i32(),
    keysFetched: i32(),
    valuesFetched: i32(),
    keyBits: i32(),
    valueBits: i32(),
    queryBits: i32(),
    lsbBits: i32(),
    refetchedQueries: i32(),
    requantThreshold: new Float64Array(capacity),
    flags: new Uint8Array(capacity),
    tokenTopKK: i32(),
    tokenTopKN: new Float64Array(capacity),
    tokenTopKRounds: i32(),
    localVTopKK: i32(),
    localVTopKN: new Float64Array(capacity),
    localVTopKRounds: i32(),
    roundSizes: [],
  };
}

function int32(v: number, field: string, row: number): number {
  if ((v | 0) !== v) throw new RangeError(`trace row ${row}: ${field} ${v} is not a 32-bit integer`);
  return v;
}

function storeCall(call: TopKCall | undefined, row: number, k: Int32Array, n: Float64Array, rounds: Int32Array, roundSizes: number[][], field: string): void {
  if (!call) {
    k[row] = -1;
    rounds[row] = -1;
    return;
  }
  k[row] = int32(call.k, `${field}.k`, row);
  n[row] = call.n;
  if (call.roundSizes) {
    rounds[row] = roundSizes.length;
    roundSizes.push(call.roundSizes);
  } else rounds[row] = -1;
}

/** A Trace's rows as columns (the rows' own round arrays are shared, not copied). Throws RangeError on a non-int32 count. */
export function columnsFromTrace(trace: Trace): ColumnarTrace {
  const { rows, ...rest } = trace;
  const c = allocateColumns(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    c.step[i] = int32(r.step, 'step', i);
    c.layer[i] = int32(r.layer, 'layer', i);
    c.head[i] = int32(r.head, 'head', i);
    c.headDim[i] = int32(r.headDim, 'headDim', i);
    c.sentenceLength[i] = int32(r.sentenceLength, 'sentenceLength', i);
    c.queries[i] = int32(r.queries, 'queries', i);
    c.keysFetched[i] = int32(r.keysFetched, 'keysFetched', i);
    c.valuesFetched[i] = int32(r.valuesFetched, 'valuesFetched', i);
    c.keyBits[i] = int32(r.keyBits, 'keyBits', i);
    c.valueBits[i] = int32(r.valueBits, 'valueBits', i);
    c.queryBits[i] = int32(r.queryBits, 'queryBits', i);
    c.lsbBits[i] = int32(r.lsbBits, 'lsbBits', i);
    c.refetchedQueries[i] = int32(r.refetchedQueries, 'refetchedQueries', i);
    c.requantThreshold[i] = r.requantThreshold;
    c.flags[i] = (r.accumulateImportance ? ACCUMULATE_IMPORTANCE : 0) | (r.rescaleImportance ? RESCALE_IMPORTANCE : 0);
    storeCall(r.tokenTopK, i, c.tokenTopKK, c.tokenTopKN, c.tokenTopKRounds, c.roundSizes, 'tokenTopK');
    storeCall(r.localVTopK, i, c.localVTopKK, c.localVTopKN, c.localVTopKRounds, c.roundSizes, 'localVTopK');
  }
  c.length = rows.length;
  return { trace: rest, columns: c };
}

function callAt(k: number, n: number, rounds: number, roundSizes: number[][]): TopKCall {
  return rounds >= 0 ? { n, k, roundSizes: roundSizes[rounds] } : { n, k };
}

/** Row i as a TraceRow object (the properties in the order the CSV reader always created them). */
export function rowAt(c: TraceColumns, i: number): TraceRow {
  const row: TraceRow = {
    step: c.step[i],
    layer: c.layer[i],
    head: c.head[i],
    headDim: c.headDim[i],
    sentenceLength: c.sentenceLength[i],
    queries: c.queries[i],
    keysFetched: c.keysFetched[i],
    valuesFetched: c.valuesFetched[i],
    keyBits: c.keyBits[i],
    valueBits: c.valueBits[i],
    queryBits: c.queryBits[i],
    requantThreshold: c.requantThreshold[i],
    lsbBits: c.lsbBits[i],
    refetchedQueries: c.refetchedQueries[i],
    accumulateImportance: (c.flags[i] & ACCUMULATE_IMPORTANCE) !== 0,
    rescaleImportance: (c.flags[i] & RESCALE_IMPORTANCE) !== 0,
  };
  if (c.tokenTopKK[i] >= 0) row.tokenTopK = callAt(c.tokenTopKK[i], c.tokenTopKN[i], c.tokenTopKRounds[i], c.roundSizes);
  if (c.localVTopKK[i] >= 0) row.localVTopK = callAt(c.localVTopKK[i], c.localVTopKN[i], c.localVTopKRounds[i], c.roundSizes);
  return row;
}

/** The whole trace with one TraceRow per row. */
export function traceFromColumns(ct: ColumnarTrace): Trace {
  const rows: TraceRow[] = new Array(ct.columns.length);
  for (let i = 0; i < rows.length; i++) rows[i] = rowAt(ct.columns, i);
  const { layerSteps, ...rest } = ct.trace;
  return { ...rest, rows, ...(layerSteps !== undefined ? { layerSteps } : {}) };
}

/** One TraceRow object refilled from the columns row after row (no object per row). */
export interface RowView {
  row: TraceRow;
  tokenTopK: TopKCall;
  localVTopK: TopKCall;
}

export function newRowView(): RowView {
  const view = { ...rowAt(allocateColumns(1), 0), tokenTopK: undefined, localVTopK: undefined };
  return { row: view, tokenTopK: { n: 0, k: 0, roundSizes: undefined }, localVTopK: { n: 0, k: 0, roundSizes: undefined } };
}

/** A row's top-k call from its columns (k < 0: none), written into `into`. */
export function loadCall(k: number, n: number, rounds: number, roundSizes: number[][], into: TopKCall): TopKCall | undefined {
  if (k < 0) return undefined;
  into.k = k;
  into.n = n;
  into.roundSizes = rounds >= 0 ? roundSizes[rounds] : undefined;
  return into;
}
