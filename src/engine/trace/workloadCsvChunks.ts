// A workload-CSV file of plain rows read in 1 MiB pieces through one reused buffer, instead of
// the whole file in memory at once. On this kind of machine every fresh page of memory costs
// (a first-touch fault: about 4 ms of CPU per MB measured here), so a 67 MB trace read whole cost
// a quarter of a second before a row was parsed; in pieces it touches 1 MB, and a window of
// columns for a piece's rows (~2 MB; 4 MiB pieces needed ~9 MB, and were no faster to read).
//
// Only the common case: the authors' 17-column header and rows the one-pass reader takes
// (workloadCsvPlainRow.ts), with at most the authors' trailing config line. Anything else
// (an extended header, a byte-order mark, any row the fast path declines, every error) returns
// undefined, and the caller reads the file whole with the general reader, which gives every
// message. The file's own checks (missing, not regular, over the size cap) come first and throw
// as a whole read would.
import * as fs from 'node:fs';
import { INPUT_FILE_KINDS, openBoundedFileSync, type ReadOptions } from '../files/boundedRead';
import { COMMA, CR, intOf, NL } from './csvFieldBytes';
import { allocateColumns, type ColumnarTrace, type TraceColumns } from './traceColumns';
import { readPlainRow } from './workloadCsvPlainRow';
import { workloadTrace } from './workloadCsvReader';
import { HEADER, MAX_ROWS, WORKLOAD_CSV_COLUMNS, type ParseWorkloadOptions } from './workloadCsvSchema';

const CHUNK_BYTES = 1 << 20;
const LEFT_BEHIND_ROWS = 2048;
// The shortest line the fast path takes: 13 one-digit fields, four "True", 16 commas and a newline.
const SHORTEST_ROW_BYTES = 46;
const HEADER_BYTES = new TextEncoder().encode(HEADER);

/** End of the authors' trailing config line at b[s] (a name, then 16 empty fields), or -1. */
function configLineEnd(b: Uint8Array, s: number): number {
  let comma = s;
  while (comma < b.length && b[comma] !== COMMA && b[comma] !== NL) comma++;
  if (b[comma] !== COMMA || !Number.isNaN(intOf(b, s, comma))) return -1;
  let p = comma + 1;
  for (let f = 2; f < WORKLOAD_CSV_COLUMNS.length; f++, p++) if (b[p] !== COMMA) return -1;
  if (p < b.length && b[p] === CR) p++;
  return p >= b.length || b[p] === NL ? p : -1;
}

/**
 * Where the rows read go: a window of columns, rows [0, n) read and not yet taken. After each piece
 * of the file, `take` gets the window and returns how many leading rows it is done with (they leave
 * the window, the rest move to its front), or -1 to stop reading (the read then returns undefined).
 * `eof`: these are the file's last rows. `fraction`: of the file's bytes read.
 */
export type PlainRowSink = (c: TraceColumns, n: number, eof: boolean, fraction: number) => number;

/** The read buffer's size (default 1 MiB; tests use small ones to cross many piece boundaries) and the window's first size in rows. */
export interface WindowSizing {
  chunkBytes?: number;
  initialRows?: (fileSize: number) => number;
}

/** What a streamed read learnt: the trace without its rows (its columns the window's leftover rows), and how many rows it had. */
export interface StreamedWorkloadCsv {
  trace: ColumnarTrace;
  rows: number;
}

/** Columns for `capacity` rows holding the first `n` rows of `c`. */
function widened(c: TraceColumns, n: number, capacity: number): TraceColumns {
  const w = allocateColumns(capacity);
  for (const k of COLUMN_KEYS) w[k].set(c[k].subarray(0, n));
  return w;
}

// The typed-array columns a plain row fills (its round sizes are never measured: roundSizes stays empty).
const COLUMN_KEYS = (Object.keys(allocateColumns(0)) as (keyof TraceColumns)[]).filter((k) => k !== 'length' && k !== 'roundSizes') as TypedColumnKey[];
type TypedColumnKey = Exclude<keyof TraceColumns, 'length' | 'roundSizes'>;

/** What the lines read so far told: lines, rows in the window (n) and in all, the header and config line seen, the largest layer and head, the head dim. */
interface LineState {
  lines: number;
  n: number;
  rows: number;
  headerSeen: boolean;
  configSeen: boolean;
  maxLayer: number;
  maxHead: number;
  headDim: number;
}

/**
 * Read the lines of b (whole lines) into the window's columns from row st.n on; returns the
 * window's rows after them, or -1 when a line is not plain (the general reader must read the
 * file). A function of its own, not a loop inside the piece loop: V8 compiles a hot loop on its
 * own and keeps that code for the next call, and code after the loop that had not run when it was
 * compiled sent it back to the interpreter there, piece after piece. So nothing runs after this
 * loop but the return: st's fields are written inside it (the caller sets st.n).
 */
