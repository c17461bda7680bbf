// The report's accuracy section: what pruning did to the output, from the dense-vs-pruned
// comparisons of every input (all measured: both runs really executed). With several inputs, the
// per-input figures are averaged with a 95% Student-t interval.
import type { OutputComparison } from '../accuracyComparison';
import type { TextTokenizer } from '../tokenize/textTokenizer';
import { meanWithInterval, perplexity } from '../spatten/accuracyMetrics';
import { maxAndSumExp } from '../numerics';
import type { AccuracyReport, OutputAccuracy, Quantity } from './profileReport';
import type { OutputComparisonFigures } from '../spatten/outputMetrics';
import { formatNumber } from './formatQuantity';

const TOP_N = 5;

function softmaxTop(logits: Float32Array, label: (i: number) => string, n: number): { label: string; probability: number }[] {
  const { max, sum } = maxAndSumExp(logits);
  const idx = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  return idx.slice(0, n).map((i) => ({ label: label(i), probability: Math.exp(logits[i] - max) / sum }));
}

/** The n largest entries of a row that is already a distribution (clamped to [0, 1] for the schema). */
function probabilityTop(probs: Float32Array, label: (i: number) => string, n: number): { label: string; probability: number }[] {
  const idx = Array.from({ length: probs.length }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
  return idx.slice(0, n).map((i) => ({ label: label(i), probability: Math.min(1, Math.max(0, probs[i])) }));
}

function measured(value: number, unit: string, note: string): Quantity {
  return { value, unit, source: 'measured', note };
}

/** Mean over inputs; with more than one input the note carries the 95% interval (3 significant figures, as shown everywhere). */
function averaged(values: number[], unit: string, note: string): Quantity {
  if (values.length === 1) return measured(values[0], unit, note);
  const m = meanWithInterval(values);
  return { ...measured(m.mean, unit, `${note}; mean of ${m.n} inputs, 95% CI [${formatNumber(m.low)}, ${formatNumber(m.high)}]`), interval: [m.low, m.high] };
}

export interface GoldLabels {
  /** Gold class index per input. */
  indices: number[];
  /** Class names (config.json id2label), if known. */
  names: string[] | null;
}

/** The figures of one output as Quantities (first input: the report's token views are of it). */
function outputAccuracy(o: OutputComparisonFigures): OutputAccuracy {
  const f = o.figures;
  const metrics: Record<string, Quantity> = {
    maxAbsDiff: measured(f.maxAbsDiff, 'value', `max |dense - pruned| over the output's ${o.dims.join(' x ')} values`),
    cosineSimilarity: measured(f.cosineSimilarity, 'cosine', `mean over rows (last axis) of cos(dense, pruned); 1 = same direction`),
  };
  if (f.top1Agreement !== undefined) metrics.top1Agreement = measured(f.top1Agreement, 'fraction', 'rows whose argmax agrees');
  if (f.kl !== undefined && Number.isFinite(f.kl)) metrics.kl = measured(f.kl, 'nats', `mean over rows of KL(dense || pruned)${o.kind === 'probabilities' ? ' of the probabilities' : ' of softmax(logits)'}`);
  return { name: o.name, kind: o.kind, dims: o.dims, metrics };
}

/** Embeddings: no labels; how far the pruned vectors moved, averaged over inputs. */
function embeddingMetrics(comparisons: OutputComparison[], metrics: Record<string, Quantity>): void {
  metrics.maxAbsDiff = averaged(comparisons.map((c) => c.maxLogitDiff), 'value', 'max |dense - pruned| over the output values');
  metrics.cosineSimilarity = averaged(comparisons.map((c) => c.cosineSimilarity ?? NaN), 'cosine', 'mean over rows of cos(dense, pruned) of the output vectors; 1 = same direction');
}

export function accuracySection(comparisons: OutputComparison[], tokenizer: TextTokenizer | null, gold?: GoldLabels): AccuracyReport {
  const first = comparisons[0];
  const tokenLabel = (i: number) => (tokenizer ? tokenizer.tokenText(i) : `output ${i}`);
  const metrics: Record<string, Quantity> = {};
  const extra = { primaryOutput: first.primaryOutput, outputs: first.outputs.map(outputAccuracy) };
  if (first.kind === 'embedding') {
    embeddingMetrics(comparisons, metrics);
    return { kind: 'embedding', metrics, denseTop: [], prunedTop: [], ...extra };
  }
  const probabilities = first.kind === 'probabilities';
  metrics.maxLogitDiff = averaged(comparisons.map((c) => c.maxLogitDiff), probabilities ? 'probability' : 'logit', `max |dense - pruned| over all ${probabilities ? 'output probabilities' : 'output logits'}`);

  if (first.kind === 'classifier') {
    const agree = comparisons.map((c) => (c.classifier?.agree ? 1 : 0));
    metrics.labelAgreement = averaged(agree, 'fraction', 'pruned label equals dense label');
    metrics.kl = averaged(comparisons.map((c) => c.classifier?.kl ?? NaN), 'nats', 'KL(dense || pruned) of the class distribution');
    if (gold) {
      metrics.denseAccuracy = averaged(comparisons.map((c, i) => (c.classifier?.denseLabel === gold.indices[i] ? 1 : 0)), 'fraction', 'dense predictions equal to the gold labels');
      metrics.prunedAccuracy = averaged(comparisons.map((c, i) => (c.classifier?.prunedLabel === gold.indices[i] ? 1 : 0)), 'fraction', 'SpAtten predictions equal to the gold labels');
    }
    const label = (i: number) => gold?.names?.[i] ?? `class ${i}`;
    return { kind: 'classifier', metrics, denseTop: softmaxTop(first.denseLast, label, TOP_N), prunedTop: softmaxTop(first.prunedLast, label, TOP_N), ...extra };
  }

  if (first.top1Agreement !== undefined) {
    metrics.top1Agreement = averaged(comparisons.map((c) => c.top1Agreement ?? NaN), 'fraction', first.kind === 'probabilities' ? 'positions whose most probable class agrees' : 'positions whose next-token argmax agrees');
  }
  if (first.denseRowsFrom === 'engine-dense') {
    metrics.maxLogitDiff.note += ' (the export has last-token logits only: dense rows of earlier positions are the engine with dense attention, equal to ORT within 1e-4)';
  }
  if (first.denseNll && first.prunedNll) {
    const pd = comparisons.map((c) => perplexity(c.denseNll ?? []));
    const pp = comparisons.map((c) => perplexity(c.prunedNll ?? []));
    metrics.perplexityDense = averaged(pd, 'perplexity', 'exp(mean NLL) of the text, dense reference (teacher-forced)');
    metrics.perplexityPruned = averaged(pp, 'perplexity', 'exp(mean NLL) of the text, SpAtten engine (teacher-forced, cascade-pruned KV cache)');
    metrics.perplexityDelta = averaged(pp.map((p, i) => p - pd[i]), 'perplexity', 'pruned minus dense perplexity');
    metrics.scoredTokens = measured(first.denseNll.length, 'tokens', 'tokens scored (predicted positions) in the first input');
  }
  // Probabilities are shown as they are (a Softmax output): the top list ranks classes, not tokens.
  const probabilityLabel = (i: number) => `class ${i}`;
  const topOf = (row: Float32Array, label: (i: number) => string) => (first.kind === 'probabilities' ? probabilityTop(row, label, TOP_N) : softmaxTop(row, label, TOP_N));
  const label = first.kind === 'probabilities' ? probabilityLabel : tokenLabel;
  const report: AccuracyReport = {
    kind: first.kind === 'probabilities' ? 'probabilities' : 'language-model',
    ...extra,
    metrics,
    denseTop: topOf(first.denseLast, label),
    prunedTop: topOf(first.prunedLast, label),
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

/** The headline accuracy figure of the model kind (summary card, sweep rows), with its name. */
export function headlineAccuracy(m: Record<string, Quantity>): { name: string; value: Quantity } | undefined {
  if (m.perplexityDelta) return { name: 'perplexity delta', value: m.perplexityDelta };
  if (m.labelAgreement) return { name: 'label agreement', value: m.labelAgreement };
  if (m.top1Agreement) return { name: 'top-1 agreement', value: m.top1Agreement };
  if (m.cosineSimilarity) return { name: 'cosine similarity', value: m.cosineSimilarity };
  return undefined;
}
