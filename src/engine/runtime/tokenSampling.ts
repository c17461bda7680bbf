// Picking the next token from a logits row: greedy (argmax) or seeded temperature / top-k
// sampling. The numerics (argmax, log-probabilities) are numerics.ts.
import { argmax } from '../numerics';
import { seededRandom } from '../seededRandom';

export interface SamplingOptions {
  /** > 0; 1 = the model's distribution. */
  temperature: number;
  /** Keep only the k most likely tokens (0 or undefined = all). */
  topK?: number;
  seed: number;
}

/** A seeded sampler (mulberry32), so a run can be repeated exactly. */
export class TokenSampler {
  private readonly random: () => number;

  constructor(private readonly opts: SamplingOptions) {
    this.random = seededRandom(opts.seed);
  }

  sample(row: Float32Array): number {
    const T = this.opts.temperature;
    if (!(T > 0)) return argmax(row);
    const V = row.length;
    const k = this.opts.topK && this.opts.topK > 0 ? Math.min(this.opts.topK, V) : V;
    // Threshold for top-k: the k-th largest logit (sort of a copy; V is a vocabulary, small).
    let threshold = -Infinity;
    if (k < V) threshold = Float32Array.from(row).sort().reverse()[k - 1];
    let max = -Infinity;
    for (let i = 0; i < V; i++) if (row[i] >= threshold && row[i] > max) max = row[i];
    let sum = 0;
    for (let i = 0; i < V; i++) if (row[i] >= threshold) sum += Math.exp((row[i] - max) / T);
    let r = this.random() * sum;
    for (let i = 0; i < V; i++) {
      if (row[i] < threshold) continue;
      r -= Math.exp((row[i] - max) / T);
      if (r <= 0) return i;
    }
    return argmax(row);
  }
}
