// The pipelined timing model (default): a schedule of one (step, layer) of rows through the units
// of the SpAtten pipeline, with DRAM and compute overlapped.
//
// Per row (one head's query rows), in order:
//   DRAM K MSB + Q -> [convert] Q x K -> softmax -> requant decision
//   -> (refetch) DRAM K LSB -> Q x K again -> softmax again -> local-V top-k -> DRAM V -> prob x V
// and per (step, layer): the cascade token top-k once all heads' scores are in, and the head top-k
// once all heads' outputs are. The next (step, layer) starts after this one ends: its query comes
// from this layer's output (FC layers run elsewhere) and its keys from the token top-k.
//
// Units are in-order and each op holds its unit for its occupancy. A consumer streams behind its
// producer: it starts `latency` after the producer starts and ends no earlier than `latency` after
// the producer ends. Double buffering: row r's K fetch may start once row r-2 has finished Q x K
// (the buffer half it reuses), so row r+1's fetch overlaps row r's compute; a row whose keys do
// not fit one half takes both and must wait for row r-1. V likewise with prob x V. The DRAM is one
// in-order queue: K(r+1) is issued ahead of LSB(r) and V(r) (the prefetch).
//
// Stage attribution: every cycle of the (step, layer) goes to one stage, so stages sum to the
// cycles. A cycle where DRAM transfers counts as that transfer (memory time); otherwise to the
// busy compute stage first in PIPELINE_STAGES order; a cycle where nothing is busy is fill/drain
// latency (DRAM latency and pipeline depths exposed at the start and end).
import type { HardwareConfig } from './hardwareConfig';
import { bufferTokens } from './hardwareConfig';
import { dramTransferCycles } from './hbmChannel';
import type { RowWork } from './rowWork';
import type { TopKTiming } from './topKEngine';

export const PIPELINE_STAGES = [
  'fetchK',
  'fetchKLsb',
  'fetchV',
  'tokenTopK',
  'headTopK',
  'localVTopK',
  'softmax',
  'requant',
  'qk',
  'pv',
  'fillDrain',
] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
const S = Object.fromEntries(PIPELINE_STAGES.map((s, i) => [s, i])) as Record<PipelineStage, number>;

/** Hardware units = timeline tracks. */
export const HARDWARE_UNITS = ['DRAM', 'Q x K', 'Softmax', 'Top-k', 'Prob x V'] as const;
export type HardwareUnit = (typeof HARDWARE_UNITS)[number];
const U_DRAM = 0;
const U_QK = 1;
const U_SM = 2;
const U_TOPK = 3;
const U_PV = 4;

/** One scheduled op: a (step, layer, head) of work on one unit. Times in cycles from the trace start. */
export interface ScheduledOp {
  unit: number;
  stage: number;
  start: number;
  end: number;
  /** Head of the row, or -1 for the per-layer top-ks. */
  head: number;
  /** DRAM bytes moved (DRAM ops), else 0. */
  bytes: number;
}

export interface GroupTiming {
  start: number;
  end: number;
  /** Cycles by stage (index = PIPELINE_STAGES), summing to end - start. */
  stages: Float64Array;
  /** Busy cycles by unit (index = HARDWARE_UNITS). */
  unitBusy: Float64Array;
  /** Per row: memory-bound when its DRAM occupancy is at least its busiest compute unit's. */
  rowMemoryBound: boolean[];
  ops: ScheduledOp[];
}

/** Occupancy of each unit-stage for one row (index = PIPELINE_STAGES), cycles. Overwrites `out`. */
export function rowStageOccupancy(w: RowWork, c: HardwareConfig, out: Float64Array): Float64Array {
  out.fill(0);
  const perQueryQk = Math.ceil((w.keys * w.headDim) / c.qkMultipliers);
  const perQuerySm = Math.ceil(w.keys / c.softmaxLanes);
  out[S.fetchK] = dramTransferCycles(w.bytes.kMsb + w.bytes.q, c);
  out[S.fetchKLsb] = dramTransferCycles(w.bytes.kLsb, c);
  out[S.fetchV] = dramTransferCycles(w.bytes.v, c);
  out[S.qk] = w.queries * perQueryQk;
  out[S.softmax] = w.queries * perQuerySm;
  out[S.requant] = w.refetchedQueries * (perQueryQk + perQuerySm);
  out[S.localVTopK] = w.localVTopK ? w.queries * w.localVTopK.cycles : 0;
  out[S.pv] = w.queries * Math.ceil((w.values * w.headDim) / c.pvMultipliers);
  out[S.tokenTopK] = w.tokenTopK ? w.tokenTopK.cycles : 0;
  return out;
}

