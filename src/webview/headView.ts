// Head view: a layers x heads grid. Live heads are coloured by cumulative head importance
// (normalised per layer); a head pruned by the cascade is marked in the layer that pruned it and
// hatched in every later layer. Cells: <td class="head-cell" data-layer data-head data-value
// [data-pruned="before"|"here"]>.

import type { ProfileReport } from '../engine/report/profileReport';
import { bucket, h, note, provBadge, rampLegend, section, th } from './dom';
import { formatNumber } from '../engine/report/formatQuantity';
import { rovingGrid } from './gridKeys';

export function renderHeads(report: ProfileReport): HTMLElement {
  const imp = report.heads.importance;
  const pruned = report.heads.prunedAtLayer;
  const L = imp.length;
  const H = L > 0 ? imp[0].length : report.model.heads;

  const headRow = h('tr', {}, th('Layer'));
  for (let hd = 0; hd < H; hd++) headRow.append(h('th', { scope: 'col', class: 'c' }, `H${hd}`));
  headRow.append(th('Heads kept'), th('Tokens kept'));

  const body = h('tbody');
  for (let l = 0; l < L; l++) {
    let max = 0;
    for (let hd = 0; hd < H; hd++) if ((pruned[hd] < 0 || pruned[hd] >= l) && imp[l][hd] > max) max = imp[l][hd];
    const tr = h('tr', { 'data-layer': l }, h('th', { scope: 'row' }, `Layer ${l}`));
    for (let hd = 0; hd < H; hd++) {
      const p = pruned[hd];
      const gone = p >= 0 && p < l;
      const v = imp[l][hd];
      const td = h(
        'td',
        {
          class: gone ? 'head-cell pruned' : `head-cell imp-${bucket(v, max)}${p === l ? ' pruned-here' : ''}`,
          role: 'gridcell',
          'data-layer': l,
          'data-head': hd,
          'data-value': String(v),
          'data-pruned': gone ? 'before' : p === l ? 'here' : undefined,
          title: gone ? `head ${hd} pruned after layer ${p}` : `layer ${l}, head ${hd}: cumulative importance ${formatNumber(v)} (measured)${p === l ? '; pruned by this layer' : ''}`,
        },
        gone ? '×' : formatNumber(v),
      );
      tr.append(td);
    }
    const lt = report.tokens.layers[l];
    tr.append(
      h('td', { class: 'r', 'data-field': 'headsKept', 'data-value': lt ? lt.headsKept : undefined }, lt ? `${lt.headsKept}/${H}` : '—'),
      h('td', { class: 'r', 'data-field': 'tokensKept', 'data-value': lt ? lt.tokensKept : undefined }, lt ? `${lt.tokensKept}/${lt.tokensIn}` : '—'),
    );
    body.append(tr);
  }
  const table = h('table', { class: 'data head-grid', role: 'grid', 'aria-label': 'Head importance per layer; arrow keys move' }, h('thead', {}, headRow), body);
  rovingGrid(table, '.head-cell', 'layer', 'head');

  const prunedHeads = pruned.map((p, hd) => [hd, p] as const).filter(([, p]) => p >= 0);
  const summary = h(
    'p',
    {},
    prunedHeads.length === 0
      ? 'No head was pruned.'
      : `Pruned heads: ${prunedHeads.map(([hd, p]) => `H${hd} (after layer ${p})`).join(', ')}.`,
  );
  return h(
    'div',
    { class: 'view-heads' },
    h('div', { class: 'legend' }, rampLegend('low', 'high cumulative head importance (per layer)'), ' ', provBadge('measured'), h('span', { class: 'legend-item' }, h('span', { class: 'head-swatch pruned-here' }), 'pruned by this layer'), h('span', { class: 'legend-item' }, h('span', { class: 'head-swatch pruned' }), 'pruned earlier')),
    section('Heads × layers', h('div', { class: 'table-scroll' }, table), summary, note('Importance = Σ |head output| accumulated over layers per head index (cascade head pruning). Values are unitless sums.')),
  );
}
