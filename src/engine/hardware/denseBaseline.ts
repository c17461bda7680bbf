// The dense baseline of a trace: the same workload (same steps, layers, context lengths) on the same
// hardware with pruning and quantization off: every head present, every query row computed, every
// key and value of the context fetched, tensors at the dense precision, no refetch, no top-k.
//
// Query rows: a pruned encoder (or prompt pass) computes only its alive tokens' queries; the dense
// run computes all of them, sentence_length_L per head. A decode step has one query either way.
import type { Trace, TraceRow } from '../trace/trace';
import type { TraceColumns } from '../trace/traceColumns';

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

/** (step, layer) groups of columnar rows: row indices in group order, and where each group starts. */
export interface RowGroups {
  /** Row indices, groups in (step, layer) order, rows by head (ties in file order), as groupRows orders them. */
  order: Int32Array;
  /** Group g is order[starts[g] .. starts[g + 1]). */
  starts: number[];
}

/**
 * groupRows for columns. Traces come in (step, layer, head) order (the CSV files, the engine), so
 * a linear check usually finds the order already right and nothing is sorted; otherwise a stable
 * sort by (group key, head) gives groupRows' order.
 */
const groupsOf = new WeakMap<TraceColumns, RowGroups>();

export function groupColumns(c: TraceColumns): RowGroups {
  // simulate and denseDramBytes of one trace (the CLI runs both) group it once.
  const known = groupsOf.get(c);
  if (known && known.order.length === c.length) return known;
  const n = c.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const { step, layer, head } = c;
  const starts: number[] = [];
  let sorted = true;
  for (let i = 0; i < n && sorted; i++) {
    const d = i === 0 ? 1 : groupKey(step[i], layer[i]) - groupKey(step[i - 1], layer[i - 1]);
    sorted = d > 0 || (d === 0 && head[i] >= head[i - 1]);
    if (d !== 0) starts.push(i);
  }
  if (!sorted) {
    const key = (i: number): number => groupKey(step[i], layer[i]);
    order.set(Array.from(order).sort((a, b) => key(a) - key(b) || head[a] - head[b] || a - b));
    starts.length = 0;
    for (let j = 0; j < n; j++) if (j === 0 || key(order[j]) !== key(order[j - 1])) starts.push(j);
  }
  starts.push(n);
  const groups = { order, starts };
  groupsOf.set(c, groups);
  return groups;
}

/** Query rows of the dense run of a (step, layer): all tokens in an encoder or prompt pass, else 1. */
export function denseQueries(first: TraceRow, mode: Trace['mode']): number {
  return mode === 'encoder' || first.step < 0 ? first.sentenceLength : 1;
}

/** Dense rows of one (step, layer) group: `heads` heads at the group's context length. */
export function denseGroup(group: readonly TraceRow[], heads: number, mode: Trace['mode']): TraceRow[] {
  return denseRows(group[0], group.length, heads, mode);
}

/** Dense rows of a (step, layer) group of `groupSize` rows whose first row is `first`. */
export function denseRows(first: TraceRow, groupSize: number, heads: number, mode: Trace['mode']): TraceRow[] {
  const n = Math.max(heads, groupSize);
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

/**
 * What the dense baseline of a (step, layer) depends on: context length, query rows, heads and
 * head dim. They repeat across layers and steps, so callers time each shape once.
 */
export function denseShapeKey(first: TraceRow, groupSize: number, heads: number, mode: Trace['mode']): string {
  return `${first.sentenceLength}|${denseQueries(first, mode)}|${Math.max(heads, groupSize)}|${first.headDim}`;
}

/** The whole dense trace (the ablation's first step, and the test that a run's dense baseline is it). */
export function denseTrace(trace: Trace): Trace {
  const rows: TraceRow[] = [];
  for (const g of groupRows(trace.rows)) rows.push(...denseGroup(g, trace.model.heads, trace.mode));
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