/** True when the row's DRAM occupancy is at least its busiest compute unit's (recompute included). */
export function rowIsMemoryBound(w: RowWork, occ: Float64Array): boolean {
  const dram = occ[S.fetchK] + occ[S.fetchKLsb] + occ[S.fetchV];
  const again = w.queries > 0 ? (w.queries + w.refetchedQueries) / w.queries : 1;
  const compute = Math.max(occ[S.qk] * again, occ[S.softmax] * again, occ[S.localVTopK] + occ[S.tokenTopK], occ[S.pv]);
  return dram >= compute;
}

/**
 * Schedule one (step, layer): `rows` in head order, starting at cycle `start`.
 * `headTopK`: the head top-k after the layer, if any. `keepOps`: return the op list (timeline).
 */
export function scheduleGroupPipelined(
  rows: readonly RowWork[],
  headTopK: TopKTiming | undefined,
  c: HardwareConfig,
  start: number,
  keepOps: boolean,
): GroupTiming {
  const L = c.latencies;
  const lat = c.dramLatencyCycles;
  const ops: ScheduledOp[] = [];
  const unitBusy = new Float64Array(HARDWARE_UNITS.length);
  const rowMemoryBound: boolean[] = new Array(rows.length);
  // Every op also feeds the stage attribution sweep, so ops are always collected.
  const push = (unit: number, stage: number, s: number, e: number, head: number, bytes: number): void => {
    if (e <= s) return;
    ops.push({ unit, stage, start: s, end: e, head, bytes });
    unitBusy[unit] += e - s;
  };
  let dramFree = start;
  let qkFree = start;
  let smFree = start;
  let topkFree = start;
  let pvFree = start;
  const n = rows.length;
  // Per row: when its K fetch starts/ends, and when its Q x K (incl. recompute) and prob x V finish.
  const kStart = new Float64Array(n);
  const kEnd = new Float64Array(n);
  const qkDone = new Float64Array(n);
  const pvDone = new Float64Array(n);
  const kBufT = rows.map((w) => bufferTokens(c.kSramBytes, c, w.headDim));
  const vBufT = rows.map((w) => bufferTokens(c.vSramBytes, c, w.headDim));
  const occ = rows.map((w) => rowStageOccupancy(w, c, new Float64Array(PIPELINE_STAGES.length)));
  const issueK = (r: number): void => {
    // The buffer half row r uses is free when row r-2 is done with it (r-1 if row r needs both halves).
    let bufFree = start;
    const back = rows[r].keys > kBufT[r] ? 1 : 2;
    if (r - back >= 0) bufFree = qkDone[r - back];
    if (r - 1 >= 0 && rows[r - 1].keys > kBufT[r - 1]) bufFree = Math.max(bufFree, qkDone[r - 1]);
    const s = Math.max(dramFree, bufFree);
    const e = s + occ[r][S.fetchK];
    kStart[r] = s;
    kEnd[r] = e;
    dramFree = e;
    push(U_DRAM, S.fetchK, s, e, rows[r].head, rows[r].bytes.kMsb + rows[r].bytes.q);
  };
  let lastScores = start;
  let lastDone = start;
  if (n > 0) issueK(0);
  for (let r = 0; r < n; r++) {
    const w = rows[r];
    const o = occ[r];
    rowMemoryBound[r] = rowIsMemoryBound(w, o);
    // Q x K streams behind the K fetch (through the bit-width converter).
    const inLat = lat + L.convert;
    const qs = Math.max(qkFree, kStart[r] + inLat);
    const qe = Math.max(qs + o[S.qk], kEnd[r] + inLat);
    push(U_QK, S.qk, qs, qe, w.head, 0);
    qkFree = qe;
    const ss = Math.max(smFree, qs + L.qk);
    const se = Math.max(ss + o[S.softmax], qe + L.qk);
    push(U_SM, S.softmax, ss, se, w.head, 0);
    smFree = se;
    let decided = se + L.softmax + L.requant;
    qkDone[r] = qe;
    // Prefetch the next row's K before this row's LSB and V requests.
    if (r + 1 < n) issueK(r + 1);
    if (w.refetchedQueries > 0) {
      const ls = Math.max(dramFree, decided);
      const le = ls + o[S.fetchKLsb];
      push(U_DRAM, S.fetchKLsb, ls, le, w.head, w.bytes.kLsb);
      dramFree = le;
      const perQueryQk = Math.ceil((w.keys * w.headDim) / c.qkMultipliers);
      const perQuerySm = Math.ceil(w.keys / c.softmaxLanes);
      const rqs = Math.max(qkFree, ls + inLat);
      const rqe = Math.max(rqs + w.refetchedQueries * perQueryQk, le + inLat);
      push(U_QK, S.requant, rqs, rqe, w.head, 0);
      qkFree = rqe;
      qkDone[r] = rqe;
      const rss = Math.max(smFree, rqs + L.qk);
      const rse = Math.max(rss + w.refetchedQueries * perQuerySm, rqe + L.qk);
      push(U_SM, S.requant, rss, rse, w.head, 0);
      smFree = rse;
      decided = rse + L.softmax + L.requant;
    }
    lastScores = Math.max(lastScores, decided);
    let selected = decided;
    if (o[S.localVTopK] > 0) {
      const ts = Math.max(topkFree, decided);
      selected = ts + o[S.localVTopK];
      push(U_TOPK, S.localVTopK, ts, selected, w.head, 0);
      topkFree = selected;
    }
    let vBufFree = start;
    const vBack = w.values > vBufT[r] ? 1 : 2;
    if (r - vBack >= 0) vBufFree = pvDone[r - vBack];
    if (r - 1 >= 0 && rows[r - 1].values > vBufT[r - 1]) vBufFree = Math.max(vBufFree, pvDone[r - 1]);
    const vs = Math.max(dramFree, selected, vBufFree);
    const ve = vs + o[S.fetchV];
    push(U_DRAM, S.fetchV, vs, ve, w.head, w.bytes.v);
    dramFree = ve;
    const ps = Math.max(pvFree, vs + lat);
    const pe = Math.max(ps + o[S.pv], ve + lat);
    push(U_PV, S.pv, ps, pe, w.head, 0);
    pvFree = pe;
    pvDone[r] = pe;
    lastDone = Math.max(lastDone, pe + L.pv);
    if (w.tokenTopK) {
      // Needs the accumulated token scores of every head of the layer: after all softmaxes so far.
      // The authors' traces put it on the layer's last head, so "so far" is the whole layer.
      const ts = Math.max(topkFree, lastScores);
      const te = ts + w.tokenTopK.cycles;
      push(U_TOPK, S.tokenTopK, ts, te, -1, 0);
      topkFree = te;
      lastDone = Math.max(lastDone, te);
    }
  }
  if (headTopK && headTopK.cycles > 0) {
    const hs = Math.max(topkFree, lastDone);
    const he = hs + headTopK.cycles;
    push(U_TOPK, S.headTopK, hs, he, -1, 0);
    lastDone = he;
  }
  const end = Math.max(lastDone, start);
  const stages = attributeStages(ops, start, end);
  return { start, end, stages, unitBusy, rowMemoryBound, ops: keepOps ? ops : [] };
}

