// The workload-CSV reader's fast path: one row of the authors' 17 columns read in a single pass
// over its bytes, each field's value accumulated as its digits go by, straight into the columns.
// The general path (workloadCsvReader.ts) finds the 17 fields first and then reads each one again;
// on a million-row trace that second pass, and the checks' function calls, were most of the parse.
//
// It takes only rows whose every field has its plain form (digits; "-1" where -1 is allowed;
// "64.0"; True/False; a threshold plainDecimalOf vouches for) and that pass every check of the
// general path. Anything else, including every row the general path would refuse, returns -1 and
// the general path reads the row, so messages, and what is accepted, stay exactly its own. The
// values stored are the general path's: the same digits accumulate to the same numbers, and the
// threshold goes through the same plainDecimalOf.
import { COMMA, CR, DOT, MINUS, NL, plainDecimalOf, ZERO } from './csvFieldBytes';
import { ACCUMULATE_IMPORTANCE, RESCALE_IMPORTANCE, type TraceColumns } from './traceColumns';
import { WORKLOAD_CSV_LIMITS as L } from './workloadCsvSchema';

/** Returned for a field the fast path does not take (every valid value is >= -1). */
const NO = -2;
/** Digits beyond this may not be exact; the general path then decides (its limits are far lower anyway). */
const MAX_DIGITS = 15;

// The cursor of the row being read (module state: the readers below advance it, and a row is read
// start to end with no other caller in between).
let at = 0;

// Where the digits digits() read end.
let digitsEnd = 0;

// The last row read here: its bytes, columns and row, and where its fields after head_id start
// and its line ends. A (step, layer)'s rows differ only in head_id (the authors' files, the
// engine's), so a row whose bytes from D on equal the last row's takes that row's values: the
// same bytes read the same, and pass the same checks (none of those fields is checked against
// step, layer or head). Comparing the bytes costs a third of reading the fields.
let lastBytes: Uint8Array | undefined;
let lastColumns: TraceColumns | undefined;
let lastRow = -1;
let lastTail = 0;
let lastEnd = 0;
// lastBytes as 4-byte words (DataView reads are inlined: a quarter of the compares of a byte loop).
let lastView: DataView = new DataView(new ArrayBuffer(0));

