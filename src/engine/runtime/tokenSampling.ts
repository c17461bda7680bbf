// Picking the next token from a logits row: greedy (argmax) or seeded temperature / top-k
// sampling; and the log-probability of a given token for teacher-forced scoring (perplexity).

export interface SamplingOptions {
  /** > 0; 1 = the model's distribution. */
  temperature: number;
  /** Keep only the k most likely tokens (0 or undefined = all). */
  topK?: number;
  seed: number;
}

export function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

/** log softmax(row)[token], computed stably. */
export function tokenLogProb(row: Float32Array, token: number): number {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let sum = 0;
  for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
  return row[token] - max - Math.log(sum);
}

/** A seeded sampler (mulberry32), so a run can be repeated exactly. */
export class TokenSampler {
  private state: number;

  constructor(private readonly opts: SamplingOptions) {
    this.state = opts.seed >>> 0;
  }

  private random(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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
