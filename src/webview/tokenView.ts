// Token view: the input tokens once per layer (the SpAtten paper's cascade picture). A token pruned
// at layer p is marked "pruned here" in row p and struck out and faded in every later row; the
// colour of a live token is its cumulative importance after the layer, normalised per row.
// Clicking (or Enter on) a token shows its importance and rank in every layer.
//
// Size: 24 layers x 1024 tokens is 24k cells, so rows are filled lazily as they scroll near the
// viewport (IntersectionObserver) and all events go through one delegated listener; nothing is
// L x L. Cells: <span class="tok" role="gridcell" data-layer data-token data-value data-rank
// [data-pruned="before"|"here"]>.

import type { ProfileReport } from '../engine/report/profileReport';
import { bucket, h, note, num, provBadge, rampLegend, th } from './dom';
import { formatNumber } from '../engine/report/formatQuantity';
import { renderTokenOverview } from './tokenOverview';

export interface TokenViewCallbacks {
  /** Selection changed (persist it). */
  onSelect(token: number, layer: number): void;
  /** The user activated a token (click / Enter): reveal it in the editor. */
  onActivate(token: number): void;
}

export interface TokenView {
  element: HTMLElement;
  /** Select a token (e.g. from the host's focusToken) and scroll it into view. */
  focusToken(token: number, layer?: number, moveFocus?: boolean): void;
}

/** Cells rendered eagerly; beyond this rows fill in as they approach the viewport. */
const EAGER_CELLS = 12000;

export function displayTokenText(text: string): string {
  if (text.trim() === '') return text.includes('\n') ? '↵' : '␣';
  return text.replace(/\n/g, '↵').replace(/\t/g, '⇥');
}

