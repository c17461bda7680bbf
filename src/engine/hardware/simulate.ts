// simulate(): run a Trace and its dense baseline through a timing model and the energy model, and
// aggregate per layer and per head. The library entry point of the hardware room.
//
// Units: cycles at config.clockHz; bytes are DRAM bytes after transaction rounding; energy in
// joules (dynamic, see energyModel.ts); FLOPs count a multiply-add as 2 and cover Q x K (with
// recompute) and prob x V, the work the datapath executes.
import type { StageCycles } from '../report/profileReport';
import type { Trace, TraceRow } from '../trace/trace';
import { additiveGroupTiming, ADDITIVE_STAGES } from './additiveTiming';
import { denseGroup, groupRows } from './denseBaseline';
import { energyOf, energyPerOp, type EnergyBreakdown, type EnergyCounts, type EnergyPerOp } from './energyModel';
import type { HardwareConfig } from './hardwareConfig';
import { peakBandwidthBytesPerSecond } from './hardwareConfig';
import { PIPELINE_STAGES, rowIsMemoryBound, rowStageOccupancy, scheduleGroupPipelined, HARDWARE_UNITS } from './pipelinedTiming';
import { rowWork, type RowWork, type TensorBytes, type WorkOptions } from './rowWork';
import { DEFAULT_TIMELINE_MAX_EVENTS, TimelineBuilder, type Timeline } from './timeline';
import { mixSeed, topKCallTiming, type TopKTiming } from './topKEngine';

export type TimingModel = 'pipelined' | 'additive';

export interface SimulateOptions {
  timing: TimingModel;
  /** Bits per element of unquantized tensors and of the dense baseline (32 = the paper's DRAM baseline). */
  denseBits: number;
  /** Seed for estimated top-k rounds (default 1). */
  seed?: number;
  /** Override the top-k comparators (the ablation's slow top-k uses 1). */
  topKComparators?: number;
  /** Build a timeline; maxEvents caps it (default DEFAULT_TIMELINE_MAX_EVENTS). */
  timeline?: boolean | { maxEvents: number };
  /** Called after each (step, layer) with the fraction done. */
  onProgress?: (fraction: number) => void;
}

export interface HeadSimulation {
  head: number;
  rows: number;
  /** Busy cycles of the head's rows by stage (occupancy; overlapped, so these do not add up to the layer's cycles). */
  busy: StageCycles;
  /** Rows whose DRAM time was at least their busiest compute unit's. */
  memoryBoundRows: number;
  bound: 'memory' | 'compute';
  dramBytes: TensorBytes;
}

export interface LayerSimulation {
  layer: number;
  /** Cycles over all steps (SpAtten and dense baseline). */
  cycles: number;
  denseCycles: number;
  /** Cycles by stage, summing to `cycles` (pipelined: DRAM time first, then exposed compute, then fill/drain). */
  stages: StageCycles;
  denseStages: StageCycles;
  /** Memory when the DRAM was busy at least as long as the busiest compute unit. */
  bound: 'memory' | 'compute';
  denseBound: 'memory' | 'compute';
  /** Busy cycles per hardware unit (pipelined model). */
  unitBusy: Record<string, number>;
  dramBytes: TensorBytes;
  denseDramBytes: number;
  energyJoules: number;
  denseEnergyJoules: number;
  energy: EnergyBreakdown;
  /** Executed FLOPs (SpAtten) and dense FLOPs. */
  flops: number;
  denseFlops: number;
  /** Fractions in [0, 1]: multipliers busy (MACs / (multipliers x cycles)), DRAM bandwidth used. */
  utilization: { multipliers: number; dramBandwidth: number };
  heads: HeadSimulation[];
}

export interface SimulationResult {
  hardware: string;
  timing: TimingModel;
  denseBits: number;
  clockHz: number;
  totalCycles: number;
  denseCycles: number;
  seconds: number;
  denseSeconds: number;
  /** denseCycles / totalCycles (same hardware, same timing model). */
  speedup: number;
  dramBytes: number;
  dramBytesByTensor: TensorBytes;
  denseDramBytes: number;
  energyJoules: number;
  denseEnergyJoules: number;
  flops: number;
  denseFlops: number;
  /** Executed FLOPs per second / 1e12. */
  tflops: number;
  utilization: { multipliers: number; dramBandwidth: number };
  /** Top-k calls and how many had rounds measured by the functional engine. */
  topKCalls: { total: number; measured: number };
  layers: LayerSimulation[];
  timeline?: Timeline;
}

