// One query row of one head: scores over the keys it may see, softmax, and P x V. The keys are
// given as a list of positions (the tokens alive at this layer that the row may see), so a pruned
// token costs nothing, exactly as in hardware where it is never fetched. Accumulation is in
// float64 so that with every technique off the result equals plain dense attention.

/** Scratch for one row; grows to the longest key list seen. */
export class AttentionRowScratch {
  /** [slots] probabilities of the row, slot s belongs to key keys[s]. */
  probs = new Float64Array(64);
  /** [D] output accumulator. */
  acc = new Float64Array(64);

  ensure(keys: number, headDim: number): void {
    if (this.probs.length < keys) this.probs = new Float64Array(Math.max(keys, this.probs.length * 2));
    if (this.acc.length < headDim) this.acc = new Float64Array(headDim);
  }
}

/**
 * probs[s] = softmax_s(scale * q . k[keys[s]] + mask[maskOffset + keys[s]] + bias[biasOffset + keys[s]])
 * for s in [0, n) (a null mask or bias adds nothing).
 * q: row at qOffset (length D); k: rows of length D from kBase (key j at kBase + j * D).
 * Returns the largest probability (0 when n = 0 or every score is -Infinity; probs are then 0).
 */
export function softmaxScores(
  q: Float32Array,
  qOffset: number,
  k: Float32Array,
  kBase: number,
  headDim: number,
  scale: number,
  mask: Float32Array | null,
  maskOffset: number,
  bias: Float32Array | null,
  biasOffset: number,
  keys: Int32Array,
  n: number,
  probs: Float64Array,
): number {
  let max = -Infinity;
  for (let s = 0; s < n; s++) {
    const j = keys[s];
    const kOff = kBase + j * headDim;
    let dot = 0;
    for (let d = 0; d < headDim; d++) dot += q[qOffset + d] * k[kOff + d];
    let score = scale * dot;
    if (mask !== null) score += mask[maskOffset + j];
    if (bias !== null) score += bias[biasOffset + j];
    probs[s] = score;
    if (score > max) max = score;
  }
  if (max === -Infinity) {
    probs.fill(0, 0, n);
    return 0;
  }
  let sum = 0;
  for (let s = 0; s < n; s++) {
    const e = Math.exp(probs[s] - max);
    probs[s] = e;
    sum += e;
  }
  let maxProb = 0;
  const inv = 1 / sum;
  for (let s = 0; s < n; s++) {
    const p = probs[s] * inv;
    probs[s] = p;
    if (p > maxProb) maxProb = p;
  }
  return maxProb;
}

/** out[outOffset + d] = sum_s probs[s] * v[vBase + keys[s] * D + d]; zero probabilities are skipped (not fetched). */
export function weightedValues(
  probs: Float64Array,
  keys: Int32Array,
  n: number,
  v: Float32Array,
  vBase: number,
  headDim: number,
  acc: Float64Array,
  out: Float32Array,
  outOffset: number,
): void {
  acc.fill(0, 0, headDim);
  for (let s = 0; s < n; s++) {
    const p = probs[s];
    if (p === 0) continue;
    const vOff = vBase + keys[s] * headDim;
    for (let d = 0; d < headDim; d++) acc[d] += p * v[vOff + d];
  }
  for (let d = 0; d < headDim; d++) out[outOffset + d] = acc[d];
}
