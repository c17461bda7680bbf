// What one trace row asks of the hardware, in the hardware's units: bits actually fetched, DRAM
// bytes by tensor (transaction-rounded), operations for the energy model, top-k timings. Both
// timing models and the energy model read this, so a trace row is interpreted in one place.
//
// Bit-width conventions of the authors' schema:
// - -1 (unquantized) is fetched at `unquantizedBits` (the dense precision, --dense-bits). The
//   authors' RTL bills it at 8 bit; pass 8 to reproduce that.
// - K width above 8 with no LSB width (auto_requant_incre = -1), e.g. 12 in the GPT-2-medium
//   trace, is "MSB + LSB total, always refetched" (README of the traces; the authors' RTL turns it
//   into 8-bit MSBs + a forced refetch): MSBs = width - defaultLsbBits, every query refetches.
// - Otherwise MSBs = quant_key_bit, LSBs = auto_requant_incre, refetched rows as recorded.
//
// Transaction rounding is per (row, tensor): the fetched vectors of one head are assumed packed
// back to back (as the authors' fused 6-bit layout does), so only the tail of each tensor rounds up.
import type { TraceRow } from '../trace/trace';
import type { HardwareConfig } from './hardwareConfig';
import { tensorBytes, transactionRoundedBytes } from './hbmChannel';
import { topKCallTiming, type TopKTiming } from './topKEngine';
import { mixSeed } from '../seededRandom';

export interface WorkOptions {
  /** Bits fetched for tensors marked unquantized (-1). */
  unquantizedBits: number;
  /** Seed for estimated top-k rounds. */
  seed: number;
  /** Comparators of the top-k engine (defaults to the config's; the ablation uses 1). */
  topKComparators?: number;
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
  /** Local V top-k, per query row (undefined: no local V pruning). */
  localVTopK?: TopKTiming;
  /** Cascade token top-k after this row. */
  tokenTopK?: TopKTiming;
  /** Multiply-accumulates: Q x K (incl. recompute) and prob x V. */
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

export function rowWork(row: TraceRow, c: HardwareConfig, o: WorkOptions): RowWork {
  const q = row.queries;
  const d = row.headDim;
  const plan = keyFetchPlan(row, c, o.unquantizedBits);
  const kMsbBits = plan.msbBits;
  const kLsbBits = plan.lsbBits;
  const refetched = plan.refetchedQueries;
  const vBits = bitsOf(row.valueBits, o.unquantizedBits);
  const qBits = bitsOf(row.queryBits, o.unquantizedBits);
  // K and V are fetched once per row and reused by all its queries (they sit in the SRAM); the LSB
  // plane is fetched once if any query refetches; every query vector is fetched.
  const bytes: TensorBytes = {
    kMsb: transactionRoundedBytes(tensorBytes(row.keysFetched, d, kMsbBits), c),
    kLsb: refetched > 0 ? transactionRoundedBytes(tensorBytes(row.keysFetched, d, kLsbBits), c) : 0,
    v: transactionRoundedBytes(tensorBytes(row.valuesFetched, d, vBits), c),
    q: transactionRoundedBytes(tensorBytes(q, d, qBits), c),
  };
  const comparators = o.topKComparators ?? c.topKComparators;
  const lat = c.latencies.topKRound;
  const w: RowWork = {
    step: row.step,
    layer: row.layer,
    head: row.head,
    queries: q,
    keys: row.keysFetched,
    values: row.valuesFetched,
    headDim: d,
    kMsbBits,
    kLsbBits,
    vBits,
    qBits,
    refetchedQueries: refetched,
    bytes,
    qkMacs: (q + refetched) * row.keysFetched * d,
    pvMacs: q * row.valuesFetched * d,
    softmaxElements: (q + refetched) * row.keysFetched,
  };
  if (row.localVTopK && row.localVTopK.k < row.localVTopK.n) {
    w.localVTopK = topKCallTiming(row.localVTopK, comparators, lat, mixSeed(o.seed, 1, row.step, row.layer, row.head));
  }
  if (row.tokenTopK) {
    w.tokenTopK = topKCallTiming(row.tokenTopK, comparators, lat, mixSeed(o.seed, 2, row.step, row.layer, row.head));
  }
  return w;
}
