// Accuracy view: what pruning did to the output. Dense vs pruned top labels/tokens, the measured
// metrics and the generated tokens of both runs (generation).
// Hooks: metric cards data-accuracy-metric=<key>; top rows data-rank, cells data-field=dense|pruned
// with data-value=probability; generated rows data-step [data-mismatch]. The sweep has its own view (sweepView.ts).

import type { ProfileReport } from '../engine/report/profileReport';
import { h, note, num, quantity, section, th } from './dom';
import { humanize } from '../engine/report/formatQuantity';

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
  root.append(note(report.sweep && report.sweep.length > 0
    ? 'The keep-fraction sweep of this report is in the Sweep view.'
    : 'No keep-fraction sweep in this report: "SpAtten: Sweep Keep Fraction" (or spatten-profile sweep) profiles the model once per keep fraction.'));
  return root;
}
