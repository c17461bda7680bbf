// What one trace row asks of the hardware, in the hardware's units: bits actually fetched, DRAM
// bytes by tensor (transaction-rounded), cycles per query on each datapath unit, SRAM lines,
// operations for the energy model, top-k timings. Every timing model and the energy model read
// this, so a trace row is interpreted in one place.
//
// The datapath (SpAttenConfig in the authors' RTL): the multiplier array is built for one head
// dimension (HardwareConfig.headDim, 64 in both presets; the RTL asserts size_d == 64). A buffer
// line holds qkMultipliers / headDim keys (8 on spatten-1x), so Q x K and softmax take
// ceil(keys / keysPerLine) cycles per query whatever the model's head dim: a head with D < 64 pads
// (lanes idle), D > 64 takes ceil(D / 64) passes per line. Prob x V likewise with pvMultipliers.
//
// Bit-width conventions of the authors' schema (FIDELITY.md "Conventions"):
// - -1 (unquantized) is fetched at `unquantizedBits`. The authors' RTL driver bills it at 8 bit
//   (TestSpAtten.scala); engine traces default to the dense precision (simulate.ts).
// - K width above 8 with no LSB width (auto_requant_incre = -1), e.g. 12 in the GPT-2-medium
//   trace, is "MSB + LSB total, always refetched" (the RTL driver turns it into 8-bit MSBs + a
//   forced refetch): MSBs = width - defaultLsbBits, every query refetches.
// - Otherwise MSBs = quant_key_bit, LSBs = auto_requant_incre, refetched rows as recorded.
// - Fetch counts may be rounded up to a multiple of `fetchRounding` (the RTL driver rounds
//   key_fetch_num and value_fetch_num to 8); 1 keeps the recorded counts.
//
// Transaction rounding is per (row, tensor): the fetched vectors of one head are assumed packed
// back to back (as the authors' fused 6-bit layout does), so only the tail of each tensor rounds up.
import type { TopKCall, TraceRow } from '../trace/trace';
import { loadCall, type TraceColumns } from '../trace/traceColumns';
import type { HardwareConfig } from './hardwareConfig';
import { dramTransferCycles, tensorBytes, transactionRoundedBytes } from './hbmChannel';
import { topKCallTimingInto, topKCallTimingPairInto, type TopKTiming } from './topKEngine';
import { mixSeed5 } from '../seededRandom';

export interface WorkOptions {
  /** Bits fetched for tensors marked unquantized (-1). */
  unquantizedBits: number;
  /** Seed for estimated top-k rounds. */
  seed: number;
  /** Round key and value fetch counts up to a multiple of this (1 = as recorded, 8 = the RTL driver). */
  fetchRounding?: number;
}

/** DRAM bytes by tensor (transaction-rounded). */
export interface TensorBytes {
  kMsb: number;
  kLsb: number;
  v: number;
  q: number;
}

export interface RowWork {
  step: number;
  layer: number;
  head: number;
  queries: number;
  keys: number;
  values: number;
  headDim: number;
  kMsbBits: number;
  kLsbBits: number;
  vBits: number;
  qBits: number;
  refetchedQueries: number;
  bytes: TensorBytes;
  /**
   * DRAM cycles of the row's own fetches (dramTransferCycles): K MSBs with the queries, the K LSB
   * plane, V. Worked out once here: the stage occupancy and the schedule both read them.
   */
  kFetchCycles: number;
  kLsbCycles: number;
  vFetchCycles: number;
  /** Cycles per query row on Q x K, softmax and prob x V (datapath width applied). */
  qkPerQuery: number;
  softmaxPerQuery: number;
  pvPerQuery: number;
  /** Buffer lines the row's keys and values occupy in the K and V SRAMs. */
  kLines: number;
  vLines: number;
  /** Local V top-k, per query row (undefined: no local V pruning). */
  localVTopK?: TopKTiming;
  /** Cascade token top-k after this row. */
  tokenTopK?: TopKTiming;
  /** Multiply-accumulates the datapath executes: Q x K (incl. recompute) and prob x V, at the model's D. */
  qkMacs: number;
  pvMacs: number;
  /** Softmax elements (incl. recompute). */
  softmaxElements: number;
}

function bitsOf(b: number, unquantizedBits: number): number {
  return b === -1 ? unquantizedBits : b;
}

/** Vectors one buffer line (one cycle of the multiplier array) holds: multipliers / datapath head dim. */
export function vectorsPerLine(multipliers: number, c: HardwareConfig): number {
  return Math.max(1, Math.floor(multipliers / c.headDim));
}

/** Passes of the datapath per line for a head of dimension d (ceil(d / datapath head dim)). */
export function datapathPasses(d: number, c: HardwareConfig): number {
  return Math.max(1, Math.ceil(d / c.headDim));
}

