// The cycle model's accumulator: (step, layer) groups of trace rows go in one after another, in
// trace order, and the SimulationResult comes out at the end. simulateColumns feeds it a whole
// columnar trace; the streaming CSV path (simulateWorkloadCsv.ts) feeds it each group as soon as
// the reader has it, so no column of the whole trace is ever held.
//
// The dense baseline of a group depends only on its shape (context length, query rows, heads, head
// dim), and the heads are known only once the whole trace is read (the largest head id), so each
// layer counts its groups of each shape as they come (denseShapeTally.ts) and the dense figures
// are added at finish(), once per shape and layer.
import { rowAt, type TraceColumns } from '../trace/traceColumns';
import type { Trace, TraceRow } from '../trace/trace';
import { additiveGroupTiming, ADDITIVE_STAGES } from './additiveTiming';
import { AUTHORS_STAGE_UNITS, AUTHORS_STAGES, authorsGroupTiming, authorsUnitBusy } from './authorsTiming';
import { denseQueries, denseRows } from './denseBaseline';
import { energyPerOp, type EnergyPerOp } from './energyModel';
import type { HardwareConfig } from './hardwareConfig';
import { groupUnitBusy, PIPELINE_STAGES, rowIsMemoryBound, rowStageOccupancy, scheduleGroupPipelined, HARDWARE_UNITS, type GroupTiming } from './pipelinedTiming';
import { denseRowWorkInto, newRowWorkSlot, rowWork, timeTopKsOfSlots, untimedRowWorkOfColumns, type RowWork, type RowWorkSlot, type WorkOptions } from './rowWork';
import { addCountsAt, assemble, COUNT_SLOTS, type LayerAcc, type SimulationResult } from './simulationResult';
import { LayerSums, type DenseGroupSums } from './layerSums';
import { DenseShapeTally } from './denseShapeTally';
import type { SimulateOptions } from './simulate';
import { DEFAULT_TIMELINE_MAX_EVENTS, TimelineBuilder } from './timeline';
import { topKCallTiming, type TopKTiming } from './topKEngine';
import { mixSeed } from '../seededRandom';

const NS = PIPELINE_STAGES.length;

/**
 * The head top-k after a (step, layer) of a trace without layerSteps, inferred from the heads of
 * the next group: when the next group is of the same step and has fewer rows, the top-k kept that
 * many heads. `nextSize` < 0: no next group.
 */
export function inferredHeadTopK(step: number, layer: number, size: number, nextStep: number, nextSize: number, c: HardwareConfig, seed: number): TopKTiming | undefined {
  if (nextSize < 0 || nextStep !== step || nextSize >= size) return undefined;
  // roundSizes present (undefined), as in the rows' calls: topKCallTimingInto then sees one object
  // shape (a second one cost it a deopt and a recompile mid-run).
  return topKCallTiming({ n: size, k: nextSize, roundSizes: undefined }, c.topKComparators, c.latencies.topKRound, mixSeed(seed, 3, step, layer));
}

/**
 * DRAM bytes of the dense rows of a group of `size` rows headed by `first`, tensors at `bits`.
 * The dense rows of a group differ only in their head, so each moves the same whole number of
 * bytes: one row's bytes times the rows is their sum exactly.
 */
export function denseShapeDramBytes(first: TraceRow, size: number, heads: number, mode: Trace['mode'], c: HardwareConfig, bits: number): number {
  const [row] = denseRows(first, 1, 1, mode);
  const b = rowWork(row, c, { unquantizedBits: bits, seed: 1 }).bytes;
  return Math.max(heads, size) * (b.kMsb + b.kLsb + b.v + b.q);
}

/** DRAM bytes of the dense baseline of the tallied groups, tensors at `bits`: each shape's worked out once, times its groups (whole numbers: exact). */
export function tallyDenseDramBytes(shapes: DenseShapeTally, heads: number, mode: Trace['mode'], c: HardwareConfig, bits: number): number {
  return shapes.sumOverGroups(shapes.figures(heads, mode, (first, size) => denseShapeDramBytes(first, size, heads, mode, c, bits)));
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
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]);
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

/** A pipelined schedule and the result made of it, for timeGroup to write into. */
interface PipelinedScratch {
  timing: GroupTiming;
  result: GroupResult;
}

/** A PipelinedScratch with arrays of its own. */
function newPipelinedScratch(): PipelinedScratch {
  const timing: GroupTiming = { start: 0, end: 0, stages: new Float64Array(NS), unitBusy: new Float64Array(HARDWARE_UNITS.length), ops: [] };
  return { timing, result: { cycles: 0, lowerBound: 0, stages: timing.stages, unitBusy: timing.unitBusy } };
}

