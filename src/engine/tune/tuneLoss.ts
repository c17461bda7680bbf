// What `tune` minimises and bounds: the accuracy loss of a policy on a set of inputs, from one
// outcome per input (what the trial runner measured), with its confidence interval.
//
//   accuracy     dense accuracy - SpAtten accuracy against the gold labels (fraction; "1%" = 0.01)
//   agreement    1 - fraction of rows whose SpAtten argmax equals the dense argmax
//   kl           mean KL(dense || SpAtten) per compared row (nats)
//   perplexity   SpAtten perplexity - dense perplexity over the pooled tokens (absolute; "2%" is
//                relative to the dense perplexity)
// Intervals: a paired percentile bootstrap over inputs (the same resampled inputs for the dense
// and the SpAtten side), seeded; for accuracy also the Wilson score interval of each accuracy.
import { InputError } from '../errors';
import { seededRandom } from '../seededRandom';

export const TUNE_METRICS = ['accuracy', 'perplexity', 'kl', 'agreement'] as const;
export type TuneMetric = (typeof TUNE_METRICS)[number];

/** One input's measured outcome under one policy (and its modelled cost). */
export interface InputOutcome {
  /** Compared rows: 1 for a classifier, the scored tokens for a language model. */
  rows: number;
  /** Rows whose SpAtten argmax equals the dense argmax. */
  agreeRows: number;
  /** Sum over rows of KL(dense || SpAtten), nats. */
  klSum: number;
  /** Classifiers with a gold label: 1 if the prediction is right. */
  denseCorrect?: number;
  prunedCorrect?: number;
  /** Language models: summed NLL (nats) of the scored tokens. */
  denseNll?: number;
  prunedNll?: number;
  /** Modelled on the hardware configuration, this input's attention workload. */
  cost: CostFigures;
}

export interface CostFigures {
  dramBytes: number;
  denseDramBytes: number;
  seconds: number;
  denseSeconds: number;
  energyJoules: number;
  denseEnergyJoules: number;
}

export interface Interval {
  low: number;
  high: number;
  level: number;
  method: 'bootstrap' | 'wilson';
}

export interface LossEstimate {
  metric: TuneMetric;
  loss: number;
  interval: Interval;
  inputs: number;
  /** The metric itself on both sides (accuracy / agreement / KL / perplexity). */
  dense: number;
  pruned: number;
  /** accuracy: Wilson intervals of the two accuracies. */
  denseInterval?: Interval;
  prunedInterval?: Interval;
}

function sum(xs: readonly InputOutcome[], f: (o: InputOutcome) => number): number {
  let s = 0;
  for (const o of xs) s += f(o);
  return s;
}

/** The metric on both sides (dense, SpAtten) for a set of outcomes; the loss is how much worse SpAtten is. */
export function metricSides(metric: TuneMetric, xs: readonly InputOutcome[]): { dense: number; pruned: number; loss: number } {
  switch (metric) {
    case 'accuracy': {
      const dense = sum(xs, (o) => o.denseCorrect ?? NaN) / xs.length;
      const pruned = sum(xs, (o) => o.prunedCorrect ?? NaN) / xs.length;
      return { dense, pruned, loss: dense - pruned };
    }
    case 'agreement': {
      const pruned = sum(xs, (o) => o.agreeRows) / sum(xs, (o) => o.rows);
      return { dense: 1, pruned, loss: 1 - pruned };
    }
    case 'kl': {
      const pruned = sum(xs, (o) => o.klSum) / sum(xs, (o) => o.rows);
      return { dense: 0, pruned, loss: pruned };
    }
    case 'perplexity': {
      const tokens = sum(xs, (o) => o.rows);
      const dense = Math.exp(sum(xs, (o) => o.denseNll ?? NaN) / tokens);
      const pruned = Math.exp(sum(xs, (o) => o.prunedNll ?? NaN) / tokens);
      return { dense, pruned, loss: pruned - dense };
    }
  }
}

/** Refuses a metric the outcomes cannot give (accuracy without gold labels, perplexity of a classifier). */
export function checkMetric(metric: TuneMetric, sample: InputOutcome): void {
  if (metric === 'accuracy' && sample.prunedCorrect === undefined) {
    throw new InputError('--metric accuracy', 'needs gold labels: a .jsonl batch file with a "label" on every line, on a classifier (or use --metric agreement)');
  }
  if (metric === 'perplexity' && sample.prunedNll === undefined) throw new InputError('--metric perplexity', 'needs a language model (a decoder scored on text); use accuracy, agreement or kl');
}