/** Sweep the ops: each cycle goes to the first busy stage in PIPELINE_STAGES order, idle to fillDrain. */
function attributeStages(ops: readonly ScheduledOp[], start: number, end: number): Float64Array {
  const stages = new Float64Array(PIPELINE_STAGES.length);
  const m = ops.length;
  // Every time is a whole cycle, so an event sorts as one number: time * M + event index, with M a
  // power of two above the event count (numeric typed-array sort, no comparator, no objects).
  let M = 1;
  while (M < 2 * m) M *= 2;
  const keys = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    keys[2 * i] = ops[i].start * M + 2 * i;
    keys[2 * i + 1] = ops[i].end * M + 2 * i + 1;
  }
  keys.sort();
  const active = new Int32Array(PIPELINE_STAGES.length);
  let t = start;
  for (let j = 0; j < 2 * m; j++) {
    const idx = keys[j] % M;
    const at = (keys[j] - idx) / M;
    if (at > t) {
      let s = S.fillDrain;
      for (let k = 0; k < S.fillDrain; k++) {
        if (active[k] > 0) {
          s = k;
          break;
        }
      }
      stages[s] += at - t;
      t = at;
    }
    const op = ops[idx >> 1];
    if ((idx & 1) === 0) active[op.stage]++;
    else active[op.stage]--;
  }
  if (end > t) stages[S.fillDrain] += end - t;
  return stages;
}
