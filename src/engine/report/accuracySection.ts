// The report's accuracy section: what pruning did to the output, from the dense-vs-pruned
// comparisons of every input (all measured: both runs really executed). With several inputs, the
// per-input figures are averaged with a 95% Student-t interval.
import type { OutputComparison } from '../accuracyComparison';
import type { TextTokenizer } from '../tokenize/textTokenizer';
import { meanWithInterval, perplexity } from '../spatten/accuracyMetrics';
import type { AccuracyReport, Quantity } from './profileReport';

const TOP_N = 5;

function softmaxTop(logits: Float32Array, label: (i: number) => string, n: number): { label: string; probability: number }[] {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  const idx = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  return idx.slice(0, n).map((i) => ({ label: label(i), probability: Math.exp(logits[i] - max) / sum }));
}

function measured(value: number, unit: string, note: string): Quantity {
  return { value, unit, source: 'measured', note };
}

/** Mean over inputs; with more than one input the note carries the 95% interval. */
function averaged(values: number[], unit: string, note: string): Quantity {
  if (values.length === 1) return measured(values[0], unit, note);
  const m = meanWithInterval(values);
  return { ...measured(m.mean, unit, `${note}; mean of ${m.n} inputs, 95% CI [${m.low.toPrecision(4)}, ${m.high.toPrecision(4)}]`), interval: [m.low, m.high] };
}

export interface GoldLabels {
  /** Gold class index per input. */
  indices: number[];
  /** Class names (config.json id2label), if known. */
  names: string[] | null;
}

export function accuracySection(comparisons: OutputComparison[], tokenizer: TextTokenizer | null, gold?: GoldLabels): AccuracyReport {
  const first = comparisons[0];
  const tokenLabel = (i: number) => (tokenizer ? tokenizer.tokenText(i) : `output ${i}`);
  const metrics: Record<string, Quantity> = {};
  metrics.maxLogitDiff = averaged(comparisons.map((c) => c.maxLogitDiff), 'logit', 'max |dense - pruned| over all output logits');

  if (first.kind === 'classifier') {
    const agree = comparisons.map((c) => (c.classifier?.agree ? 1 : 0));
    metrics.labelAgreement = averaged(agree, 'fraction', 'pruned label equals dense label');
    metrics.kl = averaged(comparisons.map((c) => c.classifier?.kl ?? NaN), 'nats', 'KL(dense || pruned) of the class distribution');
    if (gold) {
      metrics.denseAccuracy = averaged(comparisons.map((c, i) => (c.classifier?.denseLabel === gold.indices[i] ? 1 : 0)), 'fraction', 'dense predictions equal to the gold labels');
      metrics.prunedAccuracy = averaged(comparisons.map((c, i) => (c.classifier?.prunedLabel === gold.indices[i] ? 1 : 0)), 'fraction', 'SpAtten predictions equal to the gold labels');
    }
    const label = (i: number) => gold?.names?.[i] ?? `class ${i}`;
    return { kind: 'classifier', metrics, denseTop: softmaxTop(first.denseLast, label, TOP_N), prunedTop: softmaxTop(first.prunedLast, label, TOP_N) };
  }

  if (first.top1Agreement !== undefined) {
    metrics.top1Agreement = averaged(comparisons.map((c) => c.top1Agreement ?? NaN), 'fraction', 'positions whose next-token argmax agrees');
  }
  if (first.denseNll && first.prunedNll) {
    const pd = comparisons.map((c) => perplexity(c.denseNll ?? []));
    const pp = comparisons.map((c) => perplexity(c.prunedNll ?? []));
    metrics.perplexityDense = averaged(pd, 'perplexity', 'exp(mean NLL) of the text, dense reference (teacher-forced)');
    metrics.perplexityPruned = averaged(pp, 'perplexity', 'exp(mean NLL) of the text, SpAtten engine (teacher-forced, cascade-pruned KV cache)');
    metrics.perplexityDelta = averaged(pp.map((p, i) => p - pd[i]), 'perplexity', 'pruned minus dense perplexity');
    metrics.scoredTokens = measured(first.denseNll.length, 'tokens', 'tokens scored (predicted positions) in the first input');
  }
  const report: AccuracyReport = {
    kind: 'language-model',
    metrics,
    denseTop: softmaxTop(first.denseLast, tokenLabel, TOP_N),
    prunedTop: softmaxTop(first.prunedLast, tokenLabel, TOP_N),
  };
  const g = first.generated;
  if (g) {
    metrics.generatedMatch = measured(g.matchLength, 'tokens', `generated tokens identical to the dense run before the first difference (of ${g.pruned.length})`);
    report.generated = g.pruned.map((id, step) => ({
      step,
      id,
      text: tokenLabel(id),
      denseId: g.dense[step] ?? -1,
      denseText: g.dense[step] === undefined ? '' : tokenLabel(g.dense[step]),
    }));
  }
  return report;
}
