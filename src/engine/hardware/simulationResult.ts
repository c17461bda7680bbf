// The result of simulate() and its aggregation: per-layer and per-head figures from the
// accumulated per-(step, layer) timings and operation counts. Units as in simulate.ts.
import { energyOf, type EnergyBreakdown, type EnergyCounts, type EnergyPerOp } from './energyModel';
import type { HardwareConfig } from './hardwareConfig';
import { peakBandwidthBytesPerSecond } from './hardwareConfig';
import { HARDWARE_UNITS, PIPELINE_STAGES } from './pipelinedTiming';
import type { RowWork, TensorBytes } from './rowWork';
import type { Timeline } from './timeline';

/** The report's per-layer hardware figures (the report's `layers` are exactly these). */
/** Cycles of one layer split by pipeline stage (modelled, cycles at the configured clock). */
export interface StageCycles {
  [stage: string]: number;
}

export interface LayerHardware {
  layer: number;
  /** Modelled cycles for SpAtten and for the dense baseline on the same hardware. */
  cycles: number;
  denseCycles: number;
  /** Cycles by stage (overlapped stages count where they are the bottleneck). */
  stages: StageCycles;
  denseStages: StageCycles;
  /** Which resource bounds the layer. */
  bound: 'memory' | 'compute';
  /** DRAM bytes by tensor (modelled, transaction-rounded). */
  dramBytes: { kMsb: number; kLsb: number; v: number; q: number };
  denseDramBytes: number;
  /** Modelled energy of the layer, joules. */
  energyJoules: number;
  denseEnergyJoules: number;
}

export type TimingModel = 'pipelined' | 'additive' | 'authors';

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

/**
 * One layer's result: the report's LayerHardware (cycles and stages for SpAtten and the dense
 * baseline, bound, DRAM bytes by tensor, energy) plus what the CLI tables and the timeline need.
 */
export interface LayerSimulation extends LayerHardware {
  /** Busy cycles of the busiest unit, summed over the layer's (step, layer) groups: no schedule is faster. */
  lowerBoundCycles: number;
  denseBound: 'memory' | 'compute';
  /** Busy cycles per hardware unit (pipelined model). */
  unitBusy: Record<string, number>;
  dramBytes: TensorBytes;
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
  /** Bits billed for tensors the trace marks unquantized (-1). */
  unquantizedBits: number;
  /** Fetch counts rounded up to a multiple of this (1 = as recorded). */
  fetchRounding: number;
  clockHz: number;
  totalCycles: number;
  /** Sum over (step, layer) of the busiest unit's busy cycles: a bound no schedule beats. */
  lowerBoundCycles: number;
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

/** Per (layer, head) accumulator: rows, busy cycles by stage, memory-bound rows, DRAM bytes. */
export interface HeadAcc {
  rows: number;
  busy: Float64Array;
  memRows: number;
  bytes: TensorBytes;
}

export interface LayerAcc {
  cycles: number;
  lowerBoundCycles: number;
  denseCycles: number;
  stages: Float64Array;
  denseStages: Float64Array;
  unitBusy: Float64Array;
  denseUnitBusy: Float64Array;
  bytes: TensorBytes;
  denseBytes: number;
  counts: EnergyCounts;
  denseCounts: EnergyCounts;
  heads: Map<number, HeadAcc>;
}

/** EnergyCounts as COUNT_SLOTS values of a Float64Array: macs, softmaxElements, comparisons, sramBytes, dramBytes. */
export const COUNT_SLOTS = 5;

/** Add one row's energy counts to sums[at .. at + COUNT_SLOTS) (countsAt's order). */
export function addCountsAt(sums: Float64Array, at: number, w: RowWork, c: HardwareConfig): void {
  const wordBytes = (w.headDim * c.datapathBits) / 8; // one vector as datapath words in SRAM
  sums[at] += w.qkMacs + w.pvMacs;
  sums[at + 1] += w.softmaxElements;
  sums[at + 2] += (w.localVTopK ? w.queries * w.localVTopK.comparisons : 0) + (w.tokenTopK ? w.tokenTopK.comparisons : 0);
  // Written once when fetched, read once per query (and per recompute).
  sums[at + 3] += (w.keys + w.values) * wordBytes + ((w.queries + w.refetchedQueries) * w.keys + w.queries * w.values) * wordBytes;
  sums[at + 4] += w.bytes.kMsb + w.bytes.kLsb + w.bytes.v + w.bytes.q;
}

/** The EnergyCounts at sums[at .. at + COUNT_SLOTS). */
export function countsAt(sums: Float64Array, at: number): EnergyCounts {
  return { macs: sums[at], softmaxElements: sums[at + 1], comparisons: sums[at + 2], sramBytes: sums[at + 3], dramBytes: sums[at + 4] };
}

function stagesRecord(names: readonly string[], v: Float64Array): StageCycles {
  const out: StageCycles = {};
  names.forEach((n, i) => (out[n] = v[i]));
  return out;
}

function bound(busy: Float64Array): 'memory' | 'compute' {
  let compute = 0;
  for (let u = 1; u < busy.length; u++) compute = Math.max(compute, busy[u]);
  return busy[0] >= compute ? 'memory' : 'compute';
}

export function assemble(
  c: HardwareConfig,
  opts: { timing: TimingModel; denseBits: number; unquantizedBits: number; fetchRounding: number },
  layers: Map<number, LayerAcc>,
  stageNames: readonly string[],
  e: EnergyPerOp,
  topK: { topKTotal: number; topKMeasured: number },
  timeline: Timeline | undefined,
): SimulationResult {
  const bytesPerCycle = peakBandwidthBytesPerSecond(c) / c.clockHz;
  const multipliers = c.qkMultipliers + c.pvMultipliers;
  const out: LayerSimulation[] = [];
  const tot = { lowerBound: 0, cycles: 0, dense: 0, kMsb: 0, kLsb: 0, v: 0, q: 0, denseBytes: 0, energy: 0, denseEnergy: 0, macs: 0, denseMacs: 0 };
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
      lowerBoundCycles: a.lowerBoundCycles,
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
    tot.lowerBound += a.lowerBoundCycles;
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
  return {
    hardware: c.name,
    timing: opts.timing,
    denseBits: opts.denseBits,
    unquantizedBits: opts.unquantizedBits,
    fetchRounding: opts.fetchRounding,
    clockHz: c.clockHz,
    totalCycles: tot.cycles,
    lowerBoundCycles: tot.lowerBound,
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

/** Map a layer result to the report's LayerHardware (src/engine/report/profileReport.ts). */
export function toLayerHardware(l: LayerSimulation): LayerHardware {
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
