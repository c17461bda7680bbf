// The dense baseline of a trace: the same workload (same steps, layers, context lengths, query
// rows) on the same hardware with pruning and quantization off: every head present, every key and
// value of the context fetched, unquantized tensors (fetched at the dense precision), no refetch,
// no top-k.
import type { Trace, TraceRow } from '../trace/trace';

/** Group key of a (step, layer). */
export function groupKey(step: number, layer: number): number {
  return step * 65536 + layer;
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

/** Dense rows of one (step, layer) group: `heads` heads at the group's context length. */
export function denseGroup(group: readonly TraceRow[], heads: number): TraceRow[] {
  const first = group[0];
  const n = Math.max(heads, group.length);
  const out: TraceRow[] = new Array(n);
  for (let h = 0; h < n; h++) {
    out[h] = {
      step: first.step,
      layer: first.layer,
      head: h,
      headDim: first.headDim,
      sentenceLength: first.sentenceLength,
      queries: first.queries,
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

/** The whole dense trace (for the ablation's first step when no dense trace is given). */
export function denseTrace(trace: Trace): Trace {
  const rows: TraceRow[] = [];
  for (const g of groupRows(trace.rows)) rows.push(...denseGroup(g, trace.model.heads));
  return { ...trace, source: { ...trace.source, name: `${trace.source.name} (dense)` }, rows, layerSteps: undefined };
}

/** The trace with quantization stripped (keys/values unquantized, no LSB refetch), pruning kept. */
export function withoutQuantization(trace: Trace): Trace {
  return {
    ...trace,
    source: { ...trace.source, name: `${trace.source.name} (no quantization)` },
    rows: trace.rows.map((r) => ({ ...r, keyBits: -1, valueBits: -1, queryBits: -1, requantThreshold: -1, lsbBits: -1, refetchedQueries: 0 })),
  };
}
