// Accuracy impact of pruning: the pruned run against the dense run on the same input.
// Classifiers: label agreement, max |logit difference|, KL(dense || pruned). Language models:
// per-token NLL and perplexity on the given text, next-token top-1 agreement, and how many
// generated tokens match before the first divergence. Across a batch: mean with a 95% confidence
// interval (Student t, or a seeded percentile bootstrap). Logits are row-major [rows, vocab].
import { InputError } from '../errors';
import { seededRandom } from '../seededRandom';
import { argmax, logSumExp } from '../numerics';


/** KL(softmax(p) || softmax(q)) in nats for one row of `n` logits each. */
export function klDivergence(p: Float32Array, q: Float32Array, offset = 0, n = p.length - offset): number {
  sameLength(p, q, 'klDivergence');
  const lp = logSumExp(p, offset, n);
  const lq = logSumExp(q, offset, n);
  let kl = 0;
  for (let i = 0; i < n; i++) {
    const logP = p[offset + i] - lp;
    const prob = Math.exp(logP);
    if (prob > 0) kl += prob * (logP - (q[offset + i] - lq));
  }
  return Math.max(0, kl);
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  sameLength(a, b, 'maxAbsDiff');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export interface ClassifierComparison {
  denseLabel: number;
  prunedLabel: number;
  agree: boolean;
  maxLogitDiff: number;
  kl: number;
}

/** Compares the classifier logits [classes] of the dense and pruned runs. */
export function compareClassifier(dense: Float32Array, pruned: Float32Array): ClassifierComparison {
  sameLength(dense, pruned, 'compareClassifier');
  const denseLabel = argmax(dense);
  const prunedLabel = argmax(pruned);
  return { denseLabel, prunedLabel, agree: denseLabel === prunedLabel, maxLogitDiff: maxAbsDiff(dense, pruned), kl: klDivergence(dense, pruned) };
}

/** exp(mean NLL). */
export function perplexity(nll: ArrayLike<number>): number {
  if (nll.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < nll.length; i++) s += nll[i];
  return Math.exp(s / nll.length);
}

/** Fraction of rows of [T, vocab] logits whose argmax agrees. */
export function top1Agreement(dense: Float32Array, pruned: Float32Array, vocab: number): number {
  sameLength(dense, pruned, 'top1Agreement');
  const T = dense.length / vocab;
  if (!Number.isInteger(T) || T === 0) throw new InputError('top1Agreement', `logits length ${dense.length} is not a positive multiple of vocab ${vocab}`);
  let agree = 0;
  for (let t = 0; t < T; t++) if (argmax(dense, t * vocab, vocab) === argmax(pruned, t * vocab, vocab)) agree++;
  return agree / T;
}

/** Length of the common prefix of two generated token sequences. */
export function matchLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

export interface MeanWithInterval {
  mean: number;
  low: number;
  high: number;
  n: number;
  method: 't' | 'bootstrap';
}

/**
 * Mean and 95% (or `level`) confidence interval. 't': Student t interval (n >= 2; n = 1 gives a
 * zero-width interval). 'bootstrap': percentile bootstrap with `resamples` draws from `seed`.
 */
export function meanWithInterval(
  values: ArrayLike<number>,
  options: { method?: 't' | 'bootstrap'; level?: number; seed?: number; resamples?: number } = {},
): MeanWithInterval {
  const n = values.length;
  const method = options.method ?? 't';
  const level = options.level ?? 0.95;
  if (n === 0) throw new InputError('meanWithInterval', 'no values');
  if (!(level > 0 && level < 1)) throw new InputError('meanWithInterval', `level ${level} must be in (0, 1)`);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  if (n === 1) return { mean, low: mean, high: mean, n, method };
  if (method === 't') {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
    const half = studentTQuantile(1 - (1 - level) / 2, n - 1) * Math.sqrt(ss / (n - 1) / n);
    return { mean, low: mean - half, high: mean + half, n, method };
  }
  const resamples = options.resamples ?? 2000;
  const random = seededRandom(options.seed ?? 1);
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(random() * n)];
    means[r] = s / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  const at = (q: number) => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))];
  return { mean, low: at(alpha), high: at(1 - alpha), n, method };
}

/** Quantile of Student's t with `df` degrees of freedom (p in (0.5, 1)), by bisection on the CDF. */
export function studentTQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let it = 0; it < 200 && hi - lo > 1e-12 * hi; it++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** CDF of Student's t: for t >= 0, 1 - I_{df/(df+t^2)}(df/2, 1/2) / 2. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** I_x(a, b) by its continued fraction (modified Lentz), using the symmetry for convergence. */
function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
  return (front * betaContinuedFraction(x, a, b)) / a;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return f;
}

/** Lanczos approximation (g = 7, 9 terms) of log Gamma for x > 0. */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let s = c[0];
  for (let i = 1; i < 9; i++) s += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

function sameLength(a: Float32Array, b: Float32Array, where: string): void {
  if (a.length !== b.length) throw new InputError(where, `dense and pruned logits differ in length (${a.length} vs ${b.length})`);
}
