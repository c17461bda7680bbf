// The token view's side panel for one selected token: its text, id, place in the input, whether it
// is protected and where cascade pruning removed it, then its cumulative importance (with a bar)
// and rank in every layer. Table: <table data-token-detail=<index>> with <tr data-detail-layer>.
import type { ProfileReport } from '../engine/report/profileReport';
import { h, num, th } from './dom';

export function tokenDetail(report: ProfileReport, t: number): HTMLElement[] {
  const tok = report.input.tokens[t];
  const p = report.tokens.prunedAtLayer[t];
  const imp = report.tokens.cumulativeImportance;
  const rank = report.tokens.rank;
  const L = imp.length;
  const body = h('tbody');
  let maxImp = 0;
  for (let l = 0; l < L; l++) maxImp = Math.max(maxImp, imp[l][t]);
  for (let l = 0; l < L; l++) {
    const gone = p >= 0 && p < l;
    const bar = h('span', { class: 'bar' });
    bar.style.width = `${maxImp > 0 ? (100 * imp[l][t]) / maxImp : 0}%`;
    body.append(
      h(
        'tr',
        { 'data-detail-layer': l, class: gone ? 'gone' : undefined },
        h('th', { scope: 'row' }, String(l)),
        h('td', { class: 'r' }, num(imp[l][t], '', 'measured', 'cumulative attention probability received')),
        h('td', { class: 'barcell' }, bar),
        h('td', { class: 'r', 'data-rank': rank[l][t] }, `#${rank[l][t] + 1}`),
        h('td', {}, gone ? 'pruned' : p === l ? 'pruned here' : 'kept'),
      ),
    );
  }
  return [
    h('h3', {}, 'Token ', h('code', { class: 'tok-text' }, tok.text), ` #${t}`),
    h(
      'p',
      { class: 'muted' },
      `id ${tok.id}`,
      tok.start >= 0 ? ` · chars ${tok.start}–${tok.end}` : ' · special token',
      tok.protected ? ' · protected' : '',
      p >= 0 ? ` · pruned after layer ${p}` : ' · kept to the end',
    ),
    h(
      'table',
      { class: 'data compact', 'data-token-detail': t },
      h('thead', {}, h('tr', {}, th('Layer'), th('Σ prob', undefined, 'measured'), th(''), th('Rank'), th('State'))),
      body,
    ),
  ];
}