/** Cycles to stream `vectors` vectors of dimension d through a unit of `multipliers` multipliers. */
export function streamCycles(vectors: number, d: number, multipliers: number, c: HardwareConfig): number {
  return Math.ceil(vectors / vectorsPerLine(multipliers, c)) * datapathPasses(d, c);
}

function roundUp(n: number, m: number): number {
  return m > 1 ? Math.ceil(n / m) * m : n;
}

export function rowWork(row: TraceRow, c: HardwareConfig, o: WorkOptions): RowWork {
  return rowWorkInto(row, c, o, newRowWorkSlot());
}

/** A RowWork to refill with rowWorkInto, the two top-k timings it may point to, and the two top-k calls rowWorkOfColumns reads into. */
export interface RowWorkSlot {
  work: RowWork;
  localVTopK: TopKTiming;
  tokenTopK: TopKTiming;
  localVTopKCall: TopKCall;
  tokenTopKCall: TopKCall;
  /**
   * The row's top-k calls to time (undefined: none) and their seeds, as the last fill left them:
   * timeSlotTopKs times them, a fill for one row at once, the cycle model a group's in pairs.
   */
  localVPending: TopKCall | undefined;
  localVSeed: number;
  tokenPending: TopKCall | undefined;
  tokenSeed: number;
  /**
   * What the work's fields other than step, layer, head and the top-ks were last worked out from:
   * the config, the options and the row's counts and widths (fillRowWork's order). A slot refilled
   * from the same ones (the same head of the next layer, mostly) keeps them.
   */
  memoConfig: HardwareConfig | undefined;
  memoOptions: WorkOptions | undefined;
  memo: Float64Array;
}

export function newRowWorkSlot(): RowWorkSlot {
  // Every property present from the start, so all pooled RowWorks share one shape.
  const work: RowWork = {
    step: 0, layer: 0, head: 0, queries: 0, keys: 0, values: 0, headDim: 0, kMsbBits: 0, kLsbBits: 0, vBits: 0, qBits: 0, refetchedQueries: 0,
    bytes: { kMsb: 0, kLsb: 0, v: 0, q: 0 },
    kFetchCycles: 0, kLsbCycles: 0, vFetchCycles: 0,
    qkPerQuery: 0, softmaxPerQuery: 0, pvPerQuery: 0, kLines: 0, vLines: 0,
    localVTopK: undefined, tokenTopK: undefined, qkMacs: 0, pvMacs: 0, softmaxElements: 0,
  };
  return {
    work,
    localVTopK: { cycles: 0, comparisons: 0, measured: false },
    tokenTopK: { cycles: 0, comparisons: 0, measured: false },
    localVTopKCall: { n: 0, k: 0, roundSizes: undefined },
    tokenTopKCall: { n: 0, k: 0, roundSizes: undefined },
    localVPending: undefined,
    localVSeed: 0,
    tokenPending: undefined,
    tokenSeed: 0,
    memoConfig: undefined,
    memoOptions: undefined,
    memo: new Float64Array(9),
  };
}

/**
 * rowWork written into the slot's RowWork (its bytes and top-k timings reused): the cycle model keeps one RowWork
 * per head of a (step, layer) and refills them, instead of allocating a million of them.
 */
export function rowWorkInto(row: TraceRow, c: HardwareConfig, o: WorkOptions, slot: RowWorkSlot): RowWork {
  fillRowWork(slot, c, o, row.step, row.layer, row.head, row.queries, row.headDim, row.keysFetched, row.valuesFetched, row.keyBits, row.valueBits, row.queryBits, row.lsbBits, row.refetchedQueries, row.localVTopK, row.tokenTopK);
  return timeSlotTopKs(slot, c);
}

/**
 * rowWorkInto for row i of columns, read straight from them: no TraceRow is filled first (the
 * cycle model's per-row path; a refilled row object cost a tenth of the million-row trace's time,
 * most of it in boxing its non-integer requant threshold, which rowWork never reads). Its top-ks
 * are left to time (the slot's pending calls): the cycle model times a group's rows' top-ks
 * together, in pairs (timeTopKsOfSlots), once every row of the group is filled.
 */
export function untimedRowWorkOfColumns(cols: TraceColumns, i: number, c: HardwareConfig, o: WorkOptions, slot: RowWorkSlot): RowWork {
  return fillRowWork(
    slot, c, o, cols.step[i], cols.layer[i], cols.head[i], cols.queries[i], cols.headDim[i], cols.keysFetched[i], cols.valuesFetched[i],
    cols.keyBits[i], cols.valueBits[i], cols.queryBits[i], cols.lsbBits[i], cols.refetchedQueries[i],
    loadCall(cols.localVTopKK[i], cols.localVTopKN[i], cols.localVTopKRounds[i], cols.roundSizes, slot.localVTopKCall),
    loadCall(cols.tokenTopKK[i], cols.tokenTopKN[i], cols.tokenTopKRounds[i], cols.roundSizes, slot.tokenTopKCall),
  );
}

