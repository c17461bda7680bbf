// The pipelined timing model (default): one (step, layer) of rows scheduled through the units of
// the SpAtten datapath as SpAttenController.scala runs them, DRAM and compute overlapped.
//
// A row is one head's query rows (1 in generation, L in an encoder or prompt pass). Its path:
//   allocate K buffer lines -> DRAM K MSB + Q -> Q x K -> softmax -> requant decision
//   -> (refetch: DRAM K LSB, Q x K and softmax again) -> local-V top-k -> allocate V lines
//   -> DRAM V -> prob x V
// and per (step, layer): the cascade token top-k once all heads' scores are in, the head top-k
// once all heads' outputs are. The next (step, layer) starts after this one ends: its query comes
// from this layer's output (FC layers run elsewhere) and its keys from the token top-k.
//
// What follows the RTL (FIDELITY.md, "Pipelined"):
// - Buffer lines are allocated per request from a pool (BufferManager: FIFO, at most
//   maxRequestsInFlight requests), so several rows are in flight, as many as their lines allow;
//   K lines are released after the row's final requant decision, V lines after prob x V.
// - Every unit is a calendar (unitCalendar.ts): a request takes the first free cycles once its
//   input is ready, so K and V fetches share the channels in arrival order (the round-robin
//   arbiter), and a requantization (LSB fetch, recompute) re-queued after its decision does not
//   block the rows behind it.
// - A consumer streams behind its producer: it starts `latency` after the producer starts and
//   ends no earlier than `latency` after the producer ends.
// - Queries stream: in sentence mode the first query's probabilities go on to the top-k and
//   prob x V while later queries are still in Q x K.
// - 6-bit K (and V) are fetched as fused pairs of heads (one 96-B vector holds both heads' keys):
//   one fetch and one local-V top-k request per pair, lines for both.
//
// Stage attribution: every cycle of the (step, layer) goes to one stage, so stages sum to the
// cycles. A cycle where DRAM transfers counts as that transfer (memory time); otherwise to the
// busy compute stage first in PIPELINE_STAGES order; a cycle where nothing is busy is fill/drain
// latency (DRAM latency and pipeline depths exposed at the start and end).
import type { HardwareConfig } from './hardwareConfig';
import { bufferLines } from './hardwareConfig';
import { dramTransferCycles } from './hbmChannel';
import type { RowWork } from './rowWork';
import type { TopKTiming } from './topKEngine';
import { UnitCalendar, type Span } from './unitCalendar';
import { attributeStages, type ScheduledOp } from './stageAttribution';

export type { ScheduledOp } from './stageAttribution';

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
const U_DRAM = 0;
const U_QK = 1;
const U_SM = 2;
const U_TOPK = 3;
const U_PV = 4;

export interface GroupTiming {
  start: number;
  end: number;
  /** Cycles by stage (index = PIPELINE_STAGES), summing to end - start. */
  stages: Float64Array;
  /** Busy cycles by unit (index = HARDWARE_UNITS); the busiest is the group's lower bound. */
  unitBusy: Float64Array;
  ops: readonly ScheduledOp[];
}

