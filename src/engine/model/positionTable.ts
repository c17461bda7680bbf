// The longest sequence a model's position table allows. Learned positions (GPT-2's wpe, BERT's
// position_embeddings) and RoPE exports with fixed cos/sin caches Gather one row per position from
// an initializer: a position past its last row makes onnxruntime fail in the middle of a run.
// RoPE computed on the fly and ALiBi have no table, hence no limit.
import type { onnx } from 'onnx-proto';
import { dimsOf, type GraphIndex } from './graphIndex';

/** Initializer names of position tables in the exporters we know (GPT-2, BERT, OPT, rotary caches). */
const POSITION_TABLE_NAME = /wpe|position_embeddings?|pos_emb|embed_positions|cos_cache|sin_cache|cos_cached|sin_cached/i;
/** A tensor that carries positions: the position_ids input or BERT's registered position_ids buffer. */
const POSITION_SOURCE = /position/i;
/** How far back from a Gather's indices to look for a position source (Slice, Cast, Unsqueeze, Add...). */
const TRACE_DEPTH = 6;

export interface PositionTable {
  /** Rows of the table: positions 0 .. size-1 are valid. */
  size: number;
  /** The initializer holding it. */
  tensor: string;
}

function indicesFromPositions(g: GraphIndex, start: string): boolean {
  let frontier = [start];
  for (let depth = 0; depth <= TRACE_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const t of frontier) {
      if ((g.graphInputs.has(t) || g.initializers.has(t)) && POSITION_SOURCE.test(t)) return true;
      const p = g.producer.get(t);
      if (p) next.push(...(p.input ?? []).filter((x) => x.length > 0));
    }
    frontier = next;
  }
  return false;
}

function tableOf(g: GraphIndex, n: onnx.INodeProto): PositionTable | undefined {
  if (n.opType !== 'Gather') return undefined;
  const [data, indices] = n.input ?? [];
  const t = data ? g.initializers.get(data) : undefined;
  if (!t || !indices) return undefined;
  const dims = dimsOf(t);
  if (dims.length !== 2 || !(dims[0] > 0)) return undefined;
  if (!POSITION_TABLE_NAME.test(data) && !indicesFromPositions(g, indices)) return undefined;
  return { size: dims[0], tensor: data };
}

/** The smallest position table the graph gathers from, or undefined when positions are unbounded. */
export function positionTable(g: GraphIndex): PositionTable | undefined {
  let best: PositionTable | undefined;
  for (const n of g.nodes) {
    const t = tableOf(g, n);
    if (t && (!best || t.size < best.size)) best = t;
  }
  return best;
}