export function renderTokens(report: ProfileReport, cb: TokenViewCallbacks, initial?: { token?: number; layer?: number }): TokenView {
  const toks = report.input.tokens;
  const N = toks.length;
  const pruned = report.tokens.prunedAtLayer;
  const imp = report.tokens.cumulativeImportance;
  const rank = report.tokens.rank;
  const L = imp.length;
  let selToken = initial?.token !== undefined && initial.token < N ? initial.token : -1;
  let curLayer = initial?.layer !== undefined && initial.layer < L ? initial.layer : 0;
  let curToken = selToken >= 0 ? selToken : 0;

  const grid = h('div', { class: 'token-grid', role: 'grid', 'aria-label': 'Tokens per layer; arrow keys move, Enter selects', 'aria-rowcount': L });
  const rows: HTMLElement[] = [];
  const filled: boolean[] = new Array<boolean>(L).fill(false);
  const detail = h('aside', { class: 'token-detail', 'aria-live': 'polite' });

  function fillRow(l: number): void {
    if (filled[l]) return;
    filled[l] = true;
    const box = rows[l].querySelector('.layer-tokens') as HTMLElement;
    box.style.minHeight = '';
    const row = imp[l];
    let max = 0;
    for (let t = 0; t < N; t++) {
      const alive = pruned[t] < 0 || pruned[t] >= l;
      if (alive && !toks[t].protected && row[t] > max) max = row[t];
    }
    const frag = document.createDocumentFragment();
    for (let t = 0; t < N; t++) {
      const p = pruned[t];
      const gone = p >= 0 && p < l;
      const cls = gone ? 'tok pruned' : `tok imp-${toks[t].protected ? 9 : bucket(row[t], max)}${p === l ? ' pruned-here' : ''}${toks[t].protected ? ' protected' : ''}`;
      const cell = document.createElement('span');
      cell.className = t === selToken ? `${cls} selected` : cls;
      cell.setAttribute('role', 'gridcell');
      cell.dataset.layer = String(l);
      cell.dataset.token = String(t);
      cell.dataset.value = String(row[t]);
      cell.dataset.rank = String(rank[l][t]);
      if (gone) cell.dataset.pruned = 'before';
      else if (p === l) cell.dataset.pruned = 'here';
      cell.tabIndex = l === curLayer && t === curToken ? 0 : -1;
      cell.textContent = displayTokenText(toks[t].text);
      frag.append(cell);
    }
    box.append(frag);
  }

  const lazy = new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        if (!e.isIntersecting) continue;
        fillRow(Number((e.target as HTMLElement).dataset.layer));
        lazy.unobserve(e.target);
      }
    },
    { rootMargin: '1200px 0px' },
  );

  const eager = L * N <= EAGER_CELLS;
  for (let l = 0; l < L; l++) {
    const lt = report.tokens.layers[l];
    // The label sticks to the top while a long row (many wrapped tokens) scrolls by.
    const head = h(
      'div',
      { class: 'layer-head', role: 'rowheader' },
      h(
        'div',
        { class: 'layer-head-sticky' },
        h('span', { class: 'layer-name' }, `Layer ${l}`),
        lt ? h('span', { class: 'layer-kept', 'data-tokens-in': lt.tokensIn, 'data-tokens-kept': lt.tokensKept, title: 'tokens kept after this layer / tokens entering it (measured)' }, `${lt.tokensKept}/${lt.tokensIn}`) : null,
      ),
    );
    const box = h('div', { class: 'layer-tokens' });
    // Rough height so the scrollbar is right before lazy rows fill in (~7 chars per chip).
    if (!eager) box.style.minHeight = `${Math.ceil(N / 14) * 24}px`;
    const row = h('div', { class: 'layer-row', role: 'row', 'data-layer': l, 'aria-rowindex': l + 1 }, head, box);
    rows.push(row);
    grid.append(row);
    if (eager) fillRow(l);
    else lazy.observe(row);
  }

  function cellAt(l: number, t: number): HTMLElement | null {
    fillRow(l);
    return rows[l].querySelector(`.tok[data-token="${t}"]`);
  }

  function moveTo(l: number, t: number, focus: boolean): void {
    const old = cellAt(curLayer, curToken);
    if (old) old.tabIndex = -1;
    curLayer = Math.max(0, Math.min(L - 1, l));
    curToken = Math.max(0, Math.min(N - 1, t));
    const c = cellAt(curLayer, curToken);
    if (!c) return;
    c.tabIndex = 0;
    if (focus) c.focus();
    c.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  function select(t: number, l: number): void {
    if (selToken >= 0) for (const c of grid.querySelectorAll(`.tok[data-token="${selToken}"]`)) c.classList.remove('selected');
    selToken = t;
    for (const c of grid.querySelectorAll(`.tok[data-token="${t}"]`)) c.classList.add('selected');
    renderDetail(t);
    cb.onSelect(t, l);
  }

  function renderDetail(t: number): void {
    const tok = toks[t];
    const p = pruned[t];
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
    detail.replaceChildren(
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
    );
  }

  grid.addEventListener('click', (ev) => {
    const c = (ev.target as HTMLElement).closest<HTMLElement>('.tok');
    if (!c) return;
    const l = Number(c.dataset.layer);
    const t = Number(c.dataset.token);
    moveTo(l, t, true);
    select(t, l);
    cb.onActivate(t);
  });

  grid.addEventListener('keydown', (ev) => {
    const c = (ev.target as HTMLElement).closest<HTMLElement>('.tok');
    if (!c) return;
    const l = Number(c.dataset.layer);
    const t = Number(c.dataset.token);
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [l, t - 1],
      ArrowRight: [l, t + 1],
      ArrowUp: [l - 1, t],
      ArrowDown: [l + 1, t],
      Home: [l, 0],
      End: [l, N - 1],
      PageUp: [0, t],
      PageDown: [L - 1, t],
    };
    const m = moves[ev.key];
    if (m) {
      ev.preventDefault();
      moveTo(m[0], m[1], true);
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      select(t, l);
      cb.onActivate(t);
    }
  });

  const legend = h(
    'div',
    { class: 'legend' },
    rampLegend('low', 'high cumulative importance (per layer)'),
    ' ',
    provBadge('measured'),
    h('span', { class: 'legend-item' }, h('span', { class: 'tok pruned-here sample' }, 'tok'), 'pruned by this layer'),
    h('span', { class: 'legend-item' }, h('span', { class: 'tok pruned sample' }, 'tok'), 'pruned earlier'),
    h('span', { class: 'legend-item' }, h('span', { class: 'tok protected imp-9 sample' }, 'tok'), 'protected'),
  );
  const kept = pruned.filter((p) => p < 0).length;
  const input = h('details', { class: 'input-text' }, h('summary', {}, `Input text (${N} tokens, ${kept} kept to the end)`), h('pre', {}, report.input.text));

  const overview = h(
    'figure',
    { class: 'token-overview-figure' },
    renderTokenOverview(report, (t, l) => {
      moveTo(l, t, true);
      select(t, l);
    }),
    h('figcaption', { class: 'note' }, `Overview: ${L} layers (rows, top = layer 0) × ${N} tokens (columns); empty = pruned earlier, red tick = pruned by that layer. Click to select.`),
  );
  const element = h(
    'div',
    { class: 'view-tokens' },
    legend,
    input,
    overview,
    h('div', { class: 'token-layout' }, h('div', { class: 'token-scroll' }, grid), detail),
    note(`Colour = cumulative attention probability each token has received after the layer, scaled to the largest unprotected live token of that row. Arrow keys move through the grid; Enter shows a token's per-layer importance and rank. ${formatNumber(N)} tokens × ${L} layers.`),
  );
  if (selToken >= 0) renderDetail(selToken);
  else detail.append(h('p', { class: 'muted' }, 'Select a token to see its importance and rank in every layer.'));

  return {
    element,
    focusToken(t, l, moveFocus = false) {
      if (!(t >= 0 && t < N)) return;
      const layer = l !== undefined && l >= 0 && l < L ? l : curLayer;
      moveTo(layer, t, moveFocus);
      select(t, layer);
    },
  };
}
