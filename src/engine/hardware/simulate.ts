// simulate(): run a Trace and its dense baseline through a timing model and the energy model, and
// aggregate per layer and per head. The library entry point of the hardware room.
//
// Units: cycles at config.clockHz; bytes are DRAM bytes after transaction rounding; energy in
// joules (dynamic, see energyModel.ts); FLOPs count a multiply-add as 2 and cover Q x K (with
// recompute) and prob x V, the work the datapath executes.
//
// Every result carries lowerBoundCycles: per (step, layer), the busy cycles of the busiest unit
// (DRAM, Q x K, softmax, top-k, prob x V), summed. No schedule can beat it; `pipelined` lies
// between it and `additive` (the no-overlap upper bound), which the tests check on every trace.
import type { Trace } from '../trace/trace';
import { columnsFromTrace, type ColumnarTrace, type TraceColumns } from '../trace/traceColumns';
import type { AuthorsTopKMode } from './authorsTopK';
import { groupColumns, type RowGroups } from './denseBaseline';
import { DenseShapeTally } from './denseShapeTally';
import type { HardwareConfig } from './hardwareConfig';
import type { SimulationResult, TimingModel } from './simulationResult';
import { inferredHeadTopK, tallyDenseDramBytes, TraceSimulator } from './traceSimulator';
import { topKCallTiming, type TopKTiming } from './topKEngine';
import { mixSeed } from '../seededRandom';

export interface SimulateOptions {
  timing: TimingModel;
  /** Bits per element of the dense baseline (32 = the paper's fp32 DRAM baseline, 8 = the authors' int8). */
  denseBits: number;
  /**
   * Bits of tensors a SpAtten trace marks unquantized (-1). Default: the trace's own
   * (Trace.unquantizedBits: 32 for engine traces, whose tensors stay fp32), else 8 (the authors'
   * RTL driver's reading of -1 in their CSVs).
   */
  unquantizedBits?: number;
  /** Round fetch counts up to a multiple of this (1 = as recorded, the default; 8 = the RTL driver). */
  fetchRounding?: number;
  /** Seed for estimated top-k rounds (default 1). */
  seed?: number;
  /** Top-k term of the 'authors' timing: bert.cpp's defects reproduced ('as-built', default) or fixed. */
  authorsTopK?: AuthorsTopKMode;
  /** Build a timeline; maxEvents caps it (default DEFAULT_TIMELINE_MAX_EVENTS). */
  timeline?: boolean | { maxEvents: number };
  /** Called after each (step, layer) with the fraction done. */
  onProgress?: (fraction: number) => void;
}

/** The conventions a run used, resolved from the options and the trace. */
export function resolvedConventions(trace: Pick<Trace, 'unquantizedBits'>, opts: SimulateOptions): { unquantizedBits: number; fetchRounding: number } {
  return {
    unquantizedBits: opts.unquantizedBits ?? trace.unquantizedBits ?? 8,
    fetchRounding: opts.fetchRounding ?? 1,
  };
}

/** Head top-k after each (step, layer): from the trace's layerSteps, else inferred from the heads of the next layer. */
function headTopKCalls(trace: ColumnarTrace['trace'], cols: TraceColumns, groups: RowGroups, c: HardwareConfig, seed: number): (TopKTiming | undefined)[] {
  const { order, starts } = groups;
  const count = starts.length - 1;
  const stepOf = (g: number): number => cols.step[order[starts[g]]];
  const layerOf = (g: number): number => cols.layer[order[starts[g]]];
  const sizeOf = (g: number): number => starts[g + 1] - starts[g];
  const out: (TopKTiming | undefined)[] = new Array(count);
  if (trace.layerSteps) {
    const byKey = new Map<string, TopKTiming>();
    for (const ls of trace.layerSteps) {
      if (ls.headTopK) byKey.set(`${ls.step}:${ls.layer}`, topKCallTiming(ls.headTopK, c.topKComparators, c.latencies.topKRound, mixSeed(seed, 3, ls.step, ls.layer)));
    }
    for (let g = 0; g < count; g++) out[g] = byKey.get(`${stepOf(g)}:${layerOf(g)}`);
    return out;
  }
  for (let g = 0; g < count; g++) {
    const next = g + 1 < count;
    out[g] = inferredHeadTopK(stepOf(g), layerOf(g), sizeOf(g), next ? stepOf(g + 1) : 0, next ? sizeOf(g + 1) : -1, c, seed);
  }
  return out;
}

export function simulate(trace: Trace, c: HardwareConfig, opts: SimulateOptions): SimulationResult {
  return simulateColumns(columnsFromTrace(trace), c, opts);
}

/** simulate() of a trace held as columns (what the CSV reader yields): no object per row. */
export function simulateColumns(ct: ColumnarTrace, c: HardwareConfig, opts: SimulateOptions): SimulationResult {
  const { trace, columns: cols } = ct;
  const groups = groupColumns(cols);
  const groupCount = groups.starts.length - 1;
  const headCalls = headTopKCalls(trace, cols, groups, c, opts.seed ?? 1);
  const sim = new TraceSimulator(c, opts, resolvedConventions(trace, opts), cols.length);
  for (let gi = 0; gi < groupCount; gi++) {
    const from = groups.starts[gi];
    sim.addGroup(cols, groups.order, from, groups.starts[gi + 1] - from, headCalls[gi]);
    opts.onProgress?.((gi + 1) / groupCount);
  }
  return sim.finish(trace.model.heads, trace.mode);
}

/** DRAM bytes of the trace's dense baseline with tensors at `bits` (e.g. 8 for the int8 comparison). */
export function denseDramBytes(trace: Trace, c: HardwareConfig, bits: number): number {
  return denseDramBytesOfColumns(columnsFromTrace(trace), c, bits);
}

/** denseDramBytes of a columnar trace, each dense shape's bytes worked out once (whole numbers: count x bytes is their sum exactly). */
export function denseDramBytesOfColumns(ct: ColumnarTrace, c: HardwareConfig, bits: number): number {
  const { trace, columns: cols } = ct;
  const groups = groupColumns(cols);
  const shapes = new DenseShapeTally();
  for (let g = 0; g + 1 < groups.starts.length; g++) {
    const i = groups.order[groups.starts[g]];
    shapes.add(cols.step[i], cols.layer[i], cols.headDim[i], cols.sentenceLength[i], groups.starts[g + 1] - groups.starts[g]);
  }
  return tallyDenseDramBytes(shapes, trace.model.heads, trace.mode, c, bits);
}
