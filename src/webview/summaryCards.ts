// Summary view: the verdict first (verdictView.ts), then every `report.summary` entry as a card
// (data-metric = the summary key) in grouped, collapsible sections, the baseline projections, the
// model, the configuration as run (flattened, never JSON), wall-clock timings and warnings.

import type { ProfileReport, Quantity } from '../engine/report/profileReport';
import { h, note, provBadge, quantity, section, th, numWithBadge } from './dom';
import { humanize } from '../engine/report/formatQuantity';
import { renderVerdict } from './verdictView';
import { modelLabel } from '../engine/model/modelName';

/**
 * Labels (and order) of the summary keys the engine is expected to fill; any other key is shown
 * after these with a label made from its name, so a new metric never disappears.
 */
export const SUMMARY_LABELS: Record<string, string> = {
  speedup: 'Speedup vs dense',
  speedupVsDense: 'Speedup vs dense',
  energySaving: 'Energy saving vs dense',
  energySavingVsDense: 'Energy saving vs dense',
  speedupAdditive: 'Speedup, additive model',
  speedupDecode: 'Speedup, decode steps',
  dramReductionDecode: 'DRAM reduction, decode steps',
  energySavingDecode: 'Energy saving, decode steps',
  latencyDecode: 'Latency, decode steps',
  speedupVsGpu: 'Speedup vs GPU',
  energySavingVsGpu: 'Energy saving vs GPU',
  speedupVsCpu: 'Speedup vs CPU',
  energySavingVsCpu: 'Energy saving vs CPU',
  dramReduction: 'DRAM reduction',
  dramReductionInt8: 'DRAM reduction vs int8',
  tokensKept: 'Tokens kept',
  headsKept: 'Heads kept',
  keysFetched: 'Keys fetched (K/L)',
  valuesFetched: 'Values fetched (V/L)',
  refetchRate: 'LSB refetch rate',
  accuracyImpact: 'Accuracy impact',
  latency: 'SpAtten latency',
  denseLatency: 'Dense latency',
  latencyLowerBound: 'Latency, busiest-unit lower bound',
  latencyAdditive: 'Latency, additive model',
  energy: 'SpAtten energy',
  cycles: 'SpAtten cycles',
  dramBytes: 'SpAtten DRAM traffic',
  denseDramBytes: 'Dense DRAM traffic',
  tflops: 'Throughput',
  tokens: 'Tokens profiled (input + generated)',
  inputTokens: 'Input tokens',
  clock: 'Clock',
};

export function orderedSummaryKeys(summary: Record<string, Quantity>): string[] {
  const known = Object.keys(SUMMARY_LABELS).filter((k) => k in summary);
  const rest = Object.keys(summary)
    .filter((k) => !(k in SUMMARY_LABELS))
    .sort();
  return [...known, ...rest];
}

function card(key: string, q: Quantity, primary: boolean): HTMLElement {
  return h(
    'div',
    { class: primary ? 'metric-card primary' : 'metric-card', 'data-metric': key, role: 'group', 'aria-label': SUMMARY_LABELS[key] ?? humanize(key) },
    h('div', { class: 'metric-label' }, SUMMARY_LABELS[key] ?? humanize(key)),
    h('div', { class: 'metric-value' }, quantity(q)),
    q.note ? h('div', { class: 'metric-note' }, q.note) : null,
  );
}

/** Groups of summary keys, each a collapsible section; keys in no group land in "Other". */
const GROUPS: [string, string[]][] = [
  ['Latency', ['speedup', 'speedupVsDense', 'latency', 'denseLatency', 'latencyLowerBound', 'latencyAdditive', 'speedupAdditive', 'speedupDecode', 'latencyDecode', 'cycles', 'tflops', 'clock']],
  ['DRAM traffic', ['dramReduction', 'dramReductionInt8', 'dramBytes', 'denseDramBytes', 'dramReductionDecode']],
  ['Energy', ['energySaving', 'energySavingVsDense', 'energy', 'energySavingDecode', 'speedupVsGpu', 'energySavingVsGpu', 'speedupVsCpu', 'energySavingVsCpu']],
  ['Pruning and quantization', ['tokensKept', 'headsKept', 'keysFetched', 'valuesFetched', 'refetchRate']],
  ['Accuracy and tokens', ['accuracyImpact', 'inputTokens', 'tokens']],
];

/** Nested settings as dotted rows ("tokenPruning.schedule.kind"), arrays inline. */
export function flattenSettings(obj: Record<string, unknown>, prefix = ''): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) out.push(...flattenSettings(v as Record<string, unknown>, key));
    else out.push([key, Array.isArray(v) ? (v.length === 0 ? 'none' : v.join(', ')) : String(v)]);
  }
  return out;
}

function groupedCards(report: ProfileReport): HTMLElement[] {
  const keys = orderedSummaryKeys(report.summary);
  const seen = new Set<string>();
  const out: HTMLElement[] = [];
  const groups: [string, string[]][] = [...GROUPS, ['Other', keys]];
  for (const [title, members] of groups) {
    const grid = h('div', { class: 'metric-grid small' });
    for (const k of members) {
      if (!(k in report.summary) || seen.has(k)) continue;
      seen.add(k);
      grid.append(card(k, report.summary[k], false));
    }
    if (grid.childElementCount === 0) continue;
    out.push(h('details', { class: 'card-section group', open: true, 'data-group': title }, h('summary', {}, title), grid));
  }
  return out;
}

