// The top-k engine of SpAtten as an algorithm: quick-select on the real scores with a seeded random
// pivot (phase 1 finds the k-th largest value), then one pass in original order that keeps values
// above that threshold plus the first few equal to it (phase 2). Survivors keep their original
// order and ties at the threshold are broken by position, exactly as the hardware does it. The
// candidate count entering each round is returned because the cycle model bills
// ceil(n_round / 16) + 3 cycles per round.
//
// One difference from a 2-way hardware partition: values equal to the pivot form their own group
// so that a run of equal scores ends the search instead of looping (the hardware resolves it the
// same way in phase 2). NaN scores are treated as -Infinity (never kept before a real number).

export interface TopKResult {
  /** Indices of the kept candidates, ascending (original order). */
  kept: Int32Array;
  /** Candidates entering each quick-select round; empty when no selection was needed (k >= n or k <= 0). */
  roundSizes: number[];
}

/**
 * Reusable top-k engine: scratch buffers grow to the largest call and are reused, so a selection
 * allocates only its result.
 */
export class QuickSelectTopK {
  private work = new Float64Array(64);
  private spare = new Float64Array(64);

  constructor(private readonly random: () => number) {}

  /**
   * Keeps the `k` largest of `scores[candidates[0..n)]` (or of `scores[0..n)` when `candidates` is
   * null). Returned indices are positions in `scores` (not in `candidates`), ascending.
   */
  select(scores: ArrayLike<number>, n: number, k: number, candidates: Int32Array | null = null): TopKResult {
    const roundSizes: number[] = [];
    if (k <= 0 || n <= 0) return { kept: new Int32Array(0), roundSizes };
    if (k >= n) {
      const all = new Int32Array(n);
      for (let i = 0; i < n; i++) all[i] = candidates ? candidates[i] : i;
      return { kept: all, roundSizes };
    }
    if (this.work.length < n) {
      this.work = new Float64Array(n);
      this.spare = new Float64Array(n);
    }
    let cur = this.work;
    let next = this.spare;
    for (let i = 0; i < n; i++) cur[i] = valueAt(scores, candidates ? candidates[i] : i);

    // Phase 1: find the threshold t = the k-th largest value, and how many equal-to-t to keep.
    let len = n;
    let rank = k; // we want the rank-th largest of cur[0..len)
    let threshold = 0;
    for (;;) {
      roundSizes.push(len);
      const pivot = cur[Math.min(len - 1, Math.floor(this.random() * len))];
      let greater = 0;
      let equal = 0;
      for (let i = 0; i < len; i++) {
        const v = cur[i];
        if (v > pivot) greater++;
        else if (v === pivot) equal++;
      }
      if (rank <= greater) {
        let m = 0;
        for (let i = 0; i < len; i++) if (cur[i] > pivot) next[m++] = cur[i];
        len = m;
      } else if (rank <= greater + equal) {
        threshold = pivot;
        break;
      } else {
        rank -= greater + equal;
        let m = 0;
        for (let i = 0; i < len; i++) if (cur[i] < pivot) next[m++] = cur[i];
        len = m;
      }
      const t = cur;
      cur = next;
      next = t;
    }

    // Phase 2: stream the original data in order; keep > t, then the first equal ones.
    let above = 0;
    for (let i = 0; i < n; i++) if (valueAt(scores, candidates ? candidates[i] : i) > threshold) above++;
    let equalsToKeep = k - above;
    const kept = new Int32Array(k);
    let m = 0;
    for (let i = 0; i < n && m < k; i++) {
      const idx = candidates ? candidates[i] : i;
      const v = valueAt(scores, idx);
      if (v > threshold) kept[m++] = idx;
      else if (v === threshold && equalsToKeep > 0) {
        kept[m++] = idx;
        equalsToKeep--;
      }
    }
    return { kept, roundSizes };
  }
}

function valueAt(scores: ArrayLike<number>, i: number): number {
  const v = scores[i];
  return v === v ? v : -Infinity;
}
