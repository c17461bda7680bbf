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

/** True when the call's rounds are estimated (not measured) and there is at least one round. */
function isEstimated(call: TopKCall): boolean {
  return !call.roundSizes && call.k > 0 && call.k < call.n;
}

/** The int32 sizes the estimate works on (see keptSize): a RangeError for anything else. */
function checkCounts(call: TopKCall): void {
  if (call.n !== (call.n | 0) || call.k !== (call.k | 0)) throwCountsError(call);
}

// Apart from checkCounts, which then stays small enough to inline where the estimates run.
function throwCountsError(call: TopKCall): never {
  throw new RangeError(`top-k call of n = ${call.n}, k = ${call.k}: the engine's counts are whole numbers below 2^31`);
}

// One quick-select round picks the side holding rank `target` of `size` candidates after a pivot
// of rank `pivot` (pivot !== target), without a branch: which side it is, is a coin toss, so a
// branch on it was mispredicted every other round (the estimate ran 27 % slower with one). Sizes
// are int32 (a call's n is a token count), so `(pivot - target) >> 31` is -1 when the pivot is
// below the target (go right: the pivot and the ranks below it drop out) and 0 when above (go
// left: the ranks below the pivot stay).

/** Candidates left after the round. */
function keptSize(pivot: number, target: number, size: number): number {
  const right = (pivot - target) >> 31;
  return (pivot & ~right) | ((size - pivot - 1) & right);
}

/** Ranks the round dropped below the target (what the target moves down by). */
function droppedBelow(pivot: number, target: number): number {
  return (pivot + 1) & ((pivot - target) >> 31);
}

/**
 * The estimate's rounds from where it stands (the PRNG state before the next draw, the target rank
 * among `size` candidates left, what the rounds so far added up to), its figures into `out`.
 */
function estimateInto(out: TopKTiming, state: number, target: number, size: number, cycles: number, comparisons: number, comparators: number, roundLatency: number): void {
  while (size > 0) {
    cycles += Math.ceil(size / comparators) + roundLatency;
    comparisons += size;
    state = (state + RANDOM_INCREMENT) | 0;
    const pivot = Math.floor(uniformOfState(state) * size) | 0;
    if (pivot === target) break;
    size = keptSize(pivot, target, size);
    target -= droppedBelow(pivot, target);
  }
  out.cycles = cycles;
  out.comparisons = comparisons;
  out.measured = false;
}

/**
 * topKCallTiming written into `out` (the cycle model reuses one per row: no allocation per call).
 * The estimate walks the seeded rounds without keeping them (test/oracle/topKEngine.ts keeps them:
 * estimateRoundSizes), summing in the same order, so the figures are the same to the last bit.
 */
export function topKCallTimingInto(out: TopKTiming, call: TopKCall, comparators: number, roundLatency: number, seed: number): TopKTiming {
  if (isEstimated(call)) {
    checkCounts(call);
    // seededRandom(seed), inlined: no closure per call. The state is kept as an int32 (| 0, not
    // >>> 0): the same 32 bits, which uniformOfState reads only through imul, ^, | and >>>, but
    // a small integer to V8 rather than a double above 2^31.
    estimateInto(out, seed | 0, (call.n - call.k) | 0, call.n | 0, 0, 0, comparators, roundLatency);
    return out;
  }
  let cycles = 0;
  let comparisons = 0;
  if (call.roundSizes) {
    for (const n of call.roundSizes) {
      cycles += Math.ceil(n / comparators) + roundLatency;
      comparisons += n;
    }
  }
  out.cycles = cycles;
  out.comparisons = comparisons;
  out.measured = call.roundSizes !== undefined;
  return out;
}

/**
 * topKCallTimingInto of two calls (a into outA, b into outB), the same figures to the last bit.
 * Two estimates run their rounds in one loop while both last: a round's work waits on the round
 * before it (the pivot's rank sets the next size), and two independent chains keep the core busy
 * where one left it waiting (a quarter less time per estimate, measured).
 */
export function topKCallTimingPairInto(outA: TopKTiming, a: TopKCall, seedA: number, outB: TopKTiming, b: TopKCall, seedB: number, comparators: number, roundLatency: number): void {
  if (!isEstimated(a) || !isEstimated(b)) {
    topKCallTimingInto(outA, a, comparators, roundLatency, seedA);
    topKCallTimingInto(outB, b, comparators, roundLatency, seedB);
    return;
  }
  checkCounts(a);
  checkCounts(b);
  let cyclesA = 0;
  let comparisonsA = 0;
  let stateA = seedA | 0;
  let targetA = (a.n - a.k) | 0;
  let sizeA = a.n | 0;
  let cyclesB = 0;
  let comparisonsB = 0;
  let stateB = seedB | 0;
  let targetB = (b.n - b.k) | 0;
  let sizeB = b.n | 0;
  // An estimate whose pivot hit its target is done: its size goes to 0.
  while (sizeA > 0 && sizeB > 0) {
    cyclesA += Math.ceil(sizeA / comparators) + roundLatency;
    comparisonsA += sizeA;
    cyclesB += Math.ceil(sizeB / comparators) + roundLatency;
    comparisonsB += sizeB;
    stateA = (stateA + RANDOM_INCREMENT) | 0;
    stateB = (stateB + RANDOM_INCREMENT) | 0;
    const pivotA = Math.floor(uniformOfState(stateA) * sizeA) | 0;
    const pivotB = Math.floor(uniformOfState(stateB) * sizeB) | 0;
    if (pivotA === targetA) sizeA = 0;
    else {
      sizeA = keptSize(pivotA, targetA, sizeA);
      targetA -= droppedBelow(pivotA, targetA);
    }
    if (pivotB === targetB) sizeB = 0;
    else {
      sizeB = keptSize(pivotB, targetB, sizeB);
      targetB -= droppedBelow(pivotB, targetB);
    }
  }
  // The one still going finishes alone (the other's rounds are all counted: its loop does nothing).
  estimateInto(outA, stateA, targetA, sizeA, cyclesA, comparisonsA, comparators, roundLatency);
  estimateInto(outB, stateB, targetB, sizeB, cyclesB, comparisonsB, comparators, roundLatency);
}