/**
 * rowWorkInto for a row of the dense baseline (denseRows' fields: every key and value of the
 * context at the dense precision, no refetch, no top-k), given by the fields it varies in: the
 * cycle model times each dense shape through the slots and code the trace's rows went through,
 * not with a TraceRow and a RowWork allocated per dense row.
 */
export function denseRowWorkInto(slot: RowWorkSlot, c: HardwareConfig, o: WorkOptions, step: number, layer: number, head: number, queries: number, d: number, contextLength: number): RowWork {
  // No top-k: complete as filled.
  return fillRowWork(slot, c, o, step, layer, head, queries, d, contextLength, contextLength, -1, -1, -1, -1, 0, undefined, undefined);
}

/**
 * The RowWork of a trace row given by its fields (the TraceRow field of the same name), but for
 * the timing of its top-ks: the work points to the slot's timings, and the calls wait in the slot.
 */
function fillRowWork(
  slot: RowWorkSlot, c: HardwareConfig, o: WorkOptions,
  step: number, layer: number, head: number, q: number, d: number, keysFetched: number, valuesFetched: number,
  keyBits: number, valueBits: number, queryBits: number, rowLsbBits: number, refetchedQueries: number,
  localVTopK: TopKCall | undefined, tokenTopK: TopKCall | undefined,
): RowWork {
  const w = slot.work;
  w.step = step;
  w.layer = layer;
  w.head = head;
  if (!sameCounts(slot, c, o, q, d, keysFetched, valuesFetched, keyBits, valueBits, queryBits, rowLsbBits, refetchedQueries)) fillCounts(w, c, o, q, d, keysFetched, valuesFetched, keyBits, valueBits, queryBits, rowLsbBits, refetchedQueries);
  w.localVTopK = undefined;
  w.tokenTopK = undefined;
  slot.localVPending = undefined;
  slot.tokenPending = undefined;
  if (localVTopK && localVTopK.k < localVTopK.n) {
    w.localVTopK = slot.localVTopK;
    slot.localVPending = localVTopK;
    slot.localVSeed = mixSeed5(o.seed, 1, step, layer, head);
  }
  if (tokenTopK) {
    w.tokenTopK = slot.tokenTopK;
    slot.tokenPending = tokenTopK;
    slot.tokenSeed = mixSeed5(o.seed, 2, step, layer, head);
  }
  return w;
}

/** Time the slot's pending top-k calls (into the timings its work points to); its work. */
function timeSlotTopKs(slot: RowWorkSlot, c: HardwareConfig): RowWork {
  const lat = c.latencies.topKRound;
  if (slot.localVPending) topKCallTimingInto(slot.localVTopK, slot.localVPending, c.topKComparators, lat, slot.localVSeed);
  if (slot.tokenPending) topKCallTimingInto(slot.tokenTopK, slot.tokenPending, c.topKComparators, lat, slot.tokenSeed);
  return slot.work;
}

/** Top-k calls timed in pairs as they come: each second call with the one held before it. */
class TopKPairs {
  private heldOut: TopKTiming | undefined;
  private heldCall: TopKCall | undefined;
  private heldSeed = 0;
  private comparators = 0;
  private lat = 0;

  /** Start over (nothing held) for a config's top-k engine. */
  reset(c: HardwareConfig): void {
    this.heldCall = undefined;
    this.comparators = c.topKComparators;
    this.lat = c.latencies.topKRound;
  }

  /** Time `call` into `out` with the call held, or hold it. */
  offer(out: TopKTiming, call: TopKCall, seed: number): void {
    if (this.heldCall) {
      topKCallTimingPairInto(this.heldOut as TopKTiming, this.heldCall, this.heldSeed, out, call, seed, this.comparators, this.lat);
      this.heldCall = undefined;
      return;
    }
    this.heldOut = out;
    this.heldCall = call;
    this.heldSeed = seed;
  }

  /** Time the call still held, alone. */
  flush(): void {
    if (this.heldCall) topKCallTimingInto(this.heldOut as TopKTiming, this.heldCall, this.comparators, this.lat, this.heldSeed);
    this.heldCall = undefined;
  }
}

// One for every group (the cycle model times one group at a time).
const pairs = new TopKPairs();

/**
 * Time the pending top-k calls of slots[0 .. n) (filled by untimedRowWorkOfColumns) two at a time:
 * topKCallTimingPairInto gives each call the figures topKCallTimingInto would, in less time.
 */
