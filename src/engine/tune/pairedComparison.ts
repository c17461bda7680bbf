// Tuned policy against the paper preset on the same held-out inputs, compared input by input.
//
// Both policies run on the same held-out inputs, so their outcomes come in pairs. Two separate
// intervals (one per policy) overlap even when one policy is reliably better, because most of
// each interval's width is which inputs happened to be drawn, shared by both. Pairing removes it:
//
//   difference   tuned loss - preset loss, in the loss's own unit (+ = the tuned policy is worse);
//                the same pooled loss the side-by-side shows, so it equals the difference of the
//                two held-out rows
//   interval     paired percentile bootstrap: each resample draws input indices once and both
//                policies' outcomes at those indices (seeded, 95 % two-sided by default)
//   McNemar      accuracy only: b = inputs the tuned policy gets right and the preset wrong, c = the
//                reverse; exact two-sided p = min(1, 2 P[X <= min(b, c)]), X ~ Binomial(b + c, 1/2)
//   verdict      a non-inferiority reading with the budget as the margin: "no worse within the
//                budget" when the interval's worse end (its high end) is at most the budget; "better"
//                when the whole interval is below 0; "worse beyond the budget" when even its low end
//                is past the budget; otherwise inconclusive at this many inputs. The upper end of a
//                two-sided 95 % interval is a one-sided 97.5 % bound, the usual non-inferiority level.
import { InputError } from '../errors';
import { bootstrapInterval, checkMetric, metricSides, type EstimateOptions, type InputOutcome, type Interval, type TuneMetric } from './tuneLoss';

export type PairedVerdict = 'better' | 'no-worse-within-budget' | 'inconclusive' | 'worse-beyond-budget';

export interface McNemarTest {
  /** Inputs the tuned policy classifies right and the preset wrong. */
  b: number;
  /** Inputs the tuned policy classifies wrong and the preset right. */
  c: number;
  /** Exact two-sided p-value (binomial on the b + c discordant inputs). */
  p: number;
}

export interface PairedComparison {
  metric: TuneMetric;
  /** The policy compared with (the paper preset's name). */
  against: string;
  inputs: number;
  /** Tuned loss minus preset loss on the same inputs (+ = tuned worse), the loss's unit. */
  difference: number;
  interval: Interval;
  /** The non-inferiority margin: the budget, as an absolute loss. */
  margin: number;
  verdict: PairedVerdict;
  mcnemar?: McNemarTest;
}

/** Exact two-sided McNemar p-value of b against c discordant pairs. */
export function mcnemarExactP(b: number, c: number): number {
  if (!(Number.isInteger(b) && Number.isInteger(c) && b >= 0 && c >= 0)) throw new InputError('mcnemarExactP', `counts ${b}, ${c} must be whole numbers >= 0`);
  const n = b + c;
  if (n === 0) return 1;
  // P[X <= k] for X ~ Bin(n, 1/2), summed in log space so that n in the thousands does not overflow.
  const k = Math.min(b, c);
  let logTerm = -n * Math.LN2; // log C(n, 0) / 2^n
  let tail = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logTerm);
  }
  return Math.min(1, 2 * tail);
}

/** Some float slack when the interval's end lands exactly on the margin (accuracy: multiples of 1/n). */
const EPS = 1e-12;

export function pairedVerdict(interval: Pick<Interval, 'low' | 'high'>, margin: number): PairedVerdict {
  if (interval.high < -EPS) return 'better';
  if (interval.high <= margin + EPS) return 'no-worse-within-budget';
  if (interval.low > margin + EPS) return 'worse-beyond-budget';
  return 'inconclusive';
}

/**
 * Tuned against preset on the same inputs: `tuned[i]` and `preset[i]` must be the same input
 * (runTune evaluates both on the held-out indices in one order).
 */
export function comparePaired(metric: TuneMetric, tuned: readonly InputOutcome[], preset: readonly InputOutcome[], against: string, margin: number, options: EstimateOptions = {}): PairedComparison {
  const n = tuned.length;
  if (n === 0) throw new InputError('comparePaired', 'no inputs');
  if (preset.length !== n) throw new InputError('comparePaired', `${n} tuned outcomes against ${preset.length} preset outcomes: the two policies must run on the same inputs`);
  checkMetric(metric, tuned[0]);
  checkMetric(metric, preset[0]);
  for (let i = 0; i < n; i++) {
    if (tuned[i].rows !== preset[i].rows) throw new InputError('comparePaired', `input ${i}: ${tuned[i].rows} rows against ${preset[i].rows}: not the same input under both policies`);
  }
  const difference = metricSides(metric, tuned).loss - metricSides(metric, preset).loss;
  const pickedTuned = new Array<InputOutcome>(n);
  const pickedPreset = new Array<InputOutcome>(n);
  const interval = bootstrapInterval(
    n,
    (draw) => {
      for (let i = 0; i < n; i++) {
        pickedTuned[i] = tuned[draw[i]];
        pickedPreset[i] = preset[draw[i]];
      }
      return metricSides(metric, pickedTuned).loss - metricSides(metric, pickedPreset).loss;
    },
    options,
  );
  const out: PairedComparison = { metric, against, inputs: n, difference, interval, margin, verdict: pairedVerdict(interval, margin) };
  if (metric === 'accuracy') {
    let b = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const t = tuned[i].prunedCorrect ?? NaN;
      const p = preset[i].prunedCorrect ?? NaN;
      if (t === 1 && p === 0) b++;
      else if (t === 0 && p === 1) c++;
    }
    out.mcnemar = { b, c, p: mcnemarExactP(b, c) };
  }
  return out;
}