/**
 * Time one (step, layer) with the chosen model, from cycle `t`. `scratch`: where the pipelined
 * model writes its schedule and the result (a result the caller adds up at once, or keeps with
 * the scratch), else the result is new.
 */
function timeGroup(g: GroupInput, c: HardwareConfig, opts: SimulateOptions, t: number, tl: TimelineBuilder | undefined, scratch?: PipelinedScratch): GroupResult {
  switch (opts.timing) {
    case 'pipelined': {
      // The schedule keeps each unit busy exactly its work (groupUnitBusy): its busy time is the bound.
      const gt = scheduleGroupPipelined(g.works, g.headCall, c, t, tl !== undefined, scratch?.timing);
      tl?.addGroup(g.step, g.layer, gt.start, gt.end, gt.ops);
      const r = scratch?.result ?? { cycles: 0, lowerBound: 0, stages: gt.stages, unitBusy: gt.unitBusy };
      r.cycles = gt.end - gt.start;
      r.lowerBound = maxOf(gt.unitBusy);
      return r;
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

/** The conventions a run uses (resolvedConventions in simulate.ts). */
export interface Conventions {
  unquantizedBits: number;
  fetchRounding: number;
}

export class TraceSimulator {
  private readonly wo: WorkOptions;
  private readonly denseWo: WorkOptions;
  private readonly e: EnergyPerOp;
  private readonly stageNames: readonly string[];
  private readonly tl: TimelineBuilder | undefined;
  // Each layer's sums, in the order the layers first came (the result's order), and by layer id.
  private readonly layers = new Map<number, LayerSums>();
  private readonly sumsOfLayer: LayerSums[] = [];
  private readonly occ = new Float64Array(NS);
  // One RowWork per head of the current (step, layer), refilled group after group.
  private readonly slots: RowWorkSlot[] = [];
  // The first `size` slots' RowWorks, one array per group size (the same objects every time).
  private readonly worksOfSize: RowWork[][] = [];
  private readonly scratch = newPipelinedScratch();
  // The group being added (addGroup's), for its rows made on demand (the authors' model reads them).
  private groupCols: TraceColumns | undefined;
  private groupOrder: Int32Array | undefined;
  private groupFrom = 0;
  private readonly input: GroupInput = { works: [], rows: () => this.groupRows(), headCall: undefined, step: 0, layer: 0 };
  private t = 0;
  private topKTotal = 0;
  private topKMeasured = 0;
  // The groups' dense shapes, tallied as they come (each layer counts its own in its LayerSums).
  private readonly shapes = new DenseShapeTally();

  /** `expectedRows`: how many rows the trace has, to size a timeline (when opts asks for one). */
  constructor(
    private readonly c: HardwareConfig,
    private readonly opts: SimulateOptions,
    private readonly conv: Conventions,
    expectedRows: number,
  ) {
    const seed = opts.seed ?? 1;
    this.wo = { unquantizedBits: conv.unquantizedBits, seed, fetchRounding: conv.fetchRounding };
    this.denseWo = { unquantizedBits: opts.denseBits, seed, fetchRounding: conv.fetchRounding };
    this.e = energyPerOp(c);
    this.stageNames = opts.timing === 'pipelined' ? PIPELINE_STAGES : opts.timing === 'additive' ? ADDITIVE_STAGES : AUTHORS_STAGES;
    const wantTimeline = opts.timeline !== undefined && opts.timeline !== false;
    const maxEvents = typeof opts.timeline === 'object' ? opts.timeline.maxEvents : DEFAULT_TIMELINE_MAX_EVENTS;
    this.tl = wantTimeline ? new TimelineBuilder(c.clockHz, expectedRows * 6, maxEvents) : undefined;
  }

  /**
   * Time the next (step, layer) group: rows order[from .. from + size) of `cols` (rows from .. from + size
   * when `order` is undefined), in head order; `headCall` the head top-k after it, if any.
   */
  addGroup(cols: TraceColumns, order: Int32Array | undefined, from: number, size: number, headCall: TopKTiming | undefined): void {
    const { c, wo, slots, occ } = this;
    const works = this.worksOf(size);
    // Row j of the group (no closure for it: this runs once per row of the trace).
    for (let j = 0; j < size; j++) untimedRowWorkOfColumns(cols, order ? order[from + j] : from + j, c, wo, slots[j]);
    timeTopKsOfSlots(slots, size, c);
    const first = order ? order[from] : from;
    const layer = works[0].layer;
    let acc = this.sumsOfLayer[layer];
    if (!acc) this.layers.set(layer, (acc = this.sumsOfLayer[layer] = new LayerSums(this.stageNames.length)));
    acc.countDenseShape(this.shapes.add(cols.step[first], layer, cols.headDim[first], cols.sentenceLength[first], size));
    for (let j = 0; j < size; j++) {
      const w = works[j];
      if (w.localVTopK) {
        this.topKTotal++;
        if (w.localVTopK.measured) this.topKMeasured++;
      }
      if (w.tokenTopK) {
        this.topKTotal++;
        if (w.tokenTopK.measured) this.topKMeasured++;
      }
      rowStageOccupancy(w, occ);
      acc.addRow(w, c, occ, rowIsMemoryBound(w, occ));
    }
    if (headCall) acc.addComparisons(headCall.comparisons);
    // One input object, refilled (its rows read the group's from these fields).
    this.groupCols = cols;
    this.groupOrder = order;
    this.groupFrom = from;
    const input = this.input;
    input.works = works;
    input.headCall = headCall;
    input.step = works[0].step;
    input.layer = layer;
    const gt = timeGroup(input, c, this.opts, this.t, this.tl, this.scratch);
    acc.addGroup(gt);
    this.t += gt.cycles;
  }

  /** The first n slots' RowWorks (the same array and objects every time), the slots made as needed. */
  private worksOf(n: number): RowWork[] {
    while (this.slots.length < n) this.slots.push(newRowWorkSlot());
    return (this.worksOfSize[n] ??= this.slots.slice(0, n).map((s) => s.work));
  }

  /** The trace rows of the group being added. */
  private groupRows(): TraceRow[] {
    const cols = this.groupCols as TraceColumns;
    const order = this.groupOrder;
    const from = this.groupFrom;
    return Array.from({ length: this.input.works.length }, (_, j) => rowAt(cols, order ? order[from + j] : from + j));
  }

  /** The dense rows (denseRows) of a group of `size` rows headed by `first`, as RowWorks under `o`, in the slots. */
  private denseWorks(first: TraceRow, size: number, heads: number, mode: Trace['mode'], o: WorkOptions): RowWork[] {
    const n = Math.max(heads, size);
    const works = this.worksOf(n);
    const queries = denseQueries(first, mode);
    for (let h = 0; h < n; h++) denseRowWorkInto(this.slots[h], this.c, o, first.step, first.layer, h, queries, first.headDim, first.sentenceLength);
    return works;
  }

  /** The dense figures of a group of `size` rows headed by `first` (timed from cycle 0: the schedule is translation invariant). */
  private denseGroupSums(first: TraceRow, size: number, heads: number, mode: Trace['mode']): DenseGroupSums {
    const { c, opts } = this;
    const works = this.denseWorks(first, size, heads, mode, this.denseWo);
    const counts = new Float64Array(COUNT_SLOTS);
    let bytes = 0;
    for (const w of works) {
      addCountsAt(counts, 0, w, c);
      bytes += w.bytes.kMsb + w.bytes.kLsb + w.bytes.v + w.bytes.q;
    }
    // A scratch of its own for the memo to keep (made here: the scheduler's own `new` was a path
    // its optimized code had never seen, one deopt per dense shape). The authors' model reads
    // trace rows: made for it alone.
    const own = newPipelinedScratch();
    return { ...timeGroup({ works, rows: () => denseRows(first, size, heads, mode), headCall: undefined, step: 0, layer: 0 }, c, opts, 0, undefined, own), counts, bytes };
  }

  /** The result, once every group was added; `heads` and `mode` of the whole trace (its dense baseline). */
  finish(heads: number, mode: Trace['mode']): SimulationResult {
    const { c, opts } = this;
    const dense = this.shapes.figures(heads, mode, (first, size) => this.denseGroupSums(first, size, heads, mode));
    for (const sums of this.layers.values()) sums.addDenseShapes(dense);
    const { topKTotal, topKMeasured } = this;
    const layers = new Map<number, LayerAcc>([...this.layers].map(([layer, sums]) => [layer, sums.toLayerAcc()]));
    return assemble(c, { timing: opts.timing, denseBits: opts.denseBits, ...this.conv }, layers, this.stageNames, this.e, { topKTotal, topKMeasured }, this.tl?.timeline);
  }

  /** DRAM bytes of the dense baseline with tensors at `bits` (whole numbers: any order sums them exactly). */
  denseDramBytes(heads: number, mode: Trace['mode'], bits: number): number {
    return tallyDenseDramBytes(this.shapes, heads, mode, this.c, bits);
  }
}