function keyValueTable(entries: [string, unknown][], cls: string): HTMLTableElement {
  const body = h('tbody');
  for (const [k, v] of entries) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    body.append(h('tr', { 'data-key': k }, h('th', { scope: 'row' }, k), h('td', {}, text ?? 'undefined')));
  }
  return h('table', { class: `kv ${cls}` }, body);
}

function baselines(report: ProfileReport): HTMLElement {
  const latency = report.summary.latency;
  const energy = report.summary.energy;
  const body = h('tbody');
  for (const b of [...report.baselines, ...(report.measuredBaselines ?? [])]) {
    const row = h('tr', { 'data-baseline': b.name });
    row.append(h('th', { scope: 'row' }, b.name), h('td', { class: 'r', 'data-field': 'latency' }, quantity(b.latency)));
    row.append(h('td', { class: 'r', 'data-field': 'energy' }, b.energy ? quantity(b.energy) : '—'));
    // The ratio is computed here from the two quantities shown, so its provenance is the weaker of
    // the two (modelled unless both were measured).
    const ratio = (base: Quantity | undefined, ours: Quantity | undefined, field: string) => {
      if (!base || !ours || base.unit !== ours.unit || !(ours.value > 0)) return h('td', { class: 'r', 'data-field': field }, '—');
      const src = base.source === 'measured' && ours.source === 'measured' ? 'measured' : 'modelled';
      return h('td', { class: 'r', 'data-field': field }, numWithBadge(base.value / ours.value, 'x', src, `${b.name} / SpAtten`));
    };
    row.append(ratio(b.latency, latency, 'speedup'), ratio(b.energy, energy, 'energySaving'), h('td', { class: 'muted wrap' }, b.note));
    body.append(row);
  }
  const head = h('tr', {}, th('Baseline'), th('Latency'), th('Energy'), th('Speedup of SpAtten', '×'), th('Energy saving', '×'), th('Note'));
  return h('table', { class: 'data', 'data-table': 'baselines' }, h('thead', {}, head), body);
}

export function renderSummary(report: ProfileReport): HTMLElement {
  const root = h('div', { class: 'view-summary' });
  if (report.verdict) root.append(renderVerdict(report.verdict));
  root.append(...groupedCards(report));

  if (report.baselines.length + (report.measuredBaselines?.length ?? 0) > 0) {
    const table = h('div', { class: 'table-scroll' }, baselines(report));
    root.append(h('details', { class: 'card-section', open: true, 'data-group': 'Baselines' }, h('summary', {}, 'Baselines'), table, note('Speedup and energy saving = baseline / SpAtten, from the quantities in this row and the SpAtten latency and energy above.')));
  }

  const m = report.model;
  const modelRows: [string, unknown][] = [
    ['model', modelLabel(m)],
    ['file', m.fileName],
    ['family', m.family],
    ['layers', m.layers],
    ['heads', m.heads],
    ['kv heads', m.kvHeads],
    ['head dim', m.headDim],
    ['hidden size', m.hiddenSize],
    ['parameters', m.parameters.toLocaleString('en-US')],
    ['opset', m.opset],
    ['causal', m.causal],
    ['mode', report.mode],
    ['input tokens', report.input.promptTokens ?? report.input.tokens.length],
    ...(report.mode === 'generation' ? ([['generated tokens', report.input.tokens.length - (report.input.promptTokens ?? report.input.tokens.length)]] as [string, unknown][]) : []),
  ];
  const info = h(
    'details',
    { class: 'card-section', 'data-group': 'Model and configuration' },
    h('summary', {}, 'Model and configuration as run'),
    h(
      'div',
      { class: 'two-col' },
      section('Model', keyValueTable(modelRows, 'model-info')),
      section(
      'Configuration as run',
      h('h3', {}, 'Policy: ', h('span', { class: 'policy-name' }, report.policy.name), ' ', provBadge('configured')),
      keyValueTable(flattenSettings(report.policy.settings), 'policy-settings'),
      h('h3', {}, 'Hardware: ', h('span', { class: 'hardware-name' }, report.hardware.name), ' ', provBadge('configured')),
      keyValueTable(flattenSettings(report.hardware.settings), 'hardware-settings'),
      ),
    ),
  );
  root.append(info);

  const timings = h('div', { class: 'metric-grid small' });
  for (const [k, q] of Object.entries(report.timings)) {
    timings.append(h('div', { class: 'metric-card', 'data-timing': k }, h('div', { class: 'metric-label' }, humanize(k)), h('div', { class: 'metric-value' }, quantity(q))));
  }
  if (Object.keys(report.timings).length > 0) root.append(h('details', { class: 'card-section', 'data-group': 'Run timings' }, h('summary', {}, 'Run timings (wall clock, this machine)'), timings));

  if (m.attentionCores.length > 0) {
    const list = h('ol', { class: 'cores', start: 0 });
    for (const c of m.attentionCores) list.append(h('li', {}, c));
    root.append(h('details', { class: 'card-section' }, h('summary', {}, `Attention cores found (${m.attentionCores.length})`), list));
  }

  if (report.warnings.length > 0) {
    const list = h('ul', { class: 'warnings' });
    for (const w of report.warnings) list.append(h('li', {}, w));
    root.append(section('Warnings', list));
  }
  root.append(h('p', { class: 'footer muted' }, `${report.tool.name} ${report.tool.version} · report v${report.version} · generated ${report.generatedAt}`));
  return root;
}
