// Cumulative token importance: s[j] = sum over unpruned heads and query rows of the attention
// probability that token j received, carried from layer to layer and, in generation, from decode
// step to decode step. The LLM variant of the authors' 2024 code divides by how many (head, query)
// rows could see the token, which removes the bias toward older tokens in causal models.

export type ImportanceScoring = 'cumulative' | 'average';

export class TokenImportance {
  /** [tokens] sum of probabilities received. */
  private sum = new Float64Array(0);
  /** [tokens] number of (head, query row) pairs that could see the token. */
  private seen = new Float64Array(0);
  private length = 0;

  /** Tokens tracked so far (grows with the context). */
  get size(): number {
    return this.length;
  }

  /** Makes room for `tokens` positions; new positions start at zero. */
  ensure(tokens: number): void {
    if (tokens <= this.length) return;
    if (tokens > this.sum.length) {
      const cap = Math.max(tokens, this.sum.length * 2, 16);
      const s = new Float64Array(cap);
      const c = new Float64Array(cap);
      s.set(this.sum.subarray(0, this.length));
      c.set(this.seen.subarray(0, this.length));
      this.sum = s;
      this.seen = c;
    }
    this.length = tokens;
  }

  /**
   * Adds one query row of one head: probs[slot] is the probability given to token keys[slot],
   * for slot in [0, n). Slots the query could not see must not be passed.
   */
  addRow(probs: Float64Array, keys: Int32Array, n: number): void {
    const s = this.sum;
    const c = this.seen;
    for (let slot = 0; slot < n; slot++) {
      const j = keys[slot];
      s[j] += probs[slot];
      c[j] += 1;
    }
  }

  /** Adds whole-layer column sums: sums[j] probability and seen[j] rows for token j in [0, n). */
  addColumnSums(sums: Float64Array, seen: Float64Array, n: number): void {
    for (let j = 0; j < n; j++) {
      this.sum[j] += sums[j];
      this.seen[j] += seen[j];
    }
  }

  /** The score top-k ranks by: the sum, or the sum per query that saw the token. */
  score(j: number, scoring: ImportanceScoring): number {
    if (scoring === 'cumulative') return this.sum[j];
    const c = this.seen[j];
    return c > 0 ? this.sum[j] / c : 0;
  }

  /** Writes score(j) for j in [0, n) into `out`. */
  scoresInto(out: Float64Array, n: number, scoring: ImportanceScoring): void {
    for (let j = 0; j < n; j++) out[j] = this.score(j, scoring);
  }

  reset(): void {
    this.sum.fill(0);
    this.seen.fill(0);
    this.length = 0;
  }
}

/** Rank of each score, 0 = highest; ties by position (the order the top-k keeps them in). */
export function importanceRanks(scores: ArrayLike<number>): number[] {
  const order = Array.from({ length: scores.length }, (_, i) => i);
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  const ranks = new Array<number>(scores.length);
  for (let r = 0; r < order.length; r++) ranks[order[r]] = r;
  return ranks;
}
