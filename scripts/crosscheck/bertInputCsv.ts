// One step of a Trace as bert.cpp's input.csv (its own 15-column schema, one row per (layer, head)).
//
// The mapping is the one authorsTiming.ts documents, column by column:
//   layer_id <- layer, head_id <- head, embedding_length_D <- headDim,
//   sentence_length_L <- queries (bert.cpp bills L query rows in its fill term: L for BERT rows,
//   1 for a generation step), key_value_query_fetch_num <- keysFetched (bert.cpp has one count for
//   K and V), quant_key_bit / quant_value_bit / quant_query_bit <- the widths as they are (-1 too:
//   bert.cpp's own reading of -1 is part of what is checked), if_topk / topk <- tokenTopK.
//   The requant and importance columns are written for completeness; bert.cpp ignores them.
// bert.cpp splits layers where layer_id changes between consecutive rows and starts from layer 0,
// so the rows are written in (layer, head) order and a step must start at layer 0.
import type { TraceRow } from '../../src/engine/trace/trace';

export const BERT_INPUT_COLUMNS = [
  'layer_id',
  'head_id',
  'embedding_length_D',
  'sentence_length_L',
  'key_value_query_fetch_num',
  'quant_key_bit',
  'quant_value_bit',
  'quant_query_bit',
  'auto_requant_thres',
  'if_requant',
  'auto_requant_incre',
  'auto_requant_num',
  'if_accumulate_importance',
  'if_topk',
  'topk',
] as const;

const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** Rows of ONE step (all layers, all heads) as input.csv text. */
export function toBertInputCsv(rows: readonly TraceRow[]): string {
  const sorted = [...rows].sort((a, b) => a.layer - b.layer || a.head - b.head);
  if (sorted.length === 0 || sorted[0].layer !== 0) throw new Error('bert.cpp needs rows starting at layer 0');
  if (sorted.some((r) => r.step !== sorted[0].step)) throw new Error('one step per bert.cpp input');
  const lines = [BERT_INPUT_COLUMNS.join(',')];
  for (const r of sorted) {
    lines.push(
      [
        r.layer,
        r.head,
        r.headDim,
        r.queries,
        r.keysFetched,
        r.keyBits,
        r.valueBits,
        r.queryBits,
        r.requantThreshold,
        pyBool(r.refetchedQueries > 0),
        r.lsbBits,
        r.refetchedQueries,
        pyBool(r.accumulateImportance),
        pyBool(r.tokenTopK !== undefined),
        r.tokenTopK ? r.tokenTopK.k : -1,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Layer groups bert.cpp will report for these rows (distinct layers, ascending). */
export function bertLayers(rows: readonly TraceRow[]): number[] {
  return [...new Set(rows.map((r) => r.layer))].sort((a, b) => a - b);
}
