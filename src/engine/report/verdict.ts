// The verdict: what SpAtten does to this model under this policy (four headline figures), why
// (each layer's bound, read from the pipelined schedule's unit busy cycles against the layer's
// cycles), and what to try next (a few rules). Computed here, in the engine, so the webview, the
// CLI and the exported HTML say the same thing and tests can check it against the simulation.
import type { SimulationResult } from '../hardware/simulationResult';
import { formatValue } from './formatQuantity';
import type { LayerBoundKind, Quantity, VerdictFigure, VerdictLayer, VerdictReport } from './profileReport';

/** Below this share of the layer's cycles no unit is "the" bottleneck: fixed latencies are. */
export const FIXED_LATENCY_SHARE = 0.5;
/** Relative accuracy cost above which the verdict suggests a gentler policy. */
export const ACCURACY_COST_LIMIT = 0.01;

export interface VerdictInputs {
  sim: Pick<SimulationResult, 'layers'>;
  summary: Record<string, Quantity>;
  accuracy: Record<string, Quantity>;
  /** What the model is called (modelLabel: its name, else its file name). */
  modelFile: string;
  policyName: string;
  hardwareName: string;
  /** The model's head dimension and the datapath's (HardwareConfig.headDim). */
  headDim: number;
  datapathHeadDim: number;
  topKComparators: number;
  mode: 'encoder' | 'generation';
  promptTokens: number;
  generatedTokens: number;
}

const BOUND_ORDER: LayerBoundKind[] = ['memory', 'compute', 'top-k', 'fixed-latency'];

export function layerBound(unitBusy: Record<string, number>, cycles: number): Omit<VerdictLayer, 'layer'> {
  let busiestUnit = '';
  let busy = -1;
  for (const [u, c] of Object.entries(unitBusy)) if (c > busy) [busiestUnit, busy] = [u, c];
  const share = cycles > 0 ? Math.max(0, busy) / cycles : 0;
  const bound: LayerBoundKind = share < FIXED_LATENCY_SHARE ? 'fixed-latency' : busiestUnit === 'DRAM' ? 'memory' : busiestUnit === 'Top-k' ? 'top-k' : 'compute';
  return { bound, busiestUnit, busiestShare: share, unitBusy: { ...unitBusy }, cycles };
}

const REASON: Record<LayerBoundKind, string> = {
  memory: 'DRAM traffic bounds them (fetching K and V takes longer than computing on them)',
  compute: 'a compute unit bounds them',
  'top-k': 'the top-k engine is the busiest unit (pruning decisions cost more than they save)',
  'fixed-latency': 'fixed pipeline latencies dominate (no unit is busy for half the time: fill, drain and DRAM round trips)',
};

/** Relative accuracy cost in [0, ∞): perplexity increase / dense perplexity, or label/top-1 disagreement. */
function accuracyFigure(a: Record<string, Quantity>): VerdictFigure | undefined {
  if (a.perplexityDelta) {
    const dense = a.perplexityDense?.value;
    const rel = dense && dense > 0 ? a.perplexityDelta.value / dense : undefined;
    return {
      id: 'accuracy',
      label: 'Accuracy cost (perplexity increase)',
      value: a.perplexityDelta,
      ...(rel !== undefined ? { versus: { value: rel, unit: 'fraction', source: a.perplexityDelta.source, note: 'perplexity increase / dense perplexity' } } : {}),
    };
  }
  const agree = a.labelAgreement ?? a.top1Agreement;
  if (!agree) return undefined;
  const what = a.labelAgreement ? 'labels' : 'next-token choices';
  return {
    id: 'accuracy',
    label: `Accuracy cost (${what} that differ from dense)`,
    value: { value: 1 - agree.value, unit: 'fraction', source: agree.source, note: `1 − agreement of the ${what} with the dense run` },
  };
}

function figures(x: VerdictInputs): VerdictFigure[] {
  const s = x.summary;
  const out: VerdictFigure[] = [
    { id: 'dram', label: 'DRAM traffic', value: s.dramBytes, versus: s.dramReduction },
    { id: 'latency', label: 'Attention latency', value: s.latency, versus: s.speedup },
    { id: 'energy', label: 'Attention energy', value: s.energy, versus: s.energySaving },
  ];
  const acc = accuracyFigure(x.accuracy);
  if (acc) out.push(acc);
  return out.filter((f) => f.value !== undefined);
}

