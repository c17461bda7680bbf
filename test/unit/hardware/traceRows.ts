// Trace rows for the hand-checked timing tests: an 8-bit K/V row of one 64-dim head with its
// fields spelled out, overridden per test.
import type { TraceRow } from '../../../src/engine/trace/trace';

/** A row of `defaults` (then `p`) over 8 keys, one query, 8-bit K/V, 16-bit Q, no refetch. */
export function traceRow(p: Partial<TraceRow>, defaults: Partial<TraceRow> = {}): TraceRow {
  return {
    step: 0, layer: 0, head: 0, headDim: 64, sentenceLength: 8, queries: 1, keysFetched: 8, valuesFetched: 8,
    keyBits: 8, valueBits: 8, queryBits: 16, requantThreshold: -1, lsbBits: -1, refetchedQueries: 0,
    accumulateImportance: true, rescaleImportance: false, ...defaults, ...p,
  };
}
