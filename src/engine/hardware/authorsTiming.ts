// The `authors` timing model: the SpAtten authors' fast analytical model
// (spatten_hardware/simulator/src/bert.cpp) term for term, so that its per-layer cycles are
// reproduced exactly (the crosscheck harness, scripts/crosscheck.ts, compares the two). It is the
// reference point of the `additive` model, which extends the same four terms (local V top-k,
// refetch, per-row V counts) to generation traces.
//
// Per group of rows (bert.cpp's run(): one layer; here one (step, layer)), with P = floor(M / D)
// keys per cycle (M = Q x K multipliers, integer division as in bert.cpp) and B = ceil(keys / P):
//   dram      = sum over rows of ceil(Ktx / channels) + ceil(Vtx / channels),
//               Ktx = floor(floor(B * P * D * kbits / 8) / 32), Vtx likewise with vbits
//               (size_t arithmetic; 32 = the transaction size, taken from the config);
//   fill      = sum over rows of L * B;
//   drain     = once, with B of the group's last row: qk + (softmax + B) + requant + 1 + pv;
//   tokenTopK = per row with a token top-k: see authorsTopK.ts (seeded per row).
// bert.cpp conventions kept as they are:
// - K and V use ONE fetch count (its key_value_query_fetch_num): V is billed for as many rows as K.
// - Widths of 6 or above 8 are billed as 8; so is -1 (unquantized), which bert.cpp reads into a
//   size_t, where it wraps to a huge number (> 8). Other widths (e.g. 4) are billed as they are.
// - The top-k seed is a counter restarting at 0 in each group and incremented per top-k row.
// How a TraceRow fills bert.cpp's profile (documented choice, see FIDELITY-crosscheck.md):
//   embedding_length_D <- headDim; sentence_length_L <- queries (bert.cpp's fill bills L query
//   rows; its BERT rows have queries = L, a generation step has 1); key_value_query_fetch_num <-
//   keysFetched (valuesFetched is not used); quant_key_bit / quant_value_bit <- keyBits /
//   valueBits; if_topk / topk <- tokenTopK present / tokenTopK.k. The top-k selects among
//   keysFetched random scores (bert.cpp's n), whatever tokenTopK.n says. LSB refetch, local V
//   pruning and the query width do not enter bert.cpp's model and are ignored.
// The dense baseline under this timing is billed by the same rules, so its unquantized (-1)
// tensors count as 8 bit whatever --dense-bits says (DRAM bytes and energy still use it).
import type { TraceRow } from '../trace/trace';
import type { HardwareConfig } from './hardwareConfig';
import { authorsTopKCycles, type AuthorsTopKMode, type OobPivot } from './authorsTopK';

export const AUTHORS_STAGES = ['dram', 'fill', 'drain', 'tokenTopK'] as const;

/** Hardware unit (index into pipelinedTiming's HARDWARE_UNITS) each term runs on, for timelines. */
export const AUTHORS_STAGE_UNITS: readonly number[] = [0, 1, 2, 3];

export interface AuthorsOptions {
  /** 'as-built' (default) reproduces bert.cpp's quick-select defects; 'intended' fixes them. */
  topK?: AuthorsTopKMode;
  /** Value an out-of-bounds pivot read returns (as-built only; see authorsTopK.ts). */
  oobPivot?: OobPivot;
}

export interface AuthorsGroupTiming {
  cycles: number;
  /** Cycles by term (index = AUTHORS_STAGES). */
  stages: Float64Array;
}

/** bert.cpp's billed width: 6, above 8, and -1 (a wrapped size_t) count as 8 bits. */
export function authorsBilledBits(bits: number): number {
  return bits === 6 || bits > 8 || bits < 0 ? 8 : bits;
}

/** bert.cpp's P: keys per cycle, integer division (at least 1: bert.cpp divides by it). */
export function authorsParallelism(c: HardwareConfig, headDim: number): number {
  return Math.max(1, Math.floor(c.qkMultipliers / headDim));
}

/** DRAM slots of one tensor of one row: ceil(transactions / channels). */
function tensorSlots(B: number, P: number, d: number, bits: number, c: HardwareConfig): number {
  const transactions = Math.floor(Math.floor((B * P * d * authorsBilledBits(bits)) / 8) / c.transactionBytes);
  return Math.ceil(transactions / c.hbmChannels);
}

/** One group (bert.cpp's layer): `rows` in the order bert.cpp would read them (head order). */
export function authorsGroupTiming(rows: readonly TraceRow[], c: HardwareConfig, o: AuthorsOptions = {}): AuthorsGroupTiming {
  const stages = new Float64Array(AUTHORS_STAGES.length);
  if (rows.length === 0) return { cycles: 0, stages };
  const slotCycles = c.transactionBytes / c.channelBytesPerCycle;
  const topK = { zeWidth: c.authorsZeroEliminatorWidth, mode: o.topK ?? 'as-built', oobPivot: o.oobPivot };
  let seed = 0;
  let lastB = 0;
  for (const r of rows) {
    const d = r.headDim;
    const P = authorsParallelism(c, d);
    const B = Math.ceil(r.keysFetched / P);
    stages[0] += (tensorSlots(B, P, d, r.keyBits, c) + tensorSlots(B, P, d, r.valueBits, c)) * slotCycles;
    stages[1] += r.queries * B;
    if (r.tokenTopK) stages[3] += authorsTopKCycles(r.keysFetched, r.tokenTopK.k, seed++, { ...topK, parallelism: P });
    lastB = B;
  }
  const L = c.latencies;
  stages[2] = L.qk + L.softmax + lastB + L.requant + 1 + L.pv; // the 1: bert.cpp's skipped top-k stage
  let cycles = 0;
  for (const v of stages) cycles += v;
  return { cycles, stages };
}

/** Busy cycles per hardware unit (for the memory/compute bound): DRAM, fill on Q x K, top-k. */
export function authorsUnitBusy(stages: Float64Array, out: Float64Array): void {
  out[0] += stages[0];
  out[1] += stages[1];
  out[3] += stages[3];
}