function readLines(b: Uint8Array, c: TraceColumns, st: LineState, sentenceQueries: boolean): number {
  let n = st.n;
  let s = 0;
  while (s < b.length) {
    st.lines++;
    let end: number;
    if (!st.headerSeen) {
      // The authors' header exactly, no byte-order mark, '\n' or '\r\n' after it.
      let e = 0;
      while (e < HEADER_BYTES.length && b[e] === HEADER_BYTES[e]) e++;
      if (e < HEADER_BYTES.length) return -1;
      if (b[e] === CR) e++;
      if (e < b.length && b[e] !== NL) return -1;
      st.headerSeen = true;
      end = e;
    } else if (st.configSeen) {
      return -1; // a line after the config line
    } else {
      end = readPlainRow(b, s, c, n, sentenceQueries);
      if (end >= 0) {
        if (st.headDim === 0) st.headDim = c.headDim[n];
        if (c.layer[n] > st.maxLayer) st.maxLayer = c.layer[n];
        if (c.head[n] > st.maxHead) st.maxHead = c.head[n];
        n++;
        st.rows++;
      } else {
        end = configLineEnd(b, s);
        if (end < 0) return -1;
        st.configSeen = true;
      }
    }
    s = end + 1;
  }
  return n;
}

/** The file's rows as columns when every row is plain (see the top), else undefined. */
export function readPlainWorkloadCsvInChunks(file: string, opts: ParseWorkloadOptions, readOpts: ReadOptions): ColumnarTrace | undefined {
  // Nothing is taken: the window holds every row, sized from the file so that it never grows.
  return streamPlainWorkloadCsv(file, opts, readOpts, () => 0, { initialRows: (size) => Math.floor(size / SHORTEST_ROW_BYTES) + 1 })?.trace;
}

/**
 * The file's plain rows (see the top) handed to `take` piece by piece, through a window of
 * columns that holds only what `take` has not taken yet (a few pieces' rows when it takes them as
 * they come). Undefined when a row is not plain, or `take` stops.
 */
export function streamPlainWorkloadCsv(
  file: string,
  opts: ParseWorkloadOptions,
  readOpts: ReadOptions,
  take: PlainRowSink,
  sizing: WindowSizing = {},
): StreamedWorkloadCsv | undefined {
  const chunkBytes = sizing.chunkBytes ?? CHUNK_BYTES;
  // A piece's rows and the rows `take` may leave behind (a group or two: up to 1024 heads each), so
  // the window never grows on a plain trace; never more than the whole file can hold. (It grew once,
  // to twice its size, at the second piece: 17 MB more of fresh columns to touch, ~70 ms.)
  const initialRows = sizing.initialRows ?? ((size: number) => Math.min(Math.floor(size / SHORTEST_ROW_BYTES) + 1, Math.ceil(chunkBytes / SHORTEST_ROW_BYTES) + 1 + LEFT_BEHIND_ROWS));
  const { fd, size } = openBoundedFileSync(file, INPUT_FILE_KINDS.workloadCsv, readOpts);
  try {
    // Rows never outnumber bytes / SHORTEST_ROW_BYTES; pages of the columns past the rows stay untouched.
    let c = allocateColumns(initialRows(size));
    const sentenceQueries = (opts.queries ?? 'one') !== 'one';
    const buf = new Uint8Array(chunkBytes);
    let have = 0; // bytes in buf
    let total = 0; // bytes read
    const st: LineState = { lines: 0, n: 0, rows: 0, headerSeen: false, configSeen: false, maxLayer: -1, maxHead: -1, headDim: 0 };
    for (;;) {
      const got = fs.readSync(fd, buf, have, buf.length - have, null);
      total += got;
      if (total > size) return undefined; // grew while read: the whole read says so
      have += got;
      const eof = got === 0;
      // Complete lines only, unless the file ended: a row cut at the buffer's end must not parse as a last line.
      const lastNl = eof ? have - 1 : buf.lastIndexOf(NL, have - 1);
      if (lastNl < 0) {
        if (!eof && have === buf.length) return undefined; // a line longer than the buffer
        if (!eof) continue;
      }
      const b = buf.subarray(0, lastNl + 1);
      const room = st.n + Math.floor(b.length / SHORTEST_ROW_BYTES) + 1;
      if (room > c.step.length) c = widened(c, st.n, Math.max(room, 2 * c.step.length));
      const n = readLines(b, c, st, sentenceQueries);
      if (n < 0) return undefined;
      st.n = n;
      const { lines } = st;
      // The file's checks come before a row is taken: the whole read gives their messages.
      if (lines > MAX_ROWS) return undefined;
      c.length = n;
      const taken = take(c, n, eof, size > 0 ? Math.min(1, total / size) : 1);
      if (taken < 0) return undefined;
      if (taken > 0) {
        for (const k of COLUMN_KEYS) c[k].copyWithin(0, taken, n);
        st.n -= taken;
        c.length = st.n;
      }
      if (eof) break;
      // Keep the partial line for the next read.
      buf.copyWithin(0, lastNl + 1, have);
      have -= lastNl + 1;
    }
    if (st.rows === 0) return undefined;
    const { maxLayer, maxHead, headDim } = st;
    const trace = workloadTrace(c, opts, sentenceQueries ? 'encoder' : 'generation', { maxLayer, maxHead, modelHeads: 0, headDim, unquantizedBits: undefined });
    return { trace, rows: st.rows };
  } finally {
    fs.closeSync(fd);
  }
}
