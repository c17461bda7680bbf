// The dense baseline of a trace: the same workload (same steps, layers, context lengths) on the same
// hardware with pruning and quantization off: every head present, every query row computed, every
// key and value of the context fetched, tensors at the dense precision, no refetch, no top-k.
//
// Query rows: a pruned encoder (or prompt pass) computes only its alive tokens' queries; the dense
// run computes all of them, sentence_length_L per head. A decode step has one query either way.
import type { Trace, TraceRow } from '../../src/engine/trace/trace';

/** Group key of a (step, layer); steps from -1 (the prompt pass) on. */
export function groupKey(step: number, layer: number): number {
  return (step + 1) * 65536 + layer;
}

/** Rows grouped by (step, layer), groups in (step, layer) order, rows by head. */
export function groupRows(rows: readonly TraceRow[]): TraceRow[][] {
  const map = new Map<number, TraceRow[]>();
  for (const r of rows) {
    const k = groupKey(r.step, r.layer);
    let g = map.get(k);
    if (!g) map.set(k, (g = []));
    g.push(r);
  }
  const keys = [...map.keys()].sort((a, b) => a - b);
  return keys.map((k) => {
    const g = map.get(k) as TraceRow[];
    g.sort((a, b) => a.head - b.head);
    return g;
  });
}

/** Query rows of the dense run of a (step, layer): all tokens in an encoder or prompt pass, else 1. */
export function denseQueries(first: TraceRow, mode: Trace['mode']): number {
  return mode === 'encoder' || first.step < 0 ? first.sentenceLength : 1;
}

/** Dense rows of one (step, layer) group: `heads` heads at the group's context length. */
export function denseGroup(group: readonly TraceRow[], heads: number, mode: Trace['mode']): TraceRow[] {
  const first = group[0];
  const n = Math.max(heads, group.length);
  const queries = denseQueries(first, mode);
  const out: TraceRow[] = new Array(n);
  for (let h = 0; h < n; h++) {
    out[h] = {
      step: first.step,
      layer: first.layer,
      head: h,
      headDim: first.headDim,
      sentenceLength: first.sentenceLength,
      queries,
      keysFetched: first.sentenceLength,
      valuesFetched: first.sentenceLength,
      keyBits: -1,
      valueBits: -1,
      queryBits: -1,
      requantThreshold: -1,
      lsbBits: -1,
      refetchedQueries: 0,
      accumulateImportance: false,
      rescaleImportance: false,
    };
  }
  return out;
}