/** Occupancy of each unit-stage for one row (index = PIPELINE_STAGES), cycles. Overwrites `out`. */
export function rowStageOccupancy(w: RowWork, out: Float64Array): Float64Array {
  // Every slot written, the two no row occupies as zeros (not a fill() call per row of the trace).
  out[S.headTopK] = 0;
  out[S.fillDrain] = 0;
  out[S.fetchK] = w.kFetchCycles;
  out[S.fetchKLsb] = w.kLsbCycles;
  out[S.fetchV] = w.vFetchCycles;
  out[S.qk] = w.queries * w.qkPerQuery;
  out[S.softmax] = w.queries * w.softmaxPerQuery;
  out[S.requant] = w.refetchedQueries * (w.qkPerQuery + w.softmaxPerQuery);
  out[S.localVTopK] = w.localVTopK ? w.queries * w.localVTopK.cycles : 0;
  out[S.pv] = w.queries * w.pvPerQuery;
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
 * 6-bit tensors travel as fused pairs of heads (the RTL's fused_mat = 2): an even head and the next
 * one. Per row (out[0 .. rows.length], one past the last for the lookahead): 1 when it is the
 * second of a pair and rides on the first's fetch. ofV: of the V widths, else of the K MSBs.
 */
function ridesOnPrevious(rows: readonly RowWork[], ofV: boolean, out: Uint8Array): Uint8Array {
  out.fill(0, 0, rows.length + 1);
  for (let r = 0; r + 1 < rows.length; r++) {
    const a = rows[r];
    const b = rows[r + 1];
    const aBits = ofV ? a.vBits : a.kMsbBits;
    const bBits = ofV ? b.vBits : b.kMsbBits;
    if (out[r] === 0 && aBits === 6 && bBits === 6 && b.head === a.head + 1 && a.head % 2 === 0) out[r + 1] = 1;
  }
  return out;
}

/**
 * Busy cycles per unit (index = HARDWARE_UNITS) of one (step, layer), whatever the schedule: the
 * work each unit must do. Its maximum is the group's lower bound; the pipelined schedule keeps
 * each unit busy exactly this long.
 */
export function groupUnitBusy(rows: readonly RowWork[], headTopK: TopKTiming | undefined, c: HardwareConfig): Float64Array {
  const busy = new Float64Array(HARDWARE_UNITS.length);
  const kRide = ridesOnPrevious(rows, false, new Uint8Array(rows.length + 1));
  const vRide = ridesOnPrevious(rows, true, new Uint8Array(rows.length + 1));
  for (let r = 0; r < rows.length; r++) {
    const w = rows[r];
    const mate = rows[r + 1];
    if (!kRide[r]) busy[U_DRAM] += dramTransferCycles(w.bytes.kMsb + w.bytes.q + (kRide[r + 1] ? mate.bytes.kMsb + mate.bytes.q : 0), c);
    if (!vRide[r]) busy[U_DRAM] += dramTransferCycles(w.bytes.v + (vRide[r + 1] ? mate.bytes.v : 0), c);
    busy[U_DRAM] += dramTransferCycles(w.bytes.kLsb, c);
    busy[U_QK] += (w.queries + w.refetchedQueries) * w.qkPerQuery;
    busy[U_SM] += (w.queries + w.refetchedQueries) * w.softmaxPerQuery;
    if (w.localVTopK && !vRide[r]) busy[U_TOPK] += w.queries * w.localVTopK.cycles;
    if (w.tokenTopK) busy[U_TOPK] += w.tokenTopK.cycles;
    busy[U_PV] += w.queries * w.pvPerQuery;
  }
  if (headTopK) busy[U_TOPK] += headTopK.cycles;
  return busy;
}

/**
 * FIFO line allocator (BufferManager): a request gets its lines once the requests ahead of it
 * have released enough, releases being reclaimed in allocation order.
 */
class LinePool {
  private lines = new Float64Array(32);
  private released = new Float64Array(32);
  private count = 0;
  private head = 0;
  private inUse = 0;
  private lastAlloc = -Infinity;
  /** Latest release reclaimed so far (releases are reclaimed in allocation order). */
  private frontier = -Infinity;
  private capacity = 0;
  private maxRequests = 0;
  /** Id of the last allocation (for release). */
  lastId = 0;

  /** Empty the pool for a new (step, layer), its arrays kept. */
  reset(capacity: number, maxRequests: number): void {
    this.capacity = capacity;
    this.maxRequests = maxRequests;
    this.count = 0;
    this.head = 0;
    this.inUse = 0;
    this.lastAlloc = -Infinity;
    this.frontier = -Infinity;
  }

  /**
   * Earliest cycle >= ready at which `n` lines can be allocated (a request never waits for itself:
   * n is capped at the pool). The request's id is then in lastId.
   */
  allocate(ready: number, n: number): number {
    const need = Math.min(n, this.capacity);
    let at = Math.max(ready, this.lastAlloc);
    while (this.head < this.count && (this.inUse + need > this.capacity || this.count - this.head >= this.maxRequests)) {
      this.frontier = Math.max(this.frontier, this.released[this.head]);
      at = Math.max(at, this.frontier);
      this.inUse -= this.lines[this.head];
      this.head++;
    }
    if (this.count === this.lines.length) {
      const lines = new Float64Array(2 * this.count);
      lines.set(this.lines);
      this.lines = lines;
      const released = new Float64Array(2 * this.count);
      released.set(this.released);
      this.released = released;
    }
    this.lines[this.count] = need;
    this.released[this.count] = Infinity;
    this.lastId = this.count++;
    this.inUse += need;
    this.lastAlloc = at;
    return at;
  }

  /** The request's lines are free from `at` on (set before any later request allocates past it). */
  release(id: number, at: number): void {
    this.released[id] = at;
  }
}

// The units' calendars, line pools, ride flags and spans, emptied at the start of each
// (step, layer) rather than made anew (the scheduler runs once per (step, layer) of a trace: up
// to millions of times).
const units = [new UnitCalendar(), new UnitCalendar(), new UnitCalendar(), new UnitCalendar(), new UnitCalendar()];
// The units in stage-attribution priority (stageAttribution.ts): DRAM places fetchK, fetchKLsb and
// fetchV; Top-k the token, head and local V top-ks; Softmax softmax and requant; Q x K requant and
// qk; Prob x V pv: each unit's stages come no later in PIPELINE_STAGES than the next unit's.
const unitsByPriority = [units[U_DRAM], units[U_TOPK], units[U_SM], units[U_QK], units[U_PV]];
const kPool = new LinePool();
const vPool = new LinePool();
let kRide = new Uint8Array(64);
let vRide = new Uint8Array(64);
const span = (): Span => ({ start: 0, end: 0 });
// One span per call site, refilled row after row (kFetch and vFetch stay valid for the second
// head of a fused pair: only their own call sites overwrite them).
const P = { kFetch: span(), qk: span(), sm: span(), lsb: span(), rq: span(), rs: span(), localTopK: span(), vFetch: span(), pv: span(), tokenTopK: span(), headTopK: span() };
// The op list of the group being scheduled, when a timeline wants it (else undefined), and the
// cycle the group starts at (the calendars count from 0; ops are in trace cycles).
let ops: ScheduledOp[] | undefined;
let opsOrigin = 0;
// The op list of a group scheduled without a timeline (shared: nothing adds to it).
const NO_OPS: readonly ScheduledOp[] = Object.freeze([]);

/** Place a request on a unit's calendar; with a timeline, its pieces become ops (bytes shared out by piece length). */
function put(unit: number, stage: number, ready: number, duration: number, head: number, bytes: number, out: Span): Span {
  const p = units[unit].placeSpan(ready, duration, stage, out);
  // Op objects only for a timeline: stage attribution reads the calendars' own pieces.
  if (!ops) return p;
  const pieces = units[unit].lastPieces();
  for (let i = 0; i < pieces.length; i += 2) {
    const share = pieces.length > 2 ? Math.round((bytes * (pieces[i + 1] - pieces[i])) / duration) : bytes;
    ops.push({ unit, stage, start: opsOrigin + pieces[i], end: opsOrigin + pieces[i + 1], head, bytes: share });
  }
  return p;
}

/**
 * Schedule one (step, layer): `rows` in head order, starting at cycle `origin`.
 * `headTopK`: the head top-k after the layer, if any. `keepOps`: return the op list (timeline).
 * `out`: a timing to write the result into (its arrays and itself the caller's to reuse: the
 * scheduler runs once per (step, layer)), else a new one.
 */
export function scheduleGroupPipelined(
  rows: readonly RowWork[],
  headTopK: TopKTiming | undefined,
  c: HardwareConfig,
  origin: number,
  keepOps: boolean,
  out?: GroupTiming,
): GroupTiming {
  // The group is scheduled from cycle 0 and moved to `origin` at the end: every time is a whole
  // number of cycles (hardwareConfig's integers, whole-cycle counts), so the schedule is
  // translation invariant to the last bit, and times counted within a group stay small integers
  // (V8 keeps them untagged; cycles from the trace start outgrow that on a long trace).
  const start = 0;
  opsOrigin = origin;
  const L = c.latencies;
  const lat = c.dramLatencyCycles;
  for (const u of units) u.reset();
  kPool.reset(bufferLines(c.kSramBytes, c.qkMultipliers, c), c.maxRequestsInFlight);
  vPool.reset(bufferLines(c.vSramBytes, c.pvMultipliers, c), c.maxRequestsInFlight);
  ops = keepOps ? [] : undefined;
  const groupOps = ops;
  const result = out ?? { start: origin, end: origin, stages: new Float64Array(PIPELINE_STAGES.length), unitBusy: new Float64Array(units.length), ops: NO_OPS };
  const inLat = lat + L.convert;
  let allDecided = start;
  let allDone = start;
  if (kRide.length < rows.length + 1) {
    kRide = new Uint8Array(2 * rows.length + 1);
    vRide = new Uint8Array(2 * rows.length + 1);
  }
  ridesOnPrevious(rows, false, kRide);
  ridesOnPrevious(rows, true, vRide);
  let kFetch: Span | undefined; // the fused pair's shared fetches
  let vFetch: Span | undefined;
  // The first head of a fused pair holds the pair's lines until the second is done with them.
  let pendingKId = -1;
  let pendingKAt = 0;
  let pendingVId = -1;
  let pendingVAt = 0;
  for (let r = 0; r < rows.length; r++) {
    const w = rows[r];
    const Q = w.queries;
    // K: lines, then the fetch (the second head of a fused pair rides on the first's).
    let kAllocId = -1;
    const kPair = kRide[r + 1] === 1;
    if (kRide[r] === 0) {
      const mate = kPair ? rows[r + 1] : undefined;
      const kAt = kPool.allocate(start, w.kLines + (mate?.kLines ?? 0));
      kAllocId = kPool.lastId;
      const bytes = w.bytes.kMsb + w.bytes.q + (mate ? mate.bytes.kMsb + mate.bytes.q : 0);
      kFetch = put(U_DRAM, S.fetchK, kAt, mate ? dramTransferCycles(bytes, c) : w.kFetchCycles, w.head, bytes, P.kFetch);
    }
    const kf = kFetch as Span;
    // Q x K then softmax, streaming behind the fetch; queries one after another.
    const qk = put(U_QK, S.qk, kf.start + inLat, Q * w.qkPerQuery, w.head, 0, P.qk);
    const qkEnd = Math.max(qk.end, kf.end + inLat);
    const sm = put(U_SM, S.softmax, qk.start + L.qk, Q * w.softmaxPerQuery, w.head, 0, P.sm);
    const smEnd = Math.max(sm.end, qkEnd + L.qk);
    // A query is decided once all its scores went through the softmax (divide by the sum).
    let lastDecided = smEnd + L.softmax + L.requant;
    // Queries leave the softmax one per max(Q x K, softmax) per-query time (the slower one paces them).
    const spacing = Math.max(w.qkPerQuery, w.softmaxPerQuery);
    let firstDecided = Math.max(sm.start + w.softmaxPerQuery + L.softmax + L.requant, lastDecided - (Q - 1) * spacing);
    const RQ = w.refetchedQueries;
    if (RQ > 0) {
      // Re-queued with priority once the first flat row is known; the rows behind keep going.
      const lsb = put(U_DRAM, S.fetchKLsb, firstDecided, w.kLsbCycles, w.head, w.bytes.kLsb, P.lsb);
      const rq = put(U_QK, S.requant, lsb.start + inLat, RQ * w.qkPerQuery, w.head, 0, P.rq);
      const rqEnd = Math.max(rq.end, lsb.end + inLat);
      const rs = put(U_SM, S.requant, rq.start + L.qk, RQ * w.softmaxPerQuery, w.head, 0, P.rs);
      const refLast = Math.max(rs.end, rqEnd + L.qk) + L.softmax + L.requant;
      // When every query refetched, the first final result is the first recomputed one.
      if (RQ >= Q) firstDecided = Math.max(rs.start + w.softmaxPerQuery + L.softmax + L.requant, refLast - (RQ - 1) * spacing);
      lastDecided = Math.max(lastDecided, refLast);
    }
    if (kAllocId >= 0 && kPair) {
      pendingKId = kAllocId;
      pendingKAt = lastDecided;
    } else if (kAllocId >= 0) kPool.release(kAllocId, lastDecided);
    else if (pendingKId >= 0) kPool.release(pendingKId, Math.max(pendingKAt, lastDecided));
    allDecided = Math.max(allDecided, lastDecided);
    // Local V top-k per query (one request per fused pair).
    let firstSelected = firstDecided;
    let lastSelected = lastDecided;
    const topKPerQuery = w.localVTopK && vRide[r] === 0 ? w.localVTopK.cycles : 0;
    if (topKPerQuery > 0) {
      const tk = put(U_TOPK, S.localVTopK, firstDecided, Q * topKPerQuery, w.head, 0, P.localTopK);
      firstSelected = tk.start + topKPerQuery;
      lastSelected = Math.max(tk.end, lastDecided + topKPerQuery);
    }
    // V: lines, then the fetch of the selected rows.
    if (vRide[r] === 0) {
      const pairV = vRide[r + 1] === 1;
      const mate = pairV ? rows[r + 1] : undefined;
      const vAt = vPool.allocate(firstSelected, w.vLines + (mate?.vLines ?? 0));
      const vAllocId = vPool.lastId;
      vFetch = put(U_DRAM, S.fetchV, vAt, mate ? dramTransferCycles(w.bytes.v + mate.bytes.v, c) : w.vFetchCycles, w.head, w.bytes.v + (mate?.bytes.v ?? 0), P.vFetch);
      const vf = vFetch;
      const pv = put(U_PV, S.pv, Math.max(vf.start + lat, firstSelected), Q * w.pvPerQuery, w.head, 0, P.pv);
      const pvEnd = Math.max(pv.end, vf.end + lat, lastSelected + w.pvPerQuery);
      if (pairV) {
        pendingVId = vAllocId;
        pendingVAt = pvEnd;
      } else vPool.release(vAllocId, pvEnd);
      allDone = Math.max(allDone, pvEnd + L.pv);
    } else {
      const vf = vFetch as Span;
      const pv = put(U_PV, S.pv, Math.max(vf.start + lat, firstSelected), Q * w.pvPerQuery, w.head, 0, P.pv);
      const pvEnd = Math.max(pv.end, vf.end + lat, lastSelected + w.pvPerQuery);
      if (pendingVId >= 0) vPool.release(pendingVId, Math.max(pendingVAt, pvEnd));
      allDone = Math.max(allDone, pvEnd + L.pv);
    }
    if (w.tokenTopK) {
      // Needs the accumulated token scores of every head of the layer: after all decisions so far.
      // The authors' traces put it on the layer's last head, so "so far" is the whole layer.
      const tk = put(U_TOPK, S.tokenTopK, allDecided, w.tokenTopK.cycles, -1, 0, P.tokenTopK);
      allDone = Math.max(allDone, tk.end);
    }
  }
  if (headTopK && headTopK.cycles > 0) {
    const hk = put(U_TOPK, S.headTopK, allDone, headTopK.cycles, -1, 0, P.headTopK);
    allDone = hk.end;
  }
  const end = Math.max(allDone, start);
  for (let u = 0; u < units.length; u++) result.unitBusy[u] = units[u].busy;
  attributeStages(unitsByPriority, start, end, S.fillDrain, result.stages);
  ops = undefined;
  // The timeline wants each unit's ops in time order; the calendars place them out of order.
  groupOps?.sort((a, b) => a.unit - b.unit || a.start - b.start);
  result.start = origin;
  result.end = origin + end;
  result.ops = groupOps ?? NO_OPS;
  return result;
}
