// Accuracy view: what pruning did to the output. Dense vs pruned top labels/tokens, the measured
// metrics, the generated tokens of both runs (generation), and the keep-fraction sweep.
// Hooks: metric cards data-accuracy-metric=<key>; top rows data-rank, cells data-field=dense|pruned
// with data-value=probability; generated rows data-step [data-mismatch]; sweep rows data-keep.

import type { ProfileReport, SweepRow } from '../engine/report/profileReport';
import { baseOptions, chartBox } from './charts';
import { h, note, num, quantity, section, th } from './dom';
import { formatNumber, humanize } from '../engine/report/formatQuantity';

function topTable(report: ProfileReport): HTMLElement {
  const a = report.accuracy;
  const n = Math.max(a.denseTop.length, a.prunedTop.length);
  const body = h('tbody');
  for (let i = 0; i < n; i++) {
    const d = a.denseTop[i];
    const p = a.prunedTop[i];
    const same = d && p && d.label === p.label;
    body.append(
      h(
        'tr',
        { 'data-rank': i, class: same ? undefined : 'mismatch' },
        h('th', { scope: 'row' }, `#${i + 1}`),
        h('td', { 'data-field': 'dense', 'data-label': d?.label }, d ? h('code', {}, d.label) : '—'),
        h('td', { class: 'r', 'data-field': 'dense', 'data-value': d ? String(d.probability) : undefined }, d ? num(d.probability, 'fraction', 'measured') : '—'),
        h('td', { 'data-field': 'pruned', 'data-label': p?.label }, p ? h('code', {}, p.label) : '—'),
        h('td', { class: 'r', 'data-field': 'pruned', 'data-value': p ? String(p.probability) : undefined }, p ? num(p.probability, 'fraction', 'measured') : '—'),
      ),
    );
  }
  const what = a.kind === 'classifier' ? 'Label' : 'Token';
  return h(
    'table',
    { class: 'data', 'data-table': 'top' },
    h('thead', {}, h('tr', {}, th('Rank'), th(`Dense ${what.toLowerCase()}`), th('Probability', '%', 'measured'), th(`Pruned ${what.toLowerCase()}`), th('Probability', '%', 'measured'))),
    body,
  );
}

/** Every output compared (shown when the model has several, or one that is not logits). */
function outputsTable(report: ProfileReport): HTMLElement | null {
  const outs = report.accuracy.outputs ?? [];
  if (outs.length === 0 || (outs.length === 1 && report.accuracy.kind !== 'embedding')) return null;
  const body = h('tbody');
  for (const o of outs) {
    const cell = (k: string) => h('td', { class: 'r' }, o.metrics[k] ? quantity(o.metrics[k]) : '—');
    body.append(h('tr', { 'data-output': o.name }, h('th', { scope: 'row' }, h('code', {}, o.name)), h('td', {}, `${o.kind} [${o.dims.join(', ')}]`), cell('maxAbsDiff'), cell('cosineSimilarity'), cell('top1Agreement'), cell('kl')));
  }
  const head = h('thead', {}, h('tr', {}, th('Output'), th('Kind'), th('Max |diff|', undefined, 'measured'), th('Cosine', undefined, 'measured'), th('Top-1 agreement', 'fraction', 'measured'), th('KL', 'nats', 'measured')));
  return section('Outputs, dense vs pruned', h('div', { class: 'table-scroll' }, h('table', { class: 'data', 'data-table': 'outputs' }, head, body)));
}

function generatedTable(report: ProfileReport): HTMLElement | null {
  const g = report.accuracy.generated;
  if (!g || g.length === 0) return null;
  const body = h('tbody');
  let agree = 0;
  for (const s of g) {
    const same = s.id === s.denseId;
    if (same) agree++;
    body.append(
      h(
        'tr',
        { 'data-step': s.step, 'data-mismatch': same ? undefined : 'true', class: same ? undefined : 'mismatch' },
        h('td', { class: 'r' }, String(s.step)),
        h('td', {}, h('code', {}, s.denseText), h('span', { class: 'muted' }, ` ${s.denseId}`)),
        h('td', {}, h('code', {}, s.text), h('span', { class: 'muted' }, ` ${s.id}`)),
      ),
    );
  }
  const denseText = g.map((s) => s.denseText).join('');
  const prunedText = g.map((s) => s.text).join('');
  return section(
    'Generated tokens',
    h('div', { class: 'two-col' }, h('div', {}, h('h3', {}, 'Dense'), h('pre', { class: 'gen-text', 'data-run': 'dense' }, denseText)), h('div', {}, h('h3', {}, 'SpAtten (pruned)'), h('pre', { class: 'gen-text', 'data-run': 'pruned' }, prunedText))),
    h('div', { class: 'table-scroll short' }, h('table', { class: 'data compact', 'data-table': 'generated' }, h('thead', {}, h('tr', {}, th('Step'), th('Dense token (id)'), th('Pruned token (id)'))), body)),
    note(`${agree} of ${g.length} steps chose the same token (measured; highlighted rows differ).`),
  );
}

