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
import type { Trace, TraceRow } from '../trace/trace';
import { columnsFromTrace, loadRow, newRowView, rowAt, type ColumnarTrace, type TraceColumns } from '../trace/traceColumns';
import { additiveGroupTiming, ADDITIVE_STAGES } from './additiveTiming';
import { AUTHORS_STAGE_UNITS, AUTHORS_STAGES, authorsGroupTiming, authorsUnitBusy } from './authorsTiming';
import type { AuthorsTopKMode } from './authorsTopK';
import { denseRows, denseShapeKey, groupColumns, sameDenseShape, type RowGroups } from './denseBaseline';
import { energyPerOp, type EnergyCounts, type EnergyPerOp } from './energyModel';
import type { HardwareConfig } from './hardwareConfig';
import { groupUnitBusy, PIPELINE_STAGES, rowIsMemoryBound, rowStageOccupancy, scheduleGroupPipelined, HARDWARE_UNITS } from './pipelinedTiming';
import { newRowWorkSlot, rowWork, rowWorkInto, type RowWork, type RowWorkSlot, type WorkOptions } from './rowWork';
import { addCounts, assemble, zeroCounts, type HeadAcc, type LayerAcc, type SimulationResult, type TimingModel } from './simulationResult';
import { DEFAULT_TIMELINE_MAX_EVENTS, TimelineBuilder } from './timeline';
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

const NS = PIPELINE_STAGES.length;

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
    const next = g + 1 < count ? g + 1 : -1;
    out[g] = next < 0 || stepOf(next) !== stepOf(g) || sizeOf(next) >= sizeOf(g)
      ? undefined
      : topKCallTiming({ n: sizeOf(g), k: sizeOf(next) }, c.topKComparators, c.latencies.topKRound, mixSeed(seed, 3, stepOf(g), layerOf(g)));
  }
  return out;
}

/** Busy time per unit of the additive terms (for the bound): DRAM + refetch, fill, both top-ks. */
function additiveUnitBusy(stages: Float64Array, out: Float64Array): void {
  out[0] += stages[0] + stages[5];
  out[1] += stages[1];
  out[3] += stages[3] + stages[4] + stages[6];
}

interface GroupResult {
  cycles: number;
  lowerBound: number;
  stages: Float64Array;
  unitBusy: Float64Array;
}

function maxOf(a: Float64Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, v);
  return m;
}

/** One (step, layer) to time: its hardware work, and its trace rows for bert.cpp's model (made on demand). */
interface GroupInput {
  works: readonly RowWork[];
  rows: () => TraceRow[];
  headCall: TopKTiming | undefined;
  step: number;
  layer: number;
}

/** Lay a no-overlap model's terms end to end on the timeline, each on its unit. */
function addTermSpans(tl: TimelineBuilder, g: GroupInput, t: number, names: readonly string[], units: readonly number[], stages: Float64Array): void {
  let s0 = t;
  tl.addSpans(g.step, g.layer, names.map((name, i) => {
    const span = { unit: units[i], name, start: s0, dur: stages[i] };
    s0 += stages[i];
    return span;
  }));
}

// Where each additive term runs: DRAM and refetch on DRAM, fill on Q x K, drain on Softmax, the top-ks on Top-k.
const ADDITIVE_STAGE_UNITS = [0, 1, 2, 3, 3, 0, 3];

/**
 * Time one (step, layer) with the chosen model, from cycle `t`. `scratch`: arrays the pipelined
 * model may write its stages and unit busy cycles into (a result the caller adds up at once and
 * does not keep), else the result has its own.
 */
function timeGroup(g: GroupInput, c: HardwareConfig, opts: SimulateOptions, t: number, tl: TimelineBuilder | undefined, scratch?: { stages: Float64Array; unitBusy: Float64Array }): GroupResult {
  switch (opts.timing) {
    case 'pipelined': {
      // The schedule keeps each unit busy exactly its work (groupUnitBusy): its busy time is the bound.
      const gt = scheduleGroupPipelined(g.works, g.headCall, c, t, tl !== undefined, scratch);
      tl?.addGroup(g.step, g.layer, gt.start, gt.end, gt.ops);
      return { cycles: gt.end - gt.start, lowerBound: maxOf(gt.unitBusy), stages: gt.stages, unitBusy: gt.unitBusy };
    }
    case 'additive': {
      const unitBusy = new Float64Array(HARDWARE_UNITS.length);
      const lowerBound = maxOf(groupUnitBusy(g.works, g.headCall, c));
      const at = additiveGroupTiming(g.works, g.headCall, c);
      additiveUnitBusy(at.stages, unitBusy);
      if (tl) addTermSpans(tl, g, t, ADDITIVE_STAGES, ADDITIVE_STAGE_UNITS, at.stages);
      return { cycles: at.cycles, lowerBound, stages: at.stages, unitBusy };
    }
    case 'authors': {
      const unitBusy = new Float64Array(HARDWARE_UNITS.length);
      const lowerBound = maxOf(groupUnitBusy(g.works, g.headCall, c));
      const at = authorsGroupTiming(g.rows(), c, { topK: opts.authorsTopK });
      authorsUnitBusy(at.stages, unitBusy);
      if (tl) addTermSpans(tl, g, t, AUTHORS_STAGES, AUTHORS_STAGE_UNITS, at.stages);
      return { cycles: at.cycles, lowerBound, stages: at.stages, unitBusy };
    }
  }
}