/** The digits at the cursor (the cursor stays): their value, or NO when there are none or too many; digitsEnd after them. */
function digits(b: Uint8Array): number {
  const s = at;
  let p = s;
  let v = 0;
  for (; p < b.length; p++) {
    const d = b[p] - ZERO;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  digitsEnd = p;
  return p === s || p - s > MAX_DIGITS ? NO : v;
}

/** Unsigned digits at the cursor, at most `max`, followed by a comma (skipped); else NO. */
function uintField(b: Uint8Array, max: number): number {
  const v = digits(b);
  if (v === NO || v > max || b[digitsEnd] !== COMMA) return NO;
  at = digitsEnd + 1;
  return v;
}

/** "-1", or unsigned digits at most `max`, followed by a comma; else NO. */
function minusOneOrUintField(b: Uint8Array, max: number): number {
  if (b[at] !== MINUS) return uintField(b, max);
  if (b[at + 1] !== 49 || b[at + 2] !== COMMA) return NO; // "1" then ","
  at += 3;
  return -1;
}

/** A bit width: -1 or 1..32, followed by a comma; else NO. */
function bitsField(b: Uint8Array): number {
  const v = minusOneOrUintField(b, 32);
  return v === 0 ? NO : v;
}

/** "True" -> 1, "False" -> 0, followed by a comma; else NO. */
function boolField(b: Uint8Array): number {
  const s = at;
  if (b[s] === 84 && b[s + 1] === 114 && b[s + 2] === 117 && b[s + 3] === 101 && b[s + 4] === COMMA) {
    at = s + 5;
    return 1;
  }
  if (b[s] === 70 && b[s + 1] === 97 && b[s + 2] === 108 && b[s + 3] === 115 && b[s + 4] === 101 && b[s + 5] === COMMA) {
    at = s + 6;
    return 0;
  }
  return NO;
}

/** A whole number like "64" or "64.0" (/^\d+(\.0+)?$/), 1..max, followed by a comma; else NO. */
function wholeField(b: Uint8Array, max: number): number {
  const v = digits(b);
  if (v === NO || v < 1 || v > max) return NO;
  let p = digitsEnd;
  if (b[p] === DOT) {
    const z = ++p;
    while (b[p] === ZERO) p++;
    if (p === z) return NO;
  }
  if (b[p] !== COMMA) return NO;
  at = p + 1;
  return v;
}

/** The requant threshold: -1 or a probability in [0, 1] that plainDecimalOf reads, followed by a comma; else NaN. */
function thresholdField(b: Uint8Array): number {
  const s = at;
  let p = s;
  while (p < b.length && b[p] !== COMMA && b[p] !== NL) p++;
  if (p === s || b[p] !== COMMA) return NaN;
  const v = plainDecimalOf(b, s, p);
  if (v !== -1 && !(v >= 0 && v <= 1)) return NaN;
  at = p + 1;
  return v;
}

/**
 * Read the plain row starting at b[s] into row n of the columns (queries per row: the sentence
 * length when `sentenceQueries`, else 1). Returns the index of the byte ending the line (its
 * newline, or b.length), or -1 when the general path must read it.
 */
export function readPlainRow(b: Uint8Array, s: number, c: TraceColumns, n: number, sentenceQueries: boolean): number {
  at = s;
  const step = uintField(b, L.iteration_id); // a prompt pass (-1) needs the extended columns
  if (step === NO) return -1;
  const layer = uintField(b, L.layer_id);
  if (layer === NO) return -1;
  const head = uintField(b, L.head_id);
  if (head === NO) return -1;
  const tail = at;
  if (b === lastBytes && c === lastColumns && lastRow === n - 1) {
    const end = sameTailEnd(b, tail);
    if (end >= 0) {
      c.step[n] = step;
      c.layer[n] = layer;
      c.head[n] = head;
      copyTail(c, n - 1, n);
      return remember(b, c, n, tail, end);
    }
  }
  const d = wholeField(b, L.embedding_length_D);
  if (d === NO) return -1;
  const sentenceLength = uintField(b, L.sentence_length_L);
  if (sentenceLength === NO || sentenceLength < 1) return -1;
  const keysFetched = uintField(b, sentenceLength);
  if (keysFetched === NO) return -1;
  const keyBits = bitsField(b);
  if (keyBits === NO) return -1;
  const queryBits = bitsField(b);
  if (queryBits === NO) return -1;
  const thr = thresholdField(b);
  if (thr !== thr) return -1;
  const ifRequant = boolField(b);
  if (ifRequant === NO) return -1;
  const lsbBits = bitsField(b);
  if (lsbBits === NO) return -1;
  const valuesFetched = uintField(b, keysFetched);
  if (valuesFetched === NO) return -1;
  const valueBits = bitsField(b);
  if (valueBits === NO) return -1;
  const accumulate = boolField(b);
  if (accumulate === NO) return -1;
  const rescale = boolField(b);
  if (rescale === NO) return -1;
  const ifTopK = boolField(b);
  if (ifTopK === NO) return -1;
  // The last field: "-1" or digits, then the line's end (a newline, CR newline, a final CR, or the file's end).
  let p = at + 2;
  let topk = -1;
  if (b[at] !== MINUS || b[at + 1] !== 49) {
    topk = digits(b);
    if (topk === NO) return -1;
    p = digitsEnd;
  }
  if (p < b.length && b[p] === CR) p++;
  if (p < b.length && b[p] !== NL) return -1;
  if (ifTopK === 1 ? topk < 0 || topk > sentenceLength : topk !== -1) return -1;
  const queries = sentenceQueries ? sentenceLength : 1;
  c.step[n] = step;
  c.layer[n] = layer;
  c.head[n] = head;
  c.headDim[n] = d;
  c.sentenceLength[n] = sentenceLength;
  c.queries[n] = queries;
  c.keysFetched[n] = keysFetched;
  c.valuesFetched[n] = valuesFetched;
  c.keyBits[n] = keyBits;
  c.valueBits[n] = valueBits;
  c.queryBits[n] = queryBits;
  c.requantThreshold[n] = thr;
  c.lsbBits[n] = lsbBits;
  c.refetchedQueries[n] = ifRequant === 1 ? queries : 0;
  c.flags[n] = (accumulate === 1 ? ACCUMULATE_IMPORTANCE : 0) | (rescale === 1 ? RESCALE_IMPORTANCE : 0);
  // As the general path: the token top-k picks among the keys fetched, or the whole context when its k is larger.
  c.tokenTopKK[n] = ifTopK === 1 ? topk : -1;
  c.tokenTopKN[n] = topk > keysFetched ? sentenceLength : keysFetched;
  c.tokenTopKRounds[n] = -1;
  c.localVTopKK[n] = valuesFetched < keysFetched ? valuesFetched : -1;
  c.localVTopKN[n] = keysFetched;
  c.localVTopKRounds[n] = -1;
  return remember(b, c, n, tail, p);
}

/** Note row n (its fields from D on at b[tail, end)) as the last row read; returns end. */
function remember(b: Uint8Array, c: TraceColumns, n: number, tail: number, end: number): number {
  if (b !== lastBytes) lastView = new DataView(b.buffer, b.byteOffset, b.byteLength);
  lastBytes = b;
  lastColumns = c;
  lastRow = n;
  lastTail = tail;
  lastEnd = end;
  return end;
}

/** Where the line ends when b[tail ..] holds the last row's bytes from D on, then a line end; else -1. */
function sameTailEnd(b: Uint8Array, tail: number): number {
  const len = lastEnd - lastTail;
  const end = tail + len;
  if (end > b.length || (end < b.length && b[end] !== NL)) return -1;
  const v = lastView;
  let i = 0;
  for (; i + 4 <= len; i += 4) if (v.getInt32(tail + i) !== v.getInt32(lastTail + i)) return -1;
  for (; i < len; i++) if (b[tail + i] !== b[lastTail + i]) return -1;
  return end;
}

/** Row `from`'s values of the fields from D on, into row `to`. */
function copyTail(c: TraceColumns, from: number, to: number): void {
  c.headDim[to] = c.headDim[from];
  c.sentenceLength[to] = c.sentenceLength[from];
  c.queries[to] = c.queries[from];
  c.keysFetched[to] = c.keysFetched[from];
  c.valuesFetched[to] = c.valuesFetched[from];
  c.keyBits[to] = c.keyBits[from];
  c.valueBits[to] = c.valueBits[from];
  c.queryBits[to] = c.queryBits[from];
  c.requantThreshold[to] = c.requantThreshold[from];
  c.lsbBits[to] = c.lsbBits[from];
  c.refetchedQueries[to] = c.refetchedQueries[from];
  c.flags[to] = c.flags[from];
  c.tokenTopKK[to] = c.tokenTopKK[from];
  c.tokenTopKN[to] = c.tokenTopKN[from];
  c.tokenTopKRounds[to] = c.tokenTopKRounds[from];
  c.localVTopKK[to] = c.localVTopKK[from];
  c.localVTopKN[to] = c.localVTopKN[from];
  c.localVTopKRounds[to] = c.localVTopKRounds[from];
}
