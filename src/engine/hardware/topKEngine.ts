// Timing of SpAtten's top-k engine (quick-select; REFERENCE.md "Top-k engine").
//
// Phase 1 streams the candidates of each round through `comparators` comparators against a pivot,
// compacts both sides with zero eliminators and recurses into the side holding rank k: a round of
// n candidates costs ceil(n / comparators) + roundLatency cycles (the authors' TopKLatencyModel).
// The rounds are the real ones when the functional engine recorded them (TopKCall.roundSizes);
// otherwise they are estimated by replaying quick-select on random distinct data with a seeded
// random pivot. For distinct data only the pivot's rank matters, and it is uniform, so the
// estimate draws ranks directly: O(rounds) per call, no candidate arrays.
import type { TopKCall } from '../trace/trace';
import { RANDOM_INCREMENT, uniformOfState } from '../seededRandom';

/**
 * Candidates entering each quick-select round when selecting the k largest of n distinct values
 * with a uniformly random pivot. The search ends in the round whose pivot is the k-th largest.
 */
export function estimateRoundSizes(n: number, k: number, rand: () => number): number[] {
  const rounds: number[] = [];
  if (k <= 0 || k >= n) return rounds; // nothing to select: the engine passes everything or nothing
  // Rank (0-based, ascending) of the threshold element: the k-th largest.
  let target = n - k;
  let size = n;
  while (size > 0) {
    rounds.push(size);
    const pivotRank = Math.floor(rand() * size); // elements below the pivot in this round
    if (pivotRank === target) break;
    if (pivotRank > target) {
      size = pivotRank; // recurse into the "less" side
    } else {
      target -= pivotRank + 1; // skip the "less" side and the pivot
      size = size - pivotRank - 1;
    }
  }
  return rounds;
}

/** Cycles of one top-k call from its round sizes. */
export function topKCyclesFromRounds(roundSizes: readonly number[], comparators: number, roundLatency: number): number {
  let cycles = 0;
  for (const n of roundSizes) cycles += Math.ceil(n / comparators) + roundLatency;
  return cycles;
}

export interface TopKTiming {
  cycles: number;
  /** Comparisons performed (sum of round sizes), for the energy model. */
  comparisons: number;
  /** True when the rounds were measured by the functional engine, false when estimated. */
  measured: boolean;
}

/** Timing of one call: measured rounds when present, else a seeded estimate. */
export function topKCallTiming(call: TopKCall, comparators: number, roundLatency: number, seed: number): TopKTiming {
  return topKCallTimingInto({ cycles: 0, comparisons: 0, measured: false }, call, comparators, roundLatency, seed);
}

/**
 * topKCallTiming written into `out` (the cycle model reuses one per row: no allocation per call).
 * The estimate walks the same seeded rounds as estimateRoundSizes without keeping them, summing
 * in the same order, so the figures are the same to the last bit.
 */
export function topKCallTimingInto(out: TopKTiming, call: TopKCall, comparators: number, roundLatency: number, seed: number): TopKTiming {
  let cycles = 0;
  let comparisons = 0;
  if (call.roundSizes) {
    for (const n of call.roundSizes) {
      cycles += Math.ceil(n / comparators) + roundLatency;
      comparisons += n;
    }
  } else if (call.k > 0 && call.k < call.n) {
    // seededRandom(seed), inlined: no closure per call.
    let state = seed >>> 0;
    let target = call.n - call.k;
    let size = call.n;
    while (size > 0) {
      cycles += Math.ceil(size / comparators) + roundLatency;
      comparisons += size;
      state = (state + RANDOM_INCREMENT) >>> 0;
      const pivotRank = Math.floor(uniformOfState(state) * size);
      if (pivotRank === target) break;
      if (pivotRank > target) size = pivotRank;
      else {
        target -= pivotRank + 1;
        size = size - pivotRank - 1;
      }
    }
  }
  out.cycles = cycles;
  out.comparisons = comparisons;
  out.measured = call.roundSizes !== undefined;
  return out;
}
