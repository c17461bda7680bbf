// The numerics every room shares on logits and scores: argmax, a stable log-sum-exp and the
// log-probability of one entry. One implementation each, so the dense reference, the engine's
// generation, the accuracy metrics and the report agree to the bit on ties and rounding.

/** Index of the largest of row[offset .. offset + n); the first one on ties. */
export function argmax(row: ArrayLike<number>, offset = 0, n = row.length - offset): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (row[offset + i] > row[offset + best]) best = i;
  return best;
}

/** The largest of row[offset .. offset + n) and sum exp(row[i] - max): a softmax's normaliser, stably. */
export function maxAndSumExp(row: ArrayLike<number>, offset = 0, n = row.length - offset): { max: number; sum: number } {
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (row[offset + i] > max) max = row[offset + i];
  if (max === -Infinity) return { max, sum: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.exp(row[offset + i] - max);
  return { max, sum };
}

/** log(sum exp(row[offset .. offset + n))); -Infinity for an all -Infinity row. */
export function logSumExp(row: ArrayLike<number>, offset = 0, n = row.length - offset): number {
  const { max, sum } = maxAndSumExp(row, offset, n);
  return max === -Infinity ? -Infinity : max + Math.log(sum);
}

/** log softmax(row)[token]: the log-probability of `token` under the logits row. */
export function tokenLogProb(row: ArrayLike<number>, token: number): number {
  const { max, sum } = maxAndSumExp(row);
  return row[token] - max - Math.log(sum);
}
