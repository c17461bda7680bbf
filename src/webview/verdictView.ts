// The verdict block at the top of the summary: one sentence, four headline figures (DRAM,
// latency, energy, accuracy cost, each with unit and provenance), why (the bound of every layer,
// from the engine's report.verdict) and what to try next. It only presents the engine's verdict,
// so the CLI, the exported HTML and this view say the same thing.
// DOM: <section class="verdict" data-verdict data-bound data-busiest>, figures
// <div class="hero" data-figure="dram|latency|energy|accuracy">, layer chips
// <li data-layer data-bound data-busiest data-share>, advice <li data-rule>.

import type { LayerBoundKind, Quantity, VerdictFigure, VerdictReport } from '../engine/report/profileReport';
import { h, num, provBadge, quantity } from './dom';

export const BOUND_LABEL: Record<LayerBoundKind, string> = {
  memory: 'memory (DRAM)',
  compute: 'compute',
  'top-k': 'top-k engine',
  'fixed-latency': 'fixed latency',
};

/** How the ratio under a figure reads: "12.4× less than dense", "0.969× dense speed". */
function versusLine(f: VerdictFigure, v: Quantity): HTMLElement {
  const ratio = num(v.value, v.unit, v.source, v.note);
  switch (f.id) {
    case 'dram':
      return h('div', { class: 'hero-versus' }, ratio, ' less than dense fp32 ', provBadge(v.source));
    case 'energy':
      return h('div', { class: 'hero-versus' }, ratio, ' less than dense ', provBadge(v.source));
    case 'latency':
      return h('div', { class: 'hero-versus' }, ratio, v.value >= 1 ? ' faster than dense ' : ' the speed of dense ', provBadge(v.source));
    case 'accuracy':
      return h('div', { class: 'hero-versus' }, ratio, ' higher than the dense perplexity ', provBadge(v.source));
  }
}

function hero(f: VerdictFigure): HTMLElement {
  return h(
    'div',
    { class: `hero hero-${f.id}`, 'data-figure': f.id, role: 'group', 'aria-label': f.label },
    h('div', { class: 'hero-label' }, f.label),
    h('div', { class: 'hero-value' }, quantity(f.value)),
    f.versus ? versusLine(f, f.versus) : null,
  );
}

function layerChips(v: VerdictReport): HTMLElement {
  const list = h('ul', { class: 'bound-chips', 'aria-label': 'Bound of each layer' });
  for (const l of v.layers) {
    list.append(
      h(
        'li',
        {
          class: `bound-chip bound-${l.bound}`,
          'data-layer': l.layer,
          'data-bound': l.bound,
          'data-busiest': l.busiestUnit,
          'data-share': String(l.busiestShare),
          title: Object.entries(l.unitBusy)
            .map(([u, c]) => `${u}: ${Math.round(c).toLocaleString('en-US')} busy cycles`)
            .join('\n'),
        },
        h('span', { class: 'chip-layer' }, `Layer ${l.layer}`),
        h('span', { class: 'chip-bound' }, BOUND_LABEL[l.bound]),
        h('span', { class: 'chip-unit' }, `${l.busiestUnit} busy `, num(l.busiestShare, 'fraction', 'modelled', 'busy cycles of the busiest unit / the layer’s cycles')),
      ),
    );
  }
  return list;
}

export function renderVerdict(v: VerdictReport): HTMLElement {
  const figures = h('div', { class: 'hero-grid' });
  for (const f of v.figures) figures.append(hero(f));
  const advice = h('ul', { class: 'advice' });
  for (const a of v.advice) advice.append(h('li', { 'data-rule': a.rule }, a.text));
  return h(
    'section',
    { class: 'verdict', 'data-verdict': '', 'data-bound': v.bound, 'data-busiest': v.busiestUnit, 'aria-label': 'Verdict' },
    h('p', { class: 'verdict-sentence', 'data-field': 'sentence' }, v.sentence),
    figures,
    h(
      'div',
      { class: 'verdict-why' },
      h('h3', {}, 'Why: the bound of each layer ', provBadge('modelled')),
      h('p', { class: 'note', 'data-field': 'reason' }, `In ${v.reason}.`),
      layerChips(v),
    ),
    v.advice.length > 0 ? h('div', { class: 'verdict-next' }, h('h3', {}, 'Next to try'), advice) : null,
  );
}
