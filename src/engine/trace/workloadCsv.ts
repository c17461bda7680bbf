// The SpAtten authors' workload CSV (schema: workloadCsvSchema.ts) <-> Trace. Reading goes through
// the columnar reader (workloadCsvReader.ts); a Trace's row objects are made from its columns.
// Writing follows the authors' formatting exactly (see the schema's comment).
import { INPUT_FILE_KINDS, readBoundedFileSync, type ReadOptions } from '../files/boundedRead';
import { traceFromColumns, type ColumnarTrace } from './traceColumns';
import type { Trace } from './trace';
import { readPlainWorkloadCsvInChunks } from './workloadCsvChunks';
import { readWorkloadCsvColumns } from './workloadCsvReader';
import { EXTENDED_HEADER, HEADER, type ParseWorkloadOptions } from './workloadCsvSchema';

/** Python's str(float) for the values these files hold: 64 -> "64.0", 0.05 -> "0.05". */
function pyFloat(v: number): string {
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

function pyBool(b: boolean): string {
  return b ? 'True' : 'False';
}

/**
 * Write a Trace in the authors' schema (header + one line per row, '\n' line ends, final newline;
 * no trailing config line), followed by the EXTENSION_COLUMNS unless `authorsOnly`. Rows are
 * written in the trace's order.
 */
export function writeWorkloadCsv(trace: Trace, authorsOnly = false): string {
  const out: string[] = [authorsOnly ? HEADER : EXTENDED_HEADER];
  const rounds = (r: number[] | undefined): string => (r ? r.join(';') : '');
  for (const r of trace.rows) {
    // Thresholds are written as Python prints them: -1 as "-1" (an int in the authors' files), 0.05 as "0.05".
    const thr = r.requantThreshold === -1 ? '-1' : String(r.requantThreshold);
    out.push(
      [
        r.step,
        r.layer,
        r.head,
        pyFloat(r.headDim),
        r.sentenceLength,
        r.keysFetched,
        r.keyBits,
        r.queryBits,
        thr,
        pyBool(r.refetchedQueries > 0),
        r.lsbBits,
        r.valuesFetched,
        r.valueBits,
        pyBool(r.accumulateImportance),
        pyBool(r.rescaleImportance),
        pyBool(r.tokenTopK !== undefined),
        r.tokenTopK ? r.tokenTopK.k : -1,
        ...(authorsOnly
          ? []
          : [
              r.queries,
              r.refetchedQueries,
              r.tokenTopK ? r.tokenTopK.n : -1,
              rounds(r.tokenTopK?.roundSizes),
              r.localVTopK ? r.localVTopK.n : -1,
              rounds(r.localVTopK?.roundSizes),
              trace.model.heads,
              trace.unquantizedBits ?? -1,
            ]),
      ].join(','),
    );
  }
  return out.join('\n') + '\n';
}

/** How a workload CSV file is opened: the message when it is missing. */
export const WORKLOAD_CSV_READ_OPTIONS: ReadOptions = { notFound: 'cannot read the workload CSV (no such file)' };

/**
 * Read a workload CSV file into columns (the cycle model's input: no object per row); a missing,
 * oversized or malformed file is an InputError.
 */
export function readWorkloadCsvColumnsFile(path: string, opts: Omit<ParseWorkloadOptions, 'fileName'> = {}): ColumnarTrace {
  const readOpts = WORKLOAD_CSV_READ_OPTIONS;
  // Plain files (the authors' columns, every row in its usual form) in pieces; anything else whole.
  const plain = readPlainWorkloadCsvInChunks(path, { ...opts, fileName: path }, readOpts);
  if (plain) return plain;
  const bytes = readBoundedFileSync(path, INPUT_FILE_KINDS.workloadCsv, readOpts);
  // The file's own byte-order mark is not text (the text decoder drops it too); the reader drops a second one, as a spreadsheet may add.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return readWorkloadCsvColumns(bytes.subarray(bom), { ...opts, fileName: path });
}

/** Read and parse a workload CSV file into a Trace; a missing, oversized or malformed file is an InputError. */
export function readWorkloadCsvFile(path: string, opts: Omit<ParseWorkloadOptions, 'fileName'> = {}): Trace {
  return traceFromColumns(readWorkloadCsvColumnsFile(path, opts));
}