const NS = PIPELINE_STAGES.length;

interface LayerAcc {
  cycles: number;
  denseCycles: number;
  stages: Float64Array;
  denseStages: Float64Array;
  unitBusy: Float64Array;
  denseUnitBusy: Float64Array;
  bytes: TensorBytes;
  denseBytes: number;
  counts: EnergyCounts;
  denseCounts: EnergyCounts;
  heads: Map<number, { rows: number; busy: Float64Array; memRows: number; bytes: TensorBytes }>;
}

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

function stagesRecord(names: readonly string[], v: Float64Array): StageCycles {
  const out: StageCycles = {};
  names.forEach((n, i) => (out[n] = v[i]));
  return out;
}

/** Head top-k after each (step, layer): from the trace's layerSteps, else inferred from the heads of the next layer. */
function headTopKCalls(trace: Trace, groups: readonly TraceRow[][], comparators: number, c: HardwareConfig, seed: number): (TopKTiming | undefined)[] {
  const byKey = new Map<string, TopKTiming>();
  if (trace.layerSteps) {
    for (const ls of trace.layerSteps) {
      if (ls.headTopK) byKey.set(`${ls.step}:${ls.layer}`, topKCallTiming(ls.headTopK, comparators, c.latencies.topKRound, mixSeed(seed, 3, ls.step, ls.layer)));
    }
    return groups.map((g) => byKey.get(`${g[0].step}:${g[0].layer}`));
  }
  return groups.map((g, i) => {
    const next = groups[i + 1];
    if (!next || next[0].step !== g[0].step || next.length >= g.length) return undefined;
    return topKCallTiming({ n: g.length, k: next.length }, comparators, c.latencies.topKRound, mixSeed(seed, 3, g[0].step, g[0].layer));
  });
}

