// A tune loss as the user states the budget: percentage points for accuracy and agreement,
// nats for KL, perplexity points for perplexity. Shared by the CLI table and the tune page.
import type { TuneMetric } from './tuneLoss';

export function formatLoss(metric: TuneMetric, x: number): string {
  if (metric === 'accuracy' || metric === 'agreement') return `${(x * 100).toFixed(2)} %`;
  return metric === 'kl' ? `${x.toPrecision(3)} nats` : `${x >= 0 ? '+' : ''}${x.toFixed(3)} ppl`;
}
