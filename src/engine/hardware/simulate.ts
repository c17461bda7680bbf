// simulate(): run a Trace and its dense baseline through a timing model and the energy model, and
// aggregate per layer and per head. The library entry point of the hardware room.
//
// Units: cycles at config.clockHz; bytes are DRAM bytes after transaction rounding; energy in
// joules (dynamic, see energyModel.ts); FLOPs count a multiply-add as 2 and cover Q x K (with
// recompute) and prob x V, the work the datapath executes.
import type { Trace, TraceRow } from '../trace/trace';
import { additiveGroupTiming, ADDITIVE_STAGES, type AdditiveGroupTiming } from './additiveTiming';
import { AUTHORS_STAGE_UNITS, AUTHORS_STAGES, authorsGroupTiming, authorsUnitBusy } from './authorsTiming';
import type { AuthorsTopKMode } from './authorsTopK';
import { denseGroup, groupRows } from './denseBaseline';
import { energyPerOp, type EnergyCounts, type EnergyPerOp } from './energyModel';
import type { HardwareConfig } from './hardwareConfig';
import { PIPELINE_STAGES, rowIsMemoryBound, rowStageOccupancy, scheduleGroupPipelined, HARDWARE_UNITS } from './pipelinedTiming';
import { rowWork, type WorkOptions } from './rowWork';
import { addCounts, assemble, zeroCounts, type LayerAcc, type SimulationResult, type TimingModel } from './simulationResult';

import { DEFAULT_TIMELINE_MAX_EVENTS, TimelineBuilder } from './timeline';
import { topKCallTiming, type TopKTiming } from './topKEngine';
import { mixSeed } from '../seededRandom';

export interface SimulateOptions {
  timing: TimingModel;
  /** Bits per element of unquantized tensors and of the dense baseline (32 = the paper's DRAM baseline). */
  denseBits: number;
  /** Seed for estimated top-k rounds (default 1). */
  seed?: number;
  /** Top-k term of the 'authors' timing: bert.cpp's defects reproduced ('as-built', default) or fixed. */
  authorsTopK?: AuthorsTopKMode;
  /** Override the top-k comparators (the ablation's slow top-k uses 1). */
  topKComparators?: number;
  /** Build a timeline; maxEvents caps it (default DEFAULT_TIMELINE_MAX_EVENTS). */
  timeline?: boolean | { maxEvents: number };
  /** Called after each (step, layer) with the fraction done. */
  onProgress?: (fraction: number) => void;
}

const NS = PIPELINE_STAGES.length;

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

/** Busy time per unit of the additive terms (for the bound): DRAM + refetch, fill, both top-ks. */
function additiveUnitBusy(stages: Float64Array, out: Float64Array): void {
  out[0] += stages[0] + stages[5];
  out[1] += stages[1];
  out[3] += stages[3] + stages[4];
}

/** A timing model that adds terms with no overlap ('additive' or 'authors'): its stages, how to time a group, where each term runs. */
interface AddedTermsModel {
  stages: readonly string[];
  group(rows: readonly TraceRow[], unquantizedBits: number): AdditiveGroupTiming;
  unitBusy(stages: Float64Array, out: Float64Array): void;
  /** Hardware unit of each stage in the timeline. */
  stageUnits: readonly number[];
}

function addedTermsModel(c: HardwareConfig, opts: SimulateOptions, seed: number): AddedTermsModel {
  if (opts.timing === 'authors') {
    return { stages: AUTHORS_STAGES, group: (rows) => authorsGroupTiming(rows, c, { topK: opts.authorsTopK }), unitBusy: authorsUnitBusy, stageUnits: AUTHORS_STAGE_UNITS };
  }
  // Laid end to end (no overlap): DRAM and refetch on DRAM, fill on Q x K, drain on Softmax, both top-ks on Top-k.
  return { stages: ADDITIVE_STAGES, group: (rows, bits) => additiveGroupTiming(rows, c, { unquantizedBits: bits, seed }), unitBusy: additiveUnitBusy, stageUnits: [0, 1, 2, 3, 3, 0] };
}

interface DenseGroupResult {
  cycles: number;
  stages: Float64Array;
  unitBusy: Float64Array;
  counts: EnergyCounts;
  bytes: number;
}

