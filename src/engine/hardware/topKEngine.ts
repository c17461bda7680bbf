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
 * The estimate walks the seeded rounds without keeping them (test/oracle/topKEngine.ts keeps them:
 * estimateRoundSizes), summing in the same order, so the figures are the same to the last bit.
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
    if (call.n !== (call.n | 0) || call.k !== (call.k | 0)) throw new RangeError(`top-k call of n = ${call.n}, k = ${call.k}: the engine's counts are whole numbers below 2^31`);
    // seededRandom(seed), inlined: no closure per call. The state is kept as an int32 (| 0, not
    // >>> 0): the same 32 bits, which uniformOfState reads only through imul, ^, | and >>>, but
    // a small integer to V8 rather than a double above 2^31.
    //
    // The side taken is chosen without a branch: which side holds rank `target` is a coin toss, so
    // a branch on it was mispredicted every other round (this loop ran 27 % slower with one). Sizes
    // are int32 (a call's n is a token count), so `(pivotRank - target) >> 31` is -1 when the pivot
    // is below the target (recurse right: drop the pivot and the ranks below it) and 0 when above
    // (recurse left: keep the ranks below the pivot).
    let state = seed | 0;
    let target = (call.n - call.k) | 0;
    let size = call.n | 0;
    while (size > 0) {
      cycles += Math.ceil(size / comparators) + roundLatency;
      comparisons += size;
      state = (state + RANDOM_INCREMENT) | 0;
      const pivotRank = Math.floor(uniformOfState(state) * size) | 0;
      if (pivotRank === target) break;
      const right = (pivotRank - target) >> 31;
      const dropped = (pivotRank + 1) & right;
      size = (pivotRank & ~right) | ((size - dropped) & right);
      target -= dropped;
    }
  }
  out.cycles = cycles;
  out.comparisons = comparisons;
  out.measured = call.roundSizes !== undefined;
  return out;
}