/** Wilson score interval of `successes` of `n` at `level` (95% by default). */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval {
  if (n <= 0) throw new InputError('wilsonInterval', 'no trials');
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half), level, method: 'wilson' };
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InputError('normalQuantile', `p = ${p} must be in (0, 1)`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lowTail = 0.02425;
  if (p < lowTail) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lowTail) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

export interface EstimateOptions {
  seed?: number;
  resamples?: number;
  level?: number;
}

/**
 * A seeded percentile-bootstrap interval of `statistic` over n inputs: each resample draws n
 * input indices with replacement and hands them to `statistic`, so a statistic that looks at two
 * policies' outcomes of the same inputs resamples them as pairs.
 */
export function bootstrapInterval(n: number, statistic: (draw: Int32Array) => number, options: EstimateOptions = {}): Interval {
  const level = options.level ?? 0.95;
  const resamples = options.resamples ?? 2000;
  const random = seededRandom(options.seed ?? 1);
  const values = new Float64Array(resamples);
  const draw = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) draw[i] = Math.floor(random() * n);
    values[r] = statistic(draw);
  }
  values.sort();
  const at = (q: number) => values[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))];
  const alpha = (1 - level) / 2;
  return { low: at(alpha), high: at(1 - alpha), level, method: 'bootstrap' };
}

/** The loss of a policy on these inputs, with a paired percentile-bootstrap interval. */
export function estimateLoss(metric: TuneMetric, outcomes: readonly InputOutcome[], options: EstimateOptions = {}): LossEstimate {
  const n = outcomes.length;
  if (n === 0) throw new InputError('estimateLoss', 'no inputs');
  checkMetric(metric, outcomes[0]);
  const level = options.level ?? 0.95;
  const point = metricSides(metric, outcomes);
  const picked: InputOutcome[] = new Array<InputOutcome>(n);
  const interval = bootstrapInterval(
    n,
    (draw) => {
      for (let i = 0; i < n; i++) picked[i] = outcomes[draw[i]];
      return metricSides(metric, picked).loss;
    },
    options,
  );
  const out: LossEstimate = { metric, loss: point.loss, interval, inputs: n, dense: point.dense, pruned: point.pruned };
  if (metric === 'accuracy') {
    out.denseInterval = wilsonInterval(sum(outcomes, (o) => o.denseCorrect ?? 0), n, level);
    out.prunedInterval = wilsonInterval(sum(outcomes, (o) => o.prunedCorrect ?? 0), n, level);
  }
  return out;
}

export const TUNE_OBJECTIVES = ['dram', 'latency', 'energy'] as const;
export type TuneObjective = (typeof TUNE_OBJECTIVES)[number];

/** Summed modelled cost of a set of inputs. */
export function totalCost(outcomes: readonly InputOutcome[]): CostFigures {
  const keys: (keyof CostFigures)[] = ['dramBytes', 'denseDramBytes', 'seconds', 'denseSeconds', 'energyJoules', 'denseEnergyJoules'];
  const out = Object.fromEntries(keys.map((k) => [k, sum(outcomes, (o) => o.cost[k])])) as unknown as CostFigures;
  return out;
}

/** The objective as a fraction of the dense cost (1 = no saving; the search minimises this). */
export function relativeCost(objective: TuneObjective, c: CostFigures): number {
  if (objective === 'dram') return c.dramBytes / c.denseDramBytes;
  if (objective === 'latency') return c.seconds / c.denseSeconds;
  return c.energyJoules / c.denseEnergyJoules;
}

export interface Budget {
  value: number;
  /** perplexity only: the value is a fraction of the dense perplexity. */
  relative: boolean;
}

/** "--budget": "1%" (accuracy, agreement: 0.01), "0.5" (perplexity +0.5), "2%" (perplexity: 2% of dense), "0.01" (kl, nats). */
export function parseBudget(text: string, metric: TuneMetric): Budget {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  if (!m) throw new InputError('--budget', `'${text}' is not a number or a percentage (e.g. 1% or 0.5)`);
  const value = Number(m[1]);
  const percent = m[2] === '%';
  if (!(value > 0)) throw new InputError('--budget', `${text} must be above 0`);
  if (metric === 'accuracy' || metric === 'agreement') {
    const fraction = percent ? value / 100 : value;
    if (fraction >= 1) throw new InputError('--budget', `${text} for ${metric} is a fraction below 1 (or a percentage below 100%)`);
    return { value: fraction, relative: false };
  }
  if (metric === 'kl' && percent) throw new InputError('--budget', 'a KL budget is in nats (e.g. 0.01), not a percentage');
  return percent ? { value: value / 100, relative: true } : { value, relative: false };
}

/** The budget as an absolute loss, given the dense side's metric (perplexity). */
export function absoluteBudget(b: Budget, denseMetric: number): number {
  return b.relative ? b.value * denseMetric : b.value;
}