function advice(x: VerdictInputs, layers: VerdictLayer[], acc: VerdictFigure | undefined): VerdictReport['advice'] {
  const out: VerdictReport['advice'] = [];
  const cost = acc?.versus?.value ?? (acc?.value.unit === 'fraction' ? acc.value.value : undefined);
  if (cost !== undefined && cost > ACCURACY_COST_LIMIT) {
    out.push({ rule: 'accuracy-cost', text: `Accuracy cost ${formatValue(cost, 'fraction')} is above ${formatValue(ACCURACY_COST_LIMIT, 'fraction')}: try a gentler schedule (keep 0.8 of the tokens per layer) or run a keep-fraction sweep (spatten-profile sweep).` });
  }
  if (x.headDim < x.datapathHeadDim) {
    out.push({ rule: 'head-dim', text: `Head dim ${x.headDim} < the datapath's ${x.datapathHeadDim}: ${formatValue(1 - x.headDim / x.datapathHeadDim, 'fraction')} of the multiplier lanes idle on every vector; a model with head dim ${x.datapathHeadDim} (or a datapath sized to ${x.headDim}) uses them.` });
  }
  const topk = layers.filter((l) => l.busiestUnit === 'Top-k').length;
  if (topk > 0) {
    out.push({ rule: 'top-k-busiest', text: `The top-k engine is the busiest unit in ${topk} of ${layers.length} layers: more comparators (hardware topKComparators, now ${x.topKComparators}) or less local-V pruning shorten it.` });
  }
  const fixed = layers.filter((l) => l.bound === 'fixed-latency').length;
  if (fixed * 2 > layers.length) {
    out.push({ rule: 'fixed-latency', text: `${fixed} of ${layers.length} layers wait on fixed latencies: the workload is too small to fill the pipeline; longer inputs (more tokens per pass) amortise them.` });
  }
  if (layers.some((l) => l.bound === 'memory')) {
    out.push({ rule: 'memory-bound', text: 'Memory-bound layers: fewer K MSB bits (progressive quantization) or a lower keep fraction cut the dominant cost.' });
  }
  const speedup = x.summary.speedup?.value;
  if (speedup !== undefined && speedup < 1 && x.summary.speedupDecode && x.summary.speedupDecode.value !== speedup) {
    out.push({ rule: 'decode-only', text: `Decode steps alone run at ${formatValue(x.summary.speedupDecode.value, '×')} of dense: compare this with the paper's GPT-2 generation figures, not the whole run.` });
  }
  return out;
}

function majority(layers: VerdictLayer[]): LayerBoundKind {
  let best: LayerBoundKind = 'compute';
  let n = -1;
  for (const b of BOUND_ORDER) {
    const c = layers.filter((l) => l.bound === b).length;
    if (c >= n) [best, n] = [b, c];
  }
  return best;
}

export function computeVerdict(x: VerdictInputs): VerdictReport {
  const layers: VerdictLayer[] = x.sim.layers.map((l) => ({ layer: l.layer, ...layerBound(l.unitBusy, l.cycles) }));
  const totals: Record<string, number> = {};
  for (const l of layers) for (const [u, c] of Object.entries(l.unitBusy)) totals[u] = (totals[u] ?? 0) + c;
  const busiestUnit = Object.entries(totals).reduce((a, b) => (b[1] > a[1] ? b : a), ['', -1])[0];
  const bound = majority(layers);
  const nBound = layers.filter((l) => l.bound === bound).length;
  const figs = figures(x);
  const acc = figs.find((f) => f.id === 'accuracy');
  const s = x.summary;
  const speed = s.speedup.value;
  const pace = speed >= 1 ? `runs ${formatValue(speed, '×')} faster than dense` : `runs ${formatValue(1 - speed, 'fraction')} slower than dense (${formatValue(speed, '×')})`;
  const reason = `${nBound} of ${layers.length} layers: ${REASON[bound]}${bound === 'compute' || bound === 'fixed-latency' ? `; busiest unit ${busiestUnit}` : ''}`;
  const tokens = x.mode === 'generation' && x.generatedTokens > 0 ? `${x.promptTokens} input + ${x.generatedTokens} generated tokens` : `${x.promptTokens} input tokens`;
  const accText = acc ? `; accuracy cost ${formatValue(acc.value.value, acc.value.unit)}${acc.versus ? ` (+${formatValue(acc.versus.value, 'fraction')})` : ''}` : '';
  const sentence =
    `On ${x.modelFile} (${tokens}) under ${x.policyName} on ${x.hardwareName}, SpAtten cuts DRAM traffic ${formatValue(s.dramReduction.value, '×')} and energy ${formatValue(s.energySaving.value, '×')} ` +
    `and ${pace}, because in ${reason}${accText}.`;
  return { sentence, figures: figs, bound, busiestUnit, reason, layers, advice: advice(x, layers, acc) };
}
