// A workload CSV's text parsed into a Trace (test-only: the product reads files,
// readWorkloadCsvFile / readWorkloadCsvColumnsFile). Throws InputError naming file and line.
import type { Trace } from '../../../src/engine/trace/trace';
import { traceFromColumns } from '../../../src/engine/trace/traceColumns';
import { readWorkloadCsvColumns } from '../../../src/engine/trace/workloadCsvReader';
import type { ParseWorkloadOptions } from '../../../src/engine/trace/workloadCsvSchema';

export function parseWorkloadCsv(text: string, opts: ParseWorkloadOptions): Trace {
  return traceFromColumns(readWorkloadCsvColumns(Buffer.from(text, 'utf8'), opts));
}