function sweepSection(sweep: SweepRow[]): HTMLElement {
  const rows = [...sweep].sort((a, b) => b.keep - a.keep);
  const metricName = rows[0]?.metricName ?? 'metric';
  const body = h('tbody');
  for (const r of rows) {
    body.append(
      h(
        'tr',
        { 'data-keep': String(r.keep), 'data-policy': r.policy },
        h('td', { class: 'r' }, num(r.keep, 'fraction', 'configured')),
        h('td', {}, r.policy),
        h('td', { class: 'r', 'data-field': 'keysFetchedFraction' }, num(r.keysFetchedFraction, 'fraction', 'measured')),
        h('td', { class: 'r', 'data-field': 'valuesFetchedFraction' }, num(r.valuesFetchedFraction, 'fraction', 'measured')),
        h('td', { class: 'r', 'data-field': 'speedup' }, num(r.speedup, 'x', 'modelled')),
        h('td', { class: 'r', 'data-field': 'dramReduction' }, num(r.dramReduction, 'x', 'modelled')),
        h('td', { class: 'r', 'data-field': 'metric' }, num(r.metric, '', 'measured'), r.metricLow !== undefined && r.metricHigh !== undefined ? h('span', { class: 'muted' }, ` [${formatNumber(r.metricLow)}, ${formatNumber(r.metricHigh)}]`) : null),
      ),
    );
  }
  const table = h(
    'table',
    { class: 'data', 'data-table': 'sweep' },
    h('thead', {}, h('tr', {}, th('Keep', '%', 'configured'), th('Policy'), th('K/L', '%', 'measured'), th('V/L', '%', 'measured'), th('Speedup', '×', 'modelled'), th('DRAM reduction', '×', 'modelled'), th(humanize(metricName), undefined, 'measured'))),
    body,
  );
  const chart = chartBox(`Sweep: ${metricName} and speedup against the keep fraction`, (c) => {
    const base = baseOptions(c, 'keep fraction', metricName);
    return {
      type: 'line',
      data: {
        labels: rows.map((r) => formatNumber(r.keep)),
        datasets: [
          { label: metricName, data: rows.map((r) => r.metric), borderColor: c.series[0], backgroundColor: c.series[0], yAxisID: 'y', tension: 0 },
          ...(rows.some((r) => r.metricLow !== undefined)
            ? [
                { label: `${metricName} (low)`, data: rows.map((r) => r.metricLow ?? r.metric), borderColor: c.series[0], borderDash: [3, 3], pointRadius: 0, borderWidth: 1, yAxisID: 'y' },
                { label: `${metricName} (high)`, data: rows.map((r) => r.metricHigh ?? r.metric), borderColor: c.series[0], borderDash: [3, 3], pointRadius: 0, borderWidth: 1, yAxisID: 'y' },
              ]
            : []),
          { label: 'speedup (×)', data: rows.map((r) => r.speedup), borderColor: c.series[2], backgroundColor: c.series[2], yAxisID: 'y1', tension: 0 },
          { label: 'DRAM reduction (×)', data: rows.map((r) => r.dramReduction), borderColor: c.series[4], backgroundColor: c.series[4], yAxisID: 'y1', tension: 0 },
        ],
      },
      options: {
        ...base,
        scales: {
          x: base.scales?.x ?? {},
          y: base.scales?.y ?? {},
          y1: { ...base.scales?.y, position: 'right', grid: { drawOnChartArea: false }, title: { display: true, text: '× vs dense', color: c.fg } },
        },
        plugins: { ...base.plugins, legend: { ...base.plugins?.legend, labels: { ...base.plugins?.legend?.labels, filter: (i) => !/\((low|high)\)$/.test(i.text) } } },
      },
    };
  });
  return section('Keep-fraction sweep', chart, h('div', { class: 'table-scroll' }, table), note('Dashed lines bound the metric where the sweep reports an interval.'));
}

export function renderAccuracy(report: ProfileReport): HTMLElement {
  const a = report.accuracy;
  const metrics = h('div', { class: 'metric-grid small' });
  for (const [k, q] of Object.entries(a.metrics)) {
    metrics.append(h('div', { class: 'metric-card', 'data-accuracy-metric': k }, h('div', { class: 'metric-label' }, humanize(k)), h('div', { class: 'metric-value' }, quantity(q)), q.note ? h('div', { class: 'metric-note' }, q.note) : null));
  }
  const title = a.kind === 'classifier' ? 'Dense vs pruned labels' : a.kind === 'probabilities' ? 'Top classes at the last position' : 'Top tokens at the last position';
  const root = h('div', { class: 'view-accuracy' }, metrics);
  // Embeddings have no labels to rank: their figures are the metrics and the per-output table.
  if (a.denseTop.length > 0 || a.prunedTop.length > 0) root.append(section(title, topTable(report)));
  const outputs = outputsTable(report);
  if (outputs) root.append(outputs);
  const gen = generatedTable(report);
  if (gen) root.append(gen);
  if (report.sweep && report.sweep.length > 0) root.append(sweepSection(report.sweep));
  else root.append(note('No keep-fraction sweep in this report (run a sweep to see the accuracy/speedup curve).'));
  return root;
}
