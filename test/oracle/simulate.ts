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
import type { Trace, TraceRow } from '../../src/engine/trace/trace';
import { additiveGroupTiming, ADDITIVE_STAGES } from '../../src/engine/hardware/additiveTiming';
import { denseGroup, groupRows } from './denseBaseline';
import { energyPerOp, type EnergyCounts, type EnergyPerOp } from '../../src/engine/hardware/energyModel';
import type { HardwareConfig } from '../../src/engine/hardware/hardwareConfig';
import { groupUnitBusy, PIPELINE_STAGES, rowIsMemoryBound, rowStageOccupancy, scheduleGroupPipelined, HARDWARE_UNITS } from './pipelinedTiming';
import { rowWork, type RowWork, type WorkOptions } from './rowWork';
import { assemble, type LayerAcc, type SimulationResult, type TimingModel } from '../../src/engine/hardware/simulationResult';
import { DEFAULT_TIMELINE_MAX_EVENTS, TimelineBuilder } from '../../src/engine/hardware/timeline';
import { topKCallTiming, type TopKTiming } from './topKEngine';
import { mixSeed } from '../../src/engine/seededRandom';

// The energy counts of a row added into an EnergyCounts object, as src's simulationResult did
// before the cycle model kept its sums in typed arrays (addCountsAt): kept here as it was.
function zeroCounts(): EnergyCounts {
  return { macs: 0, softmaxElements: 0, comparisons: 0, sramBytes: 0, dramBytes: 0 };
}

function addCounts(acc: EnergyCounts, w: RowWork, c: HardwareConfig): void {
  const wordBytes = (w.headDim * c.datapathBits) / 8; // one vector as datapath words in SRAM
  acc.macs += w.qkMacs + w.pvMacs;
  acc.softmaxElements += w.softmaxElements;
  acc.comparisons += (w.localVTopK ? w.queries * w.localVTopK.comparisons : 0) + (w.tokenTopK ? w.tokenTopK.comparisons : 0);
  // Written once when fetched, read once per query (and per recompute).
  acc.sramBytes += (w.keys + w.values) * wordBytes + ((w.queries + w.refetchedQueries) * w.keys + w.queries * w.values) * wordBytes;
  acc.dramBytes += w.bytes.kMsb + w.bytes.kLsb + w.bytes.v + w.bytes.q;
}

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
  /** Build a timeline; maxEvents caps it (default DEFAULT_TIMELINE_MAX_EVENTS). */
  timeline?: boolean | { maxEvents: number };
  /** Called after each (step, layer) with the fraction done. */
  onProgress?: (fraction: number) => void;
}

const NS = PIPELINE_STAGES.length;

/** The conventions a run used, resolved from the options and the trace. */
export function resolvedConventions(trace: Trace, opts: SimulateOptions): { unquantizedBits: number; fetchRounding: number } {
  return {
    unquantizedBits: opts.unquantizedBits ?? trace.unquantizedBits ?? 8,
    fetchRounding: opts.fetchRounding ?? 1,
  };
}

