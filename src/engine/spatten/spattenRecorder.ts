// What the SpAtten core observed, kept for the Trace and the report: trace rows and per-layer
// steps, refetch statistics (complete counts, capped event list, MSB-only max-probability
// histogram), and snapshots of token and head importance after each layer of the latest pass.
import type { RefetchEvent, RefetchReport } from './observations';
import type { TraceLayerStep, TraceRow } from '../trace/trace';

/** Histogram bins of the MSB-only max probability: 20 bins of width 0.05 over [0, 1]. */
export const MAX_PROB_BIN_EDGES: readonly number[] = Array.from({ length: 21 }, (_, i) => i / 20);
export const REFETCH_EVENTS_CAP = 20000;

export class SpattenRecorder {
  rows: TraceRow[] = [];
  layerSteps: TraceLayerStep[] = [];
  /** The last row emitted; a token top-k decided before a layer "runs after" this row (authors' convention). */
  lastRow: TraceRow | null = null;
  /** [layer][head] query rows computed, and rows whose LSBs were refetched. */
  readonly rowCounts: number[][];
  readonly refetchCounts: number[][];
  /** [layer][bin] */
  readonly maxProbHistogram: number[][];
  /** Refetches per decode step (index = step >= 0). */
  readonly perStep: number[] = [];
  readonly events: RefetchEvent[] = [];
  /** [layer] token importance scores after the layer, latest pass/step (length = context then). */
  readonly tokenImportance: (Float64Array | null)[];
  /** [layer] tokens processed by the layer, latest pass/step. */
  readonly keptTokens: (Int32Array | null)[];
  /** [layer][head] cumulative head importance after the layer, latest pass/step. */
  readonly headImportance: (Float64Array | null)[];

  constructor(
    readonly layers: number,
    readonly heads: number,
  ) {
    this.rowCounts = grid(layers, heads);
    this.refetchCounts = grid(layers, heads);
    this.maxProbHistogram = grid(layers, MAX_PROB_BIN_EDGES.length - 1);
    this.tokenImportance = new Array<Float64Array | null>(layers).fill(null);
    this.keptTokens = new Array<Int32Array | null>(layers).fill(null);
    this.headImportance = new Array<Float64Array | null>(layers).fill(null);
  }

  countRow(layer: number, head: number, maxProbMsb: number): void {
    this.rowCounts[layer][head]++;
    const bins = MAX_PROB_BIN_EDGES.length - 1;
    this.maxProbHistogram[layer][Math.min(bins - 1, Math.floor(maxProbMsb * bins))]++;
  }

  countRefetch(event: RefetchEvent): void {
    this.refetchCounts[event.layer][event.head]++;
    if (event.step >= 0) {
      while (this.perStep.length <= event.step) this.perStep.push(0);
      this.perStep[event.step]++;
    }
    if (this.events.length < REFETCH_EVENTS_CAP) this.events.push(event);
  }

  snapshotLayer(layer: number, scores: Float64Array, n: number, alive: Int32Array, nAlive: number, headImportance: Float64Array): void {
    this.tokenImportance[layer] = scores.slice(0, n);
    this.keptTokens[layer] = alive.slice(0, nAlive);
    this.headImportance[layer] = headImportance.slice();
  }

  refetchReport(threshold: number): RefetchReport {
    return {
      threshold,
      rows: this.rowCounts.map((r) => r.slice()),
      refetched: this.refetchCounts.map((r) => r.slice()),
      maxProbBinEdges: MAX_PROB_BIN_EDGES.slice(),
      maxProbHistogram: this.maxProbHistogram.map((r) => r.slice()),
      perStep: this.perStep.slice(),
      events: this.events.slice(),
      eventsCap: REFETCH_EVENTS_CAP,
    };
  }
}

function grid(a: number, b: number): number[][] {
  return Array.from({ length: a }, () => new Array<number>(b).fill(0));
}