function addEnergyCounts(acc: EnergyCounts, more: EnergyCounts): void {
  acc.macs += more.macs;
  acc.softmaxElements += more.softmaxElements;
  acc.comparisons += more.comparisons;
  acc.sramBytes += more.sramBytes;
  acc.dramBytes += more.dramBytes;
}

function newLayerAcc(stageCount: number): LayerAcc {
  return {
    cycles: 0,
    denseCycles: 0,
    lowerBoundCycles: 0,
    stages: new Float64Array(stageCount),
    denseStages: new Float64Array(stageCount),
    unitBusy: new Float64Array(HARDWARE_UNITS.length),
    denseUnitBusy: new Float64Array(HARDWARE_UNITS.length),
    bytes: { kMsb: 0, kLsb: 0, v: 0, q: 0 },
    denseBytes: 0,
    counts: zeroCounts(),
    denseCounts: zeroCounts(),
    heads: new Map(),
  };
}

interface DenseGroupResult extends GroupResult {
  counts: EnergyCounts;
  bytes: number;
}

export function simulate(trace: Trace, c: HardwareConfig, opts: SimulateOptions): SimulationResult {
  return simulateColumns(columnsFromTrace(trace), c, opts);
}

/** simulate() of a trace held as columns (what the CSV reader yields): no object per row. */
export function simulateColumns(ct: ColumnarTrace, c: HardwareConfig, opts: SimulateOptions): SimulationResult {
  const { trace, columns: cols } = ct;
  const seed = opts.seed ?? 1;
  const conv = resolvedConventions(trace, opts);
  const wo: WorkOptions = { unquantizedBits: conv.unquantizedBits, seed, fetchRounding: conv.fetchRounding };
  const denseWo: WorkOptions = { unquantizedBits: opts.denseBits, seed, fetchRounding: conv.fetchRounding };
  const e: EnergyPerOp = energyPerOp(c);
  const groups = groupColumns(cols);
  const groupCount = groups.starts.length - 1;
  const headCalls = headTopKCalls(trace, cols, groups, c, seed);
  const wantTimeline = opts.timeline !== undefined && opts.timeline !== false;
  const maxEvents = typeof opts.timeline === 'object' ? opts.timeline.maxEvents : DEFAULT_TIMELINE_MAX_EVENTS;
  const tl = wantTimeline ? new TimelineBuilder(c.clockHz, cols.length * 6, maxEvents) : undefined;
  const layers = new Map<number, LayerAcc>();
  const occ = new Float64Array(NS);
  let t = 0;
  let topKTotal = 0;
  let topKMeasured = 0;
  const stageNames = opts.timing === 'pipelined' ? PIPELINE_STAGES : opts.timing === 'additive' ? ADDITIVE_STAGES : AUTHORS_STAGES;
  // The dense baseline of a (step, layer) depends only on its shape (context length, query rows,
  // heads, head dim), which repeats across layers: each shape is timed once.
  const denseMemo = new Map<string, DenseGroupResult>();
  // Consecutive groups mostly share their shape (the layers of one step): checked before the key is made.
  let lastDense: DenseGroupResult | undefined;
  let lastRow = -1;
  let lastSize = 0;
  const denseOf = (i: number, size: number): DenseGroupResult => {
    if (lastDense && sameDenseShape(cols, i, size, lastRow, lastSize)) return lastDense;
    lastRow = i;
    lastSize = size;
    const first = loadRow(cols, i, view);
    const key = denseShapeKey(first, size, trace.model.heads, trace.mode);
    let d = denseMemo.get(key);
    if (!d) {
      const rows = denseRows(first, size, trace.model.heads, trace.mode);
      const works = rows.map((r) => rowWork(r, c, denseWo));
      const counts = zeroCounts();
      let bytes = 0;
      for (const w of works) {
        addCounts(counts, w, c);
        bytes += w.bytes.kMsb + w.bytes.kLsb + w.bytes.v + w.bytes.q;
      }
      // The schedule is translation invariant, so timing from cycle 0 gives the group's length.
      d = { ...timeGroup({ works, rows: () => rows, headCall: undefined, step: 0, layer: 0 }, c, opts, 0, undefined), counts, bytes };
      denseMemo.set(key, d);
    }
    lastDense = d;
    return d;
  };
  // One RowWork per head of the current (step, layer), refilled group after group.
  const view = newRowView();
  const slots: RowWorkSlot[] = [];
  // The first `size` slots' RowWorks, one array per group size (the same objects every time).
  const worksOfSize: RowWork[][] = [];
  const headArrays = new Map<number, HeadAcc[]>();
  const scratch = { stages: new Float64Array(NS), unitBusy: new Float64Array(HARDWARE_UNITS.length) };
  for (let gi = 0; gi < groupCount; gi++) {
    const from = groups.starts[gi];
    const size = groups.starts[gi + 1] - from;
    while (slots.length < size) slots.push(newRowWorkSlot());
    const works = (worksOfSize[size] ??= slots.slice(0, size).map((s) => s.work));
    for (let j = 0; j < size; j++) rowWorkInto(loadRow(cols, groups.order[from + j], view), c, wo, slots[j]);
    const layer = works[0].layer;
    let acc = layers.get(layer);
    if (!acc) layers.set(layer, (acc = newLayerAcc(stageNames.length)));
    // The layer's heads by index (acc.heads keyed the same): an array read per row instead of a Map lookup.
    let headsOfLayer = headArrays.get(layer);
    if (!headsOfLayer) headArrays.set(layer, (headsOfLayer = []));
    for (let j = 0; j < size; j++) {
      const w = works[j];
      addCounts(acc.counts, w, c);
      acc.bytes.kMsb += w.bytes.kMsb;
      acc.bytes.kLsb += w.bytes.kLsb;
      acc.bytes.v += w.bytes.v;
      acc.bytes.q += w.bytes.q;
      if (w.localVTopK) {
        topKTotal++;
        if (w.localVTopK.measured) topKMeasured++;
      }
      if (w.tokenTopK) {
        topKTotal++;
        if (w.tokenTopK.measured) topKMeasured++;
      }
      rowStageOccupancy(w, c, occ);
      let h = headsOfLayer[w.head];
      if (!h) acc.heads.set(w.head, (h = headsOfLayer[w.head] = { rows: 0, busy: new Float64Array(NS), memRows: 0, bytes: { kMsb: 0, kLsb: 0, v: 0, q: 0 } }));
      h.rows++;
      for (let s = 0; s < NS; s++) h.busy[s] += occ[s];
      if (rowIsMemoryBound(w, occ)) h.memRows++;
      h.bytes.kMsb += w.bytes.kMsb;
      h.bytes.kLsb += w.bytes.kLsb;
      h.bytes.v += w.bytes.v;
      h.bytes.q += w.bytes.q;
    }
    const headCall = headCalls[gi];
    if (headCall) acc.counts.comparisons += headCall.comparisons;
    const dense = denseOf(groups.order[from], size);
    addEnergyCounts(acc.denseCounts, dense.counts);
    acc.denseBytes += dense.bytes;
    acc.denseCycles += dense.cycles;
    for (let s = 0; s < stageNames.length; s++) acc.denseStages[s] += dense.stages[s];
    for (let u = 0; u < HARDWARE_UNITS.length; u++) acc.denseUnitBusy[u] += dense.unitBusy[u];
    const groupRowsOf = (): TraceRow[] => Array.from({ length: size }, (_, j) => rowAt(cols, groups.order[from + j]));
    const gt = timeGroup({ works, rows: groupRowsOf, headCall, step: works[0].step, layer }, c, opts, t, tl, scratch);
    acc.cycles += gt.cycles;
    acc.lowerBoundCycles += gt.lowerBound;
    for (let s = 0; s < stageNames.length; s++) acc.stages[s] += gt.stages[s];
    for (let u = 0; u < HARDWARE_UNITS.length; u++) acc.unitBusy[u] += gt.unitBusy[u];
    t += gt.cycles;
    opts.onProgress?.((gi + 1) / groupCount);
  }
  return assemble(c, { timing: opts.timing, denseBits: opts.denseBits, ...conv }, layers, stageNames, e, { topKTotal, topKMeasured }, tl?.timeline);
}

