// The additive timing model: the authors' fast analytical model (spatten_hardware/simulator,
// REFERENCE.md "How the authors' own models count time"). Four terms per (step, layer), added with
// no overlap between DRAM and compute, hence a conservative (upper) bound:
//   dram  = sum over heads of ceil(Ktx / channels) + ceil(Vtx / channels) transaction slots,
//           Ktx = floor(B * P * D * kbits / 8 / transaction), B = ceil(keys / P), P = multipliers / D
//   fill  = sum over heads of queries * B
//   drain = once, with B of the last head: qk + (softmax + B) + requant + 1 (top-k pass) + pv
//   tokenTopK = per row with a token top-k: B + sum over rounds (floor(n_round / ZE) + 4) + ceil(k / P)
// Bits: quantized widths of 6 or above 8 are billed as 8 (the authors' rule: their datapath slots);
// unquantized (-1) at the dense precision, like the pipelined model.
//
// Two terms the authors' BERT model did not need (BERT used neither), added in the same spirit so
// the model stays an upper bound on generation traces too:
//   localVTopK = per row with local V pruning, per query row: the same top-k formula (n = keys,
//                k = values kept);
//   refetch    = per row whose LSBs are refetched: ceil(LSBtx / channels) + refetched queries * B
//                (the LSB plane over the channels, then Q x K again), the key plan of rowWork.ts.
// Deviations, because our traces carry more than the authors' BERT CSV: V uses the row's own value
// count (their CSV had one fetch count for K and V), and "queries" replaces the sentence length in
// the fill term (equal for BERT rows; 1 for a generation step).
import type { TraceRow } from '../trace/trace';
import type { HardwareConfig } from './hardwareConfig';
import { keyFetchPlan } from './rowWork';
import { estimateRoundSizes } from './topKEngine';
import { mixSeed, seededRandom } from '../seededRandom';

export const ADDITIVE_STAGES = ['dram', 'fill', 'drain', 'tokenTopK', 'localVTopK', 'refetch'] as const;
export type AdditiveStage = (typeof ADDITIVE_STAGES)[number];

export interface AdditiveGroupTiming {
  cycles: number;
  /** Cycles by term (index = ADDITIVE_STAGES). */
  stages: Float64Array;
}

export interface AdditiveOptions {
  unquantizedBits: number;
  seed: number;
}

function billedBits(b: number, unquantizedBits: number): number {
  if (b === -1) return unquantizedBits;
  return b === 6 || b > 8 ? 8 : b;
}

/** The authors' top-k term for one call (cycles). */
export function additiveTopKCycles(n: number, k: number, roundSizes: readonly number[], P: number, zeWidth: number): number {
  let cycles = Math.ceil(n / P); // fill the buffer
  for (const size of roundSizes) cycles += Math.floor(size / zeWidth) + 4; // comparators, ZE, FIFO, state
  return cycles + Math.ceil(k / P); // drain
}

/** One (step, layer): `rows` in head order. */
export function additiveGroupTiming(rows: readonly TraceRow[], c: HardwareConfig, o: AdditiveOptions): AdditiveGroupTiming {
  const stages = new Float64Array(ADDITIVE_STAGES.length);
  if (rows.length === 0) return { cycles: 0, stages };
  const slotCycles = c.transactionBytes / c.channelBytesPerCycle;
  let lastB = 0;
  for (const r of rows) {
    const d = r.headDim;
    const P = Math.max(1, Math.floor(c.qkMultipliers / d));
    const B = Math.ceil(r.keysFetched / P);
    const Bv = Math.ceil(r.valuesFetched / P);
    const kTx = Math.floor((B * P * d * billedBits(r.keyBits, o.unquantizedBits)) / 8 / c.transactionBytes);
    const vTx = Math.floor((Bv * P * d * billedBits(r.valueBits, o.unquantizedBits)) / 8 / c.transactionBytes);
    stages[0] += (Math.ceil(kTx / c.hbmChannels) + Math.ceil(vTx / c.hbmChannels)) * slotCycles;
    stages[1] += r.queries * B;
    if (r.tokenTopK) {
      const t = r.tokenTopK;
      const rounds = t.roundSizes ?? estimateRoundSizes(t.n, t.k, seededRandom(mixSeed(o.seed, 2, r.step, r.layer, r.head)));
      stages[3] += additiveTopKCycles(t.n, t.k, rounds, P, c.additiveZeroEliminatorWidth);
    }
    if (r.localVTopK && r.localVTopK.k < r.localVTopK.n) {
      const t = r.localVTopK;
      const rounds = t.roundSizes ?? estimateRoundSizes(t.n, t.k, seededRandom(mixSeed(o.seed, 1, r.step, r.layer, r.head)));
      stages[4] += r.queries * additiveTopKCycles(t.n, t.k, rounds, P, c.additiveZeroEliminatorWidth);
    }
    const plan = keyFetchPlan(r, c, o.unquantizedBits);
    if (plan.refetchedQueries > 0) {
      const lsbTx = Math.floor((B * P * d * plan.lsbBits) / 8 / c.transactionBytes);
      stages[5] += Math.ceil(lsbTx / c.hbmChannels) * slotCycles + plan.refetchedQueries * B;
    }
    lastB = B;
  }
  const L = c.latencies;
  stages[2] = L.qk + L.softmax + lastB + L.requant + 1 + L.pv;
  let cycles = 0;
  for (const v of stages) cycles += v;
  return { cycles, stages };
}