export function timeTopKsOfSlots(slots: readonly RowWorkSlot[], n: number, c: HardwareConfig): void {
  pairs.reset(c);
  for (let j = 0; j < n; j++) {
    const s = slots[j];
    if (s.localVPending) pairs.offer(s.localVTopK, s.localVPending, s.localVSeed);
    if (s.tokenPending) pairs.offer(s.tokenTopK, s.tokenPending, s.tokenSeed);
  }
  pairs.flush();
}

/** True when the slot's work was last filled from these counts (with c and o); else notes them as its memo. */
function sameCounts(
  slot: RowWorkSlot, c: HardwareConfig, o: WorkOptions,
  q: number, d: number, keysFetched: number, valuesFetched: number, keyBits: number, valueBits: number, queryBits: number, rowLsbBits: number, refetchedQueries: number,
): boolean {
  const m = slot.memo;
  if (
    slot.memoConfig === c && slot.memoOptions === o && m[0] === q && m[1] === d && m[2] === keysFetched && m[3] === valuesFetched &&
    m[4] === keyBits && m[5] === valueBits && m[6] === queryBits && m[7] === rowLsbBits && m[8] === refetchedQueries
  ) {
    return true;
  }
  slot.memoConfig = c;
  slot.memoOptions = o;
  m[0] = q;
  m[1] = d;
  m[2] = keysFetched;
  m[3] = valuesFetched;
  m[4] = keyBits;
  m[5] = valueBits;
  m[6] = queryBits;
  m[7] = rowLsbBits;
  m[8] = refetchedQueries;
  return false;
}

/** The work's fields that depend only on the row's counts and widths (not on step, layer, head or its top-ks). */
function fillCounts(
  w: RowWork, c: HardwareConfig, o: WorkOptions,
  q: number, d: number, keysFetched: number, valuesFetched: number, keyBits: number, valueBits: number, queryBits: number, rowLsbBits: number, refetchedQueries: number,
): void {
  const rounding = o.fetchRounding ?? 1;
  const keys = roundUp(keysFetched, rounding);
  const values = Math.min(roundUp(valuesFetched, rounding), keys);
  // How the keys are fetched: MSB bits, LSB bits (0 = none) and the query rows that refetch. A K
  // wider than 8 bits with no LSB width is "MSB + LSB total, always refetched" (see the top).
  let msbBits: number;
  let lsbBits: number;
  let refetched: number;
  if (keyBits > 8 && rowLsbBits === -1) {
    msbBits = keyBits - c.defaultLsbBits;
    lsbBits = c.defaultLsbBits;
    refetched = q;
  } else {
    msbBits = bitsOf(keyBits, o.unquantizedBits);
    lsbBits = rowLsbBits > 0 ? rowLsbBits : 0;
    refetched = lsbBits > 0 ? Math.min(refetchedQueries, q) : 0;
  }
  const vBits = bitsOf(valueBits, o.unquantizedBits);
  const qBits = bitsOf(queryBits, o.unquantizedBits);
  // K and V are fetched once per row and reused by all its queries (they sit in the SRAM); the LSB
  // plane is fetched once if any query refetches; every query vector is fetched.
  const bytes = w.bytes;
  bytes.kMsb = transactionRoundedBytes(tensorBytes(keys, d, msbBits), c);
  bytes.kLsb = refetched > 0 ? transactionRoundedBytes(tensorBytes(keys, d, lsbBits), c) : 0;
  bytes.v = transactionRoundedBytes(tensorBytes(values, d, vBits), c);
  bytes.q = transactionRoundedBytes(tensorBytes(q, d, qBits), c);
  w.kFetchCycles = dramTransferCycles(bytes.kMsb + bytes.q, c);
  w.kLsbCycles = dramTransferCycles(bytes.kLsb, c);
  w.vFetchCycles = dramTransferCycles(bytes.v, c);
  const kPerLine = vectorsPerLine(c.qkMultipliers, c);
  const vPerLine = vectorsPerLine(c.pvMultipliers, c);
  w.queries = q;
  w.keys = keys;
  w.values = values;
  w.headDim = d;
  w.kMsbBits = msbBits;
  w.kLsbBits = lsbBits;
  w.vBits = vBits;
  w.qBits = qBits;
  w.refetchedQueries = refetched;
  w.qkPerQuery = streamCycles(keys, d, c.qkMultipliers, c);
  // The softmax unit takes the dot products as Q x K emits them, softmaxLanes per cycle.
  w.softmaxPerQuery = Math.ceil(keys / c.softmaxLanes);
  w.pvPerQuery = streamCycles(values, d, c.pvMultipliers, c);
  w.kLines = Math.ceil(keys / kPerLine) * datapathPasses(d, c);
  w.vLines = Math.ceil(values / vPerLine) * datapathPasses(d, c);
  w.qkMacs = (q + refetched) * keys * d;
  w.pvMacs = q * values * d;
  w.softmaxElements = (q + refetched) * keys;
}