/** Head top-k after each (step, layer): from the trace's layerSteps, else inferred from the heads of the next layer. */
function headTopKCalls(trace: Trace, groups: readonly TraceRow[][], c: HardwareConfig, seed: number): (TopKTiming | undefined)[] {
  const byKey = new Map<string, TopKTiming>();
  if (trace.layerSteps) {
    for (const ls of trace.layerSteps) {
      if (ls.headTopK) byKey.set(`${ls.step}:${ls.layer}`, topKCallTiming(ls.headTopK, c.topKComparators, c.latencies.topKRound, mixSeed(seed, 3, ls.step, ls.layer)));
    }
    return groups.map((g) => byKey.get(`${g[0].step}:${g[0].layer}`));
  }
  return groups.map((g, i) => {
    const next = groups[i + 1];
    if (!next || next[0].step !== g[0].step || next.length >= g.length) return undefined;
    return topKCallTiming({ n: g.length, k: next.length }, c.topKComparators, c.latencies.topKRound, mixSeed(seed, 3, g[0].step, g[0].layer));
  });
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

/** Time one (step, layer) of row works with the chosen model, from cycle `t`. */
function timeGroup(works: readonly RowWork[], headCall: TopKTiming | undefined, c: HardwareConfig, timing: TimingModel, t: number, tl: TimelineBuilder | undefined, step: number, layer: number): GroupResult {
  const busy = groupUnitBusy(works, headCall, c);
  const lowerBound = maxOf(busy);
  if (timing === 'pipelined') {
    const gt = scheduleGroupPipelined(works, headCall, c, t, tl !== undefined);
    tl?.addGroup(step, layer, gt.start, gt.end, gt.ops);
    return { cycles: gt.end - gt.start, lowerBound, stages: gt.stages, unitBusy: gt.unitBusy };
  }
  const at = additiveGroupTiming(works, headCall, c);
  const unitBusy = new Float64Array(HARDWARE_UNITS.length);
  additiveUnitBusy(at.stages, unitBusy);
  if (tl) {
    // Laid end to end (no overlap): DRAM and refetch on DRAM, fill on Q x K, drain on Softmax,
    // the top-ks on Top-k.
    const unitOf = [0, 1, 2, 3, 3, 0, 3];
    let s0 = t;
    tl.addSpans(step, layer, ADDITIVE_STAGES.map((name, i) => {
      const span = { unit: unitOf[i], name, start: s0, dur: at.stages[i] };
      s0 += at.stages[i];
      return span;
    }));
  }
  return { cycles: at.cycles, lowerBound, stages: at.stages, unitBusy };
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
  const seed = opts.seed ?? 1;
  const conv = resolvedConventions(trace, opts);
  const wo: WorkOptions = { unquantizedBits: conv.unquantizedBits, seed, fetchRounding: conv.fetchRounding };
  const denseWo: WorkOptions = { unquantizedBits: opts.denseBits, seed, fetchRounding: conv.fetchRounding };
  const e: EnergyPerOp = energyPerOp(c);
  const groups = groupRows(trace.rows);
  const headCalls = headTopKCalls(trace, groups, c, seed);
  const wantTimeline = opts.timeline !== undefined && opts.timeline !== false;
  const maxEvents = typeof opts.timeline === 'object' ? opts.timeline.maxEvents : DEFAULT_TIMELINE_MAX_EVENTS;
  const tl = wantTimeline ? new TimelineBuilder(c.clockHz, trace.rows.length * 6, maxEvents) : undefined;
  const layers = new Map<number, LayerAcc>();
  const occ = new Float64Array(NS);
  let t = 0;
  let topKTotal = 0;
  let topKMeasured = 0;
  const stageNames = opts.timing === 'pipelined' ? PIPELINE_STAGES : ADDITIVE_STAGES;
  // The dense baseline of a (step, layer) depends only on its shape (context length, query rows,
  // heads, head dim), which repeats across layers: each shape is timed once.
  const denseMemo = new Map<string, DenseGroupResult>();
  const denseOf = (g: readonly TraceRow[]): DenseGroupResult => {
    const rows = denseGroup(g, trace.model.heads, trace.mode);
    const key = `${rows[0].sentenceLength}|${rows[0].queries}|${rows.length}|${rows[0].headDim}`;
    let d = denseMemo.get(key);
    if (!d) {
      const works = rows.map((r) => rowWork(r, c, denseWo));
      const counts = zeroCounts();
      let bytes = 0;
      for (const w of works) {
        addCounts(counts, w, c);
        bytes += w.bytes.kMsb + w.bytes.kLsb + w.bytes.v + w.bytes.q;
      }
      // The schedule is translation invariant, so timing from cycle 0 gives the group's length.
      d = { ...timeGroup(works, undefined, c, opts.timing, 0, undefined, 0, 0), counts, bytes };
      denseMemo.set(key, d);
    }
    return d;
  };
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    const layer = g[0].layer;
    let acc = layers.get(layer);
    if (!acc) layers.set(layer, (acc = newLayerAcc(stageNames.length)));
    const works = g.map((r) => rowWork(r, c, wo));
    for (const w of works) {
      addCounts(acc.counts, w, c);
      acc.bytes.kMsb += w.bytes.kMsb;
      acc.bytes.kLsb += w.bytes.kLsb;
      acc.bytes.v += w.bytes.v;
      acc.bytes.q += w.bytes.q;
      for (const call of [w.localVTopK, w.tokenTopK]) {
        if (!call) continue;
        topKTotal++;
        if (call.measured) topKMeasured++;
      }
      rowStageOccupancy(w, c, occ);
      let h = acc.heads.get(w.head);
      if (!h) acc.heads.set(w.head, (h = { rows: 0, busy: new Float64Array(NS), memRows: 0, bytes: { kMsb: 0, kLsb: 0, v: 0, q: 0 } }));
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
    const dense = denseOf(g);
    for (const k of Object.keys(dense.counts) as (keyof EnergyCounts)[]) acc.denseCounts[k] += dense.counts[k];
    acc.denseBytes += dense.bytes;
    acc.denseCycles += dense.cycles;
    for (let s = 0; s < stageNames.length; s++) acc.denseStages[s] += dense.stages[s];
    for (let u = 0; u < HARDWARE_UNITS.length; u++) acc.denseUnitBusy[u] += dense.unitBusy[u];
    const gt = timeGroup(works, headCall, c, opts.timing, t, tl, g[0].step, layer);
    acc.cycles += gt.cycles;
    acc.lowerBoundCycles += gt.lowerBound;
    for (let s = 0; s < stageNames.length; s++) acc.stages[s] += gt.stages[s];
    for (let u = 0; u < HARDWARE_UNITS.length; u++) acc.unitBusy[u] += gt.unitBusy[u];
    t += gt.cycles;
    opts.onProgress?.((gi + 1) / groups.length);
  }
  return assemble(c, { timing: opts.timing, denseBits: opts.denseBits, ...conv }, layers, stageNames, e, { topKTotal, topKMeasured }, tl?.timeline);
}

/** DRAM bytes of the trace's dense baseline with tensors at `bits` (e.g. 8 for the int8 comparison). */
export function denseDramBytes(trace: Trace, c: HardwareConfig, bits: number): number {
  let total = 0;
  const o: WorkOptions = { unquantizedBits: bits, seed: 1 };
  for (const g of groupRows(trace.rows)) {
    for (const r of denseGroup(g, trace.model.heads, trace.mode)) {
      const b = rowWork(r, c, o).bytes;
      total += b.kMsb + b.kLsb + b.v + b.q;
    }
  }
  return total;
}