/** DRAM bytes of the trace's dense baseline with tensors at `bits` (e.g. 8 for the int8 comparison). */
export function denseDramBytes(trace: Trace, c: HardwareConfig, bits: number): number {
  return denseDramBytesOfColumns(columnsFromTrace(trace), c, bits);
}

/** denseDramBytes of a columnar trace, each group shape computed once (the bytes are whole numbers: any order sums them exactly). */
export function denseDramBytesOfColumns(ct: ColumnarTrace, c: HardwareConfig, bits: number): number {
  const { trace, columns: cols } = ct;
  const o: WorkOptions = { unquantizedBits: bits, seed: 1 };
  const groups = groupColumns(cols);
  const view = newRowView();
  const memo = new Map<string, number>();
  let total = 0;
  let bytes = 0;
  let prev = -1;
  let prevSize = 0;
  for (let g = 0; g + 1 < groups.starts.length; g++) {
    const i = groups.order[groups.starts[g]];
    const size = groups.starts[g + 1] - groups.starts[g];
    if (prev < 0 || !sameDenseShape(cols, i, size, prev, prevSize)) {
      const first = loadRow(cols, i, view);
      const key = denseShapeKey(first, size, trace.model.heads, trace.mode);
      const known = memo.get(key);
      if (known !== undefined) bytes = known;
      else {
        bytes = 0;
        for (const r of denseRows(first, size, trace.model.heads, trace.mode)) {
          const b = rowWork(r, c, o).bytes;
          bytes += b.kMsb + b.kLsb + b.v + b.q;
        }
        memo.set(key, bytes);
      }
    }
    prev = i;
    prevSize = size;
    total += bytes;
  }
  return total;
}
