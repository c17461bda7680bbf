// A tune loss as the user states the budget: percentage points for accuracy and agreement,
// nats for KL, perplexity points for perplexity. Shared by the CLI table and the tune page.
import type { TuneMetric } from './tuneLoss';
import type { PairedComparison } from './pairedComparison';

export function formatLoss(metric: TuneMetric, x: number): string {
  if (metric === 'accuracy' || metric === 'agreement') return `${(x * 100).toFixed(2)} %`;
  return metric === 'kl' ? `${x.toPrecision(3)} nats` : `${x >= 0 ? '+' : ''}${x.toFixed(3)} ppl`;
}

/** The best point so far as progress shows it (CLI line, VS Code notification). */
export function formatBestPoint(best: { trial: number; relativeCost: number; loss: number }, objective: string, metric: TuneMetric): string {
  return `trial #${best.trial}, ${objective} ${(best.relativeCost * 100).toFixed(2)} % of dense (modelled), ${metric} loss ${formatLoss(metric, best.loss)} (measured)`;
}

/** A difference of two losses, signed: percentage points for accuracy and agreement. */
export function formatLossDifference(metric: TuneMetric, x: number): string {
  const sign = x > 0 ? '+' : '';
  if (metric === 'accuracy' || metric === 'agreement') return `${sign}${(x * 100).toFixed(2)} pp`;
  return metric === 'kl' ? `${sign}${x.toPrecision(3)} nats` : `${sign}${x.toFixed(3)} ppl`;
}

/** The verdict as a sentence, with the margin it was read against. */
function verdictText(c: PairedComparison, margin: string): string {
  switch (c.verdict) {
    case 'better':
      return `better than ${c.against}`;
    case 'no-worse-within-budget':
      return `no worse than ${c.against} within the budget of ${margin}`;
    case 'inconclusive':
      return `inconclusive: the CI's worse end is past the budget of ${margin}`;
    case 'worse-beyond-budget':
      return `worse than ${c.against} by more than the budget of ${margin}`;
  }
}

/**
 * The paired held-out comparison in one line, e.g. "tuned − paper-bert: +0.33 pp [0.00 pp, +1.00 pp]
 * paired, 95 % CI, McNemar p=1.00 (b=0, c=1), n=300: no worse than paper-bert within the budget of 1.00 pp".
 */
export function formatPairedComparison(c: PairedComparison): string {
  const d = (x: number) => formatLossDifference(c.metric, x);
  const mcnemar = c.mcnemar ? `, McNemar p=${c.mcnemar.p.toFixed(c.mcnemar.p < 0.01 ? 4 : 2)} (b=${c.mcnemar.b}, c=${c.mcnemar.c})` : '';
  return `tuned − ${c.against}: ${d(c.difference)} [${d(c.interval.low)}, ${d(c.interval.high)}] paired, ${Math.round(c.interval.level * 100)} % CI${mcnemar}, n=${c.inputs}: ${verdictText(c, d(c.margin).replace(/^\+/, ''))}`;
}

/** What the paired line means, for the table's footnote and the tune page. */
export const PAIRED_NOTE =
  'paired: both policies on the same held-out inputs; difference = tuned loss − preset loss (+ = tuned worse), 95 % paired bootstrap CI; for accuracy, McNemar exact p on the inputs where exactly one policy is right (b: only tuned, c: only the preset). Read as non-inferiority with the budget as margin: "no worse" when the CI\'s worse (upper) end is within the budget.';