export function simulate(trace: Trace, c: HardwareConfig, opts: SimulateOptions): SimulationResult {
  const seed = opts.seed ?? 1;
  const wo: WorkOptions = { unquantizedBits: opts.denseBits, seed, topKComparators: opts.topKComparators };
  const denseWo: WorkOptions = { unquantizedBits: opts.denseBits, seed };
  const comparators = opts.topKComparators ?? c.topKComparators;
  const e: EnergyPerOp = energyPerOp(c);
  const groups = groupRows(trace.rows);
  const headCalls = headTopKCalls(trace, groups, comparators, c, seed);
  const wantTimeline = opts.timeline !== undefined && opts.timeline !== false;
  const maxEvents = typeof opts.timeline === 'object' ? opts.timeline.maxEvents : DEFAULT_TIMELINE_MAX_EVENTS;
  const tl = wantTimeline ? new TimelineBuilder(c.clockHz, trace.rows.length * 6, maxEvents) : undefined;
  const layers = new Map<number, LayerAcc>();
  const occ = new Float64Array(NS);
  let t = 0;
  let denseT = 0;
  let topKTotal = 0;
  let topKMeasured = 0;
  const stageNames = opts.timing === 'pipelined' ? PIPELINE_STAGES : ADDITIVE_STAGES;
  for (let gi = 0; gi < groups.length; gi++) {
    const g = groups[gi];
    const layer = g[0].layer;
    let acc = layers.get(layer);
    if (!acc) {
      acc = {
        cycles: 0,
        denseCycles: 0,
        stages: new Float64Array(stageNames.length),
        denseStages: new Float64Array(stageNames.length),
        unitBusy: new Float64Array(HARDWARE_UNITS.length),
        denseUnitBusy: new Float64Array(HARDWARE_UNITS.length),
        bytes: { kMsb: 0, kLsb: 0, v: 0, q: 0 },
        denseBytes: 0,
        counts: zeroCounts(),
        denseCounts: zeroCounts(),
        heads: new Map(),
      };
      layers.set(layer, acc);
    }
    const works = g.map((r) => rowWork(r, c, wo));
    const dense = denseGroup(g, trace.model.heads);
    const denseWorks = dense.map((r) => rowWork(r, c, denseWo));
    const headCall = headCalls[gi];
    for (const w of works) {
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
    if (headCall) acc.counts.comparisons += headCall.comparisons;
    for (const w of denseWorks) {
      addCounts(acc.denseCounts, w, c);
      acc.denseBytes += w.bytes.kMsb + w.bytes.kLsb + w.bytes.v + w.bytes.q;
    }
    if (opts.timing === 'pipelined') {
      const gt = scheduleGroupPipelined(works, headCall, c, t, tl !== undefined);
      const dt = scheduleGroupPipelined(denseWorks, undefined, c, denseT, false);
      acc.cycles += gt.end - gt.start;
      acc.denseCycles += dt.end - dt.start;
      for (let s = 0; s < NS; s++) {
        acc.stages[s] += gt.stages[s];
        acc.denseStages[s] += dt.stages[s];
      }
      for (let u = 0; u < HARDWARE_UNITS.length; u++) {
        acc.unitBusy[u] += gt.unitBusy[u];
        acc.denseUnitBusy[u] += dt.unitBusy[u];
      }
      tl?.addGroup(g[0].step, layer, gt.start, gt.end, gt.ops);
      t = gt.end;
      denseT = dt.end;
    } else {
      const at = additiveGroupTiming(g, c, { unquantizedBits: opts.denseBits, seed });
      const dt = additiveGroupTiming(dense, c, { unquantizedBits: opts.denseBits, seed });
      acc.cycles += at.cycles;
      acc.denseCycles += dt.cycles;
      for (let s = 0; s < ADDITIVE_STAGES.length; s++) {
        acc.stages[s] += at.stages[s];
        acc.denseStages[s] += dt.stages[s];
      }
      // Additive terms have no overlap: DRAM, then fill on Q x K, drain on Softmax, token top-k on Top-k.
      acc.unitBusy[0] += at.stages[0];
      acc.denseUnitBusy[0] += dt.stages[0];
      acc.unitBusy[1] += at.stages[1];
      acc.denseUnitBusy[1] += dt.stages[1];
      if (tl) {
        let s0 = t;
        const spans = [0, 1, 2, 3].map((i) => {
          const span = { unit: [0, 1, 2, 3][i], name: ADDITIVE_STAGES[i], start: s0, dur: at.stages[i] };
          s0 += at.stages[i];
          return span;
        });
        tl.addSpans(g[0].step, layer, spans);
      }
      t += at.cycles;
      denseT += dt.cycles;
    }
    opts.onProgress?.((gi + 1) / groups.length);
  }
  return assemble(trace, c, opts, layers, stageNames, e, { topKTotal, topKMeasured }, tl?.timeline);
}

function bound(busy: Float64Array): 'memory' | 'compute' {
  let compute = 0;
  for (let u = 1; u < busy.length; u++) compute = Math.max(compute, busy[u]);
  return busy[0] >= compute ? 'memory' : 'compute';
}

function assemble(
  trace: Trace,
  c: HardwareConfig,
  opts: SimulateOptions,
  layers: Map<number, LayerAcc>,
  stageNames: readonly string[],
  e: EnergyPerOp,
  topK: { topKTotal: number; topKMeasured: number },
  timeline: Timeline | undefined,
): SimulationResult {
  const bytesPerCycle = peakBandwidthBytesPerSecond(c) / c.clockHz;
  const multipliers = c.qkMultipliers + c.pvMultipliers;
  const out: LayerSimulation[] = [];
  const tot = { cycles: 0, dense: 0, kMsb: 0, kLsb: 0, v: 0, q: 0, denseBytes: 0, energy: 0, denseEnergy: 0, macs: 0, denseMacs: 0 };
  for (const layer of [...layers.keys()].sort((a, b) => a - b)) {
    const a = layers.get(layer) as LayerAcc;
    const energy = energyOf(a.counts, e);
    const denseEnergy = energyOf(a.denseCounts, e);
    const dram = a.bytes.kMsb + a.bytes.kLsb + a.bytes.v + a.bytes.q;
    const heads: HeadSimulation[] = [...a.heads.entries()]
      .sort((x, y) => x[0] - y[0])
      .map(([head, h]) => ({
        head,
        rows: h.rows,
        busy: stagesRecord(PIPELINE_STAGES, h.busy),
        memoryBoundRows: h.memRows,
        bound: h.memRows * 2 >= h.rows ? 'memory' : 'compute',
        dramBytes: h.bytes,
      }));
    out.push({
      layer,
      cycles: a.cycles,
      denseCycles: a.denseCycles,
      stages: stagesRecord(stageNames, a.stages),
      denseStages: stagesRecord(stageNames, a.denseStages),
      bound: bound(a.unitBusy),
      denseBound: bound(a.denseUnitBusy),
      unitBusy: stagesRecord(HARDWARE_UNITS, a.unitBusy),
      dramBytes: { ...a.bytes },
      denseDramBytes: a.denseBytes,
      energyJoules: energy.total,
      denseEnergyJoules: denseEnergy.total,
      energy,
      flops: 2 * a.counts.macs,
      denseFlops: 2 * a.denseCounts.macs,
      utilization: {
        multipliers: a.cycles > 0 ? a.counts.macs / (multipliers * a.cycles) : 0,
        dramBandwidth: a.cycles > 0 ? dram / (bytesPerCycle * a.cycles) : 0,
      },
      heads,
    });
    tot.cycles += a.cycles;
    tot.dense += a.denseCycles;
    tot.kMsb += a.bytes.kMsb;
    tot.kLsb += a.bytes.kLsb;
    tot.v += a.bytes.v;
    tot.q += a.bytes.q;
    tot.denseBytes += a.denseBytes;
    tot.energy += energy.total;
    tot.denseEnergy += denseEnergy.total;
    tot.macs += a.counts.macs;
    tot.denseMacs += a.denseCounts.macs;
  }
  const seconds = tot.cycles / c.clockHz;
  const dramBytes = tot.kMsb + tot.kLsb + tot.v + tot.q;
  void trace;
  return {
    hardware: c.name,
    timing: opts.timing,
    denseBits: opts.denseBits,
    clockHz: c.clockHz,
    totalCycles: tot.cycles,
    denseCycles: tot.dense,
    seconds,
    denseSeconds: tot.dense / c.clockHz,
    speedup: tot.cycles > 0 ? tot.dense / tot.cycles : 0,
    dramBytes,
    dramBytesByTensor: { kMsb: tot.kMsb, kLsb: tot.kLsb, v: tot.v, q: tot.q },
    denseDramBytes: tot.denseBytes,
    energyJoules: tot.energy,
    denseEnergyJoules: tot.denseEnergy,
    flops: 2 * tot.macs,
    denseFlops: 2 * tot.denseMacs,
    tflops: seconds > 0 ? (2 * tot.macs) / seconds / 1e12 : 0,
    utilization: {
      multipliers: tot.cycles > 0 ? tot.macs / (multipliers * tot.cycles) : 0,
      dramBandwidth: tot.cycles > 0 ? dramBytes / (bytesPerCycle * tot.cycles) : 0,
    },
    topKCalls: { total: topK.topKTotal, measured: topK.topKMeasured },
    layers: out,
    timeline,
  };
}

/** DRAM bytes of the trace's dense baseline with tensors at `bits` (e.g. 8 for the int8 comparison). */
export function denseDramBytes(trace: Trace, c: HardwareConfig, bits: number): number {
  let total = 0;
  const o: WorkOptions = { unquantizedBits: bits, seed: 1 };
  for (const g of groupRows(trace.rows)) {
    for (const r of denseGroup(g, trace.model.heads)) {
      const b = rowWork(r, c, o).bytes;
      total += b.kMsb + b.kLsb + b.v + b.q;
    }
  }
  return total;
}

/** Map a layer result to the report's LayerHardware (src/engine/report/profileReport.ts). */
export function toLayerHardware(l: LayerSimulation): import('../report/profileReport').LayerHardware {
  return {
    layer: l.layer,
    cycles: l.cycles,
    denseCycles: l.denseCycles,
    stages: l.stages,
    denseStages: l.denseStages,
    bound: l.bound,
    dramBytes: l.dramBytes,
    denseDramBytes: l.denseDramBytes,
    energyJoules: l.energyJoules,
    denseEnergyJoules: l.denseEnergyJoules,
  };
}
