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
import type { TraceRow } from '../../src/engine/trace/trace';
import type { HardwareConfig } from '../../src/engine/hardware/hardwareConfig';
import { dramTransferCycles, tensorBytes, transactionRoundedBytes } from '../../src/engine/hardware/hbmChannel';
import { topKCallTiming, type TopKTiming } from './topKEngine';
import { mixSeed } from '../../src/engine/seededRandom';

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
  /** DRAM cycles of the row's own K (with Q), K LSB and V fetches: the src RowWork's fields, so the src timing models take this one (the oracle's own schedule does not read them). */
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

/** How a row's keys are fetched: MSB bits, LSB bits (0 = none) and query rows that refetch. */
export interface KeyFetchPlan {
  msbBits: number;
  lsbBits: number;
  refetchedQueries: number;
}

export function keyFetchPlan(row: TraceRow, c: HardwareConfig, unquantizedBits: number): KeyFetchPlan {
  if (row.keyBits > 8 && row.lsbBits === -1) {
    return { msbBits: row.keyBits - c.defaultLsbBits, lsbBits: c.defaultLsbBits, refetchedQueries: row.queries };
  }
  const lsbBits = row.lsbBits > 0 ? row.lsbBits : 0;
  return { msbBits: bitsOf(row.keyBits, unquantizedBits), lsbBits, refetchedQueries: lsbBits > 0 ? Math.min(row.refetchedQueries, row.queries) : 0 };
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
  const q = row.queries;
  const d = row.headDim;
  const rounding = o.fetchRounding ?? 1;
  const keys = roundUp(row.keysFetched, rounding);
  const values = Math.min(roundUp(row.valuesFetched, rounding), keys);
  const plan = keyFetchPlan(row, c, o.unquantizedBits);
  const kMsbBits = plan.msbBits;
  const kLsbBits = plan.lsbBits;
  const refetched = plan.refetchedQueries;
  const vBits = bitsOf(row.valueBits, o.unquantizedBits);
  const qBits = bitsOf(row.queryBits, o.unquantizedBits);
  // K and V are fetched once per row and reused by all its queries (they sit in the SRAM); the LSB
  // plane is fetched once if any query refetches; every query vector is fetched.
  const bytes: TensorBytes = {
    kMsb: transactionRoundedBytes(tensorBytes(keys, d, kMsbBits), c),
    kLsb: refetched > 0 ? transactionRoundedBytes(tensorBytes(keys, d, kLsbBits), c) : 0,
    v: transactionRoundedBytes(tensorBytes(values, d, vBits), c),
    q: transactionRoundedBytes(tensorBytes(q, d, qBits), c),
  };
  const lat = c.latencies.topKRound;
  const kPerLine = vectorsPerLine(c.qkMultipliers, c);
  const vPerLine = vectorsPerLine(c.pvMultipliers, c);
  const w: RowWork = {
    step: row.step,
    layer: row.layer,
    head: row.head,
    queries: q,
    keys,
    values,
    headDim: d,
    kMsbBits,
    kLsbBits,
    vBits,
    qBits,
    refetchedQueries: refetched,
    bytes,
    kFetchCycles: dramTransferCycles(bytes.kMsb + bytes.q, c),
    kLsbCycles: dramTransferCycles(bytes.kLsb, c),
    vFetchCycles: dramTransferCycles(bytes.v, c),
    qkPerQuery: streamCycles(keys, d, c.qkMultipliers, c),
    // The softmax unit takes the dot products as Q x K emits them, softmaxLanes per cycle.
    softmaxPerQuery: Math.ceil(keys / c.softmaxLanes),
    pvPerQuery: streamCycles(values, d, c.pvMultipliers, c),
    kLines: Math.ceil(keys / kPerLine) * datapathPasses(d, c),
    vLines: Math.ceil(values / vPerLine) * datapathPasses(d, c),
    qkMacs: (q + refetched) * keys * d,
    pvMacs: q * values * d,
    softmaxElements: (q + refetched) * keys,
  };
  if (row.localVTopK && row.localVTopK.k < row.localVTopK.n) {
    w.localVTopK = topKCallTiming(row.localVTopK, c.topKComparators, lat, mixSeed(o.seed, 1, row.step, row.layer, row.head));
  }
  if (row.tokenTopK) {
    w.tokenTopK = topKCallTiming(row.tokenTopK, c.topKComparators, lat, mixSeed(o.seed, 2, row.step, row.layer, row.head));
  }
  return w;
}
