// A tune loss as the user states the budget: percentage points for accuracy and agreement,
// nats for KL, perplexity points for perplexity. Shared by the CLI table and the tune page.
import type { TuneMetric } from './tuneLoss';

export function formatLoss(metric: TuneMetric, x: number): string {
  if (metric === 'accuracy' || metric === 'agreement') return `${(x * 100).toFixed(2)} %`;
  return metric === 'kl' ? `${x.toPrecision(3)} nats` : `${x >= 0 ? '+' : ''}${x.toFixed(3)} ppl`;
}

/** The best point so far as progress shows it (CLI line, VS Code notification). */
export function formatBestPoint(best: { trial: number; relativeCost: number; loss: number }, objective: string, metric: TuneMetric): string {
  return `trial #${best.trial}, ${objective} ${(best.relativeCost * 100).toFixed(2)} % of dense (modelled), ${metric} loss ${formatLoss(metric, best.loss)} (measured)`;
}