function denseGroupResult(g: readonly TraceRow[], heads: number, c: HardwareConfig, opts: SimulateOptions, seed: number): DenseGroupResult {
  const rows = denseGroup(g, heads);
  const works = rows.map((r) => rowWork(r, c, { unquantizedBits: opts.denseBits, seed }));
  const counts = zeroCounts();
  let bytes = 0;
  for (const w of works) {
    addCounts(counts, w, c);
    bytes += w.bytes.kMsb + w.bytes.kLsb + w.bytes.v + w.bytes.q;
  }
  if (opts.timing === 'pipelined') {
    // The schedule is translation invariant, so timing from cycle 0 gives the group's length.
    const dt = scheduleGroupPipelined(works, undefined, c, 0, false);
    return { cycles: dt.end, stages: dt.stages, unitBusy: dt.unitBusy, counts, bytes };
  }
  const model = addedTermsModel(c, opts, seed);
  const at = model.group(rows, opts.denseBits);
  const unitBusy = new Float64Array(HARDWARE_UNITS.length);
  model.unitBusy(at.stages, unitBusy);
  return { cycles: at.cycles, stages: at.stages, unitBusy, counts, bytes };
}

export function simulate(trace: Trace, c: HardwareConfig, opts: SimulateOptions): SimulationResult {
  const seed = opts.seed ?? 1;
  const wo: WorkOptions = { unquantizedBits: opts.denseBits, seed, topKComparators: opts.topKComparators };
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
  let topKTotal = 0;
  let topKMeasured = 0;
  const added = addedTermsModel(c, opts, seed);
  const stageNames = opts.timing === 'pipelined' ? PIPELINE_STAGES : added.stages;
  // The dense baseline of a (step, layer) depends only on its shape (context length, query rows,
  // heads, head dim), which repeats across layers: each shape is timed once.
  const denseMemo = new Map<string, DenseGroupResult>();
  const denseOf = (g: readonly TraceRow[]): DenseGroupResult => {
    const key = `${g[0].sentenceLength}|${g[0].queries}|${Math.max(trace.model.heads, g.length)}|${g[0].headDim}`;
    let d = denseMemo.get(key);
    if (!d) denseMemo.set(key, (d = denseGroupResult(g, trace.model.heads, c, opts, seed)));
    return d;
  };
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
    const dense = denseOf(g);
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
    for (const k of Object.keys(dense.counts) as (keyof EnergyCounts)[]) acc.denseCounts[k] += dense.counts[k];
    acc.denseBytes += dense.bytes;
    acc.denseCycles += dense.cycles;
    for (let s = 0; s < stageNames.length; s++) acc.denseStages[s] += dense.stages[s];
    for (let u = 0; u < HARDWARE_UNITS.length; u++) acc.denseUnitBusy[u] += dense.unitBusy[u];
    if (opts.timing === 'pipelined') {
      const gt = scheduleGroupPipelined(works, headCall, c, t, tl !== undefined);
      acc.cycles += gt.end - gt.start;
      for (let s = 0; s < NS; s++) acc.stages[s] += gt.stages[s];
      for (let u = 0; u < HARDWARE_UNITS.length; u++) acc.unitBusy[u] += gt.unitBusy[u];
      tl?.addGroup(g[0].step, layer, gt.start, gt.end, gt.ops);
      t = gt.end;
    } else {
      const at = added.group(g, opts.denseBits);
      acc.cycles += at.cycles;
      for (let s = 0; s < added.stages.length; s++) acc.stages[s] += at.stages[s];
      added.unitBusy(at.stages, acc.unitBusy);
      if (tl) {
        let s0 = t;
        const spans = added.stages.map((name, i) => {
          const span = { unit: added.stageUnits[i], name, start: s0, dur: at.stages[i] };
          s0 += at.stages[i];
          return span;
        });
        tl.addSpans(g[0].step, layer, spans);
      }
      t += at.cycles;
    }
    opts.onProgress?.((gi + 1) / groups.length);
  }
  return assemble(c, opts, layers, stageNames, e, { topKTotal, topKMeasured }, tl?.timeline);
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
