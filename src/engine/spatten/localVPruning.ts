// Local V pruning: for one query row of one head, keep only the V rows of the largest
// probabilities, a preset fraction of the keys fetched (0.2 for GPT-2-small, 0.3 for GPT-2-medium
// in the authors' traces). Dropped probabilities are zeroed and NOT renormalized: the hardware
// simply skips those V fetches. Token importance is accumulated before this step (it does not
// change token scores), so this module only touches the row it is given.
import { QuickSelectTopK, type TopKResult } from './quickSelectTopK';

/** Values kept out of `fetched` keys: floor(fraction x fetched), at least 1 (0 when none fetched). */
export function valuesKept(fraction: number, fetched: number): number {
  if (fetched <= 0) return 0;
  return Math.max(1, Math.min(fetched, Math.floor(fraction * fetched + 1e-9)));
}

/**
 * Zeroes all but the `valuesKept(fraction, n)` largest of probs[0..n) in place (ties by slot).
 * Returns the top-k call (n candidates, its rounds) and how many values were kept.
 */
export function pruneLocalValues(
  probs: Float64Array,
  n: number,
  fraction: number,
  topK: QuickSelectTopK,
): { kept: number; result: TopKResult } {
  const k = valuesKept(fraction, n);
  const result = topK.select(probs, n, k);
  if (k < n) {
    // kept is ascending: walk it alongside the slots and zero the gaps.
    let next = 0;
    for (let slot = 0; slot < n; slot++) {
      if (next < result.kept.length && result.kept[next] === slot) next++;
      else probs[slot] = 0;
    }
  }
  return { kept: k, result };
}
