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

/** Deterministic 32-bit PRNG (mulberry32); returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix small integers into a seed (so each call's estimate is independent of simulation order). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p & 0xffff), 0x01000193);
    h = Math.imul(h ^ (p >>> 16), 0x01000193);
  }
  return h >>> 0;
}

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
  const rounds = call.roundSizes ?? estimateRoundSizes(call.n, call.k, seededRandom(seed));
  let comparisons = 0;
  for (const n of rounds) comparisons += n;
  return { cycles: topKCyclesFromRounds(rounds, comparators, roundLatency), comparisons, measured: call.roundSizes !== undefined };
}
