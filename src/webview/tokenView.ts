// Token view: the input tokens once per layer (the SpAtten paper's cascade picture). A token pruned
// at layer p is marked "pruned here" in row p and struck out and faded in every later row; the
// colour of a live token is its cumulative importance after the layer, normalised per row.
// Clicking (or Enter on) a token shows its importance and rank in every layer.
//
// Size: 24 layers x 1024 tokens is 24k cells, so rows are filled lazily as they scroll near the
// viewport (IntersectionObserver) and all events go through one delegated listener; nothing is
// L x L. Cells: <span class="tok" role="gridcell" data-layer data-token data-value data-rank
// [data-pruned="before"|"here"|"future"]>.
// Generation: a pass picker (whole run, prompt pass, each decode step; passState.ts) decides both
// the marks and the counts beside each layer (<span class="layer-kept" data-step data-tokens-in
// data-tokens-kept>), so the two never describe different passes; generated tokens carry
// class "generated" and the first one "gen-start" (the prompt/generated boundary).

import type { ProfileReport } from '../engine/report/profileReport';
import { h, note } from './dom';
import { formatNumber } from '../engine/report/formatQuantity';
import { renderTokenOverview } from './tokenOverview';
import { passLabel, passModel, passShort, type PassChoice, type PassModel } from './passState';
import { tokenRowCells } from './tokenCells';
import { tokenDetail } from './tokenDetail';
import { gridMove } from './gridKeys';
import { tokenLegend } from './tokenLegend';

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

export function renderTokens(report: ProfileReport, cb: TokenViewCallbacks, initial?: { token?: number; layer?: number }): TokenView {
  const toks = report.input.tokens;
  const N = toks.length;
  const pruned = report.tokens.prunedAtLayer;
  const imp = report.tokens.cumulativeImportance;
  const L = imp.length;
  let selToken = initial?.token !== undefined && initial.token < N ? initial.token : -1;
  let curLayer = initial?.layer !== undefined && initial.layer < L ? initial.layer : 0;
  let curToken = selToken >= 0 ? selToken : 0;
  const P = report.input.promptTokens ?? N;
  let pass: PassChoice = 'all';
  let model: PassModel = passModel(report, pass);

  const grid = h('div', { class: 'token-grid', role: 'grid', 'aria-label': 'Tokens per layer; arrow keys move, Enter selects', 'aria-rowcount': L });
  const rows: HTMLElement[] = [];
  const filled: boolean[] = new Array<boolean>(L).fill(false);
  const detail = h('aside', { class: 'token-detail', 'aria-live': 'polite' });

  function fillRow(l: number): void {
    if (filled[l]) return;
    filled[l] = true;
    const box = rows[l].querySelector('.layer-tokens') as HTMLElement;
    box.style.minHeight = '';
    box.append(tokenRowCells(report, l, model, { selected: selToken, focusLayer: curLayer, focusToken: curToken }));
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
  const keptLabel = (l: number): HTMLElement => {
    const c = model.counts(l);
    return h(
      'span',
      { class: 'layer-kept', 'data-step': String(pass), 'data-tokens-in': c.tokensIn, 'data-tokens-kept': c.tokensKept, title: `${passShort(pass)}: tokens kept after this layer / tokens entering it (measured)` },
      `${c.tokensKept}/${c.tokensIn} tokens`,
      h('span', { class: 'layer-pass' }, passShort(pass)),
    );
  };
  for (let l = 0; l < L; l++) {
    // The label sticks to the top while a long row (many wrapped tokens) scrolls by.
    const head = h(
      'div',
      { class: 'layer-head', role: 'rowheader' },
      h(
        'div',
        { class: 'layer-head-sticky' },
        h('span', { class: 'layer-name' }, `Layer ${l}`),
        keptLabel(l),
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

  /** Re-marks every row for another pass (rows refill lazily as before). */
  function setPass(p: PassChoice): void {
    pass = p;
    model = passModel(report, p);
    for (let l = 0; l < L; l++) {
      rows[l].querySelector('.layer-kept')?.replaceWith(keptLabel(l));
      (rows[l].querySelector('.layer-tokens') as HTMLElement).replaceChildren();
      filled[l] = false;
      if (eager) fillRow(l);
      else lazy.observe(rows[l]);
    }
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
    detail.replaceChildren(...tokenDetail(report, t));
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
    const m = gridMove(ev.key, l, t, L, N);
    if (m) {
      ev.preventDefault();
      moveTo(m[0], m[1], true);
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      select(t, l);
      cb.onActivate(t);
    }
  });

  const legend = tokenLegend(P, N);
  const passPicker = report.tokens.steps && report.tokens.steps.length > 0 ? passSelect(report, setPass) : null;
  const kept = pruned.filter((p) => p < 0).length;
  const input = h('details', { class: 'input-text' }, h('summary', {}, `Input text (${P} input tokens${P < N ? ` + ${N - P} generated` : ''}, ${kept} kept to the end of the run)`), h('pre', {}, report.input.text));

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
    passPicker,
    legend,
    input,
    overview,
    h('div', { class: 'token-layout' }, h('div', { class: 'token-scroll' }, grid), detail),
    note(`Colour = cumulative attention probability each token has received after the layer over the whole run (all passes), scaled to the largest unprotected live token of that row. Marks and the counts beside each layer follow the pass picked above. Arrow keys move through the grid; Enter shows a token's per-layer importance and rank. ${formatNumber(N)} tokens × ${L} layers.`),
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

/** The pass picker: whole run, prompt pass, each decode step. */
function passSelect(report: ProfileReport, onChange: (p: PassChoice) => void): HTMLElement {
  const select = h('select', { 'data-control': 'pass', 'aria-label': 'Pass or decode step shown' });
  select.append(h('option', { value: 'all' }, passLabel('all', report.mode)));
  for (const s of report.tokens.steps ?? []) select.append(h('option', { value: String(s.step) }, passLabel(s.step, report.mode)));
  select.addEventListener('change', () => onChange(select.value === 'all' ? 'all' : Number(select.value)));
  return h('label', { class: 'inline-control pass-picker' }, 'Show pass: ', select);
}
