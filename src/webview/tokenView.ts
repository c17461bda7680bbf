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
import { passLabel, type PassChoice } from './passState';
import { tokenDetail } from './tokenDetail';
import { tokenLegend } from './tokenLegend';
import { TokenGrid } from './tokenGrid';

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

export function renderTokens(report: ProfileReport, cb: TokenViewCallbacks, initial?: { token?: number; layer?: number }): TokenView {
  const N = report.input.tokens.length;
  const L = report.tokens.cumulativeImportance.length;
  const P = report.input.promptTokens ?? N;
  const detail = h('aside', { class: 'token-detail', 'aria-live': 'polite' });
  const renderDetail = (t: number): void => detail.replaceChildren(...tokenDetail(report, t));
  const grid = new TokenGrid(report, { onSelect: (t, l) => { renderDetail(t); cb.onSelect(t, l); }, onActivate: (t) => cb.onActivate(t) }, initial);

  const passPicker = report.tokens.steps && report.tokens.steps.length > 0 ? passSelect(report, (p) => grid.setPass(p)) : null;
  const kept = report.tokens.prunedAtLayer.filter((p) => p < 0).length;
  const input = h('details', { class: 'input-text' }, h('summary', {}, `Input text (${P} input tokens${P < N ? ` + ${N - P} generated` : ''}, ${kept} kept to the end of the run)`), h('pre', {}, report.input.text));
  const overview = h(
    'figure',
    { class: 'token-overview-figure' },
    renderTokenOverview(report, (t, l) => {
      grid.moveTo(l, t, true);
      grid.select(t, l);
    }),
    h('figcaption', { class: 'note' }, `Overview: ${L} layers (rows, top = layer 0) × ${N} tokens (columns); empty = pruned earlier, red tick = pruned by that layer. Click to select.`),
  );
  const element = h(
    'div',
    { class: 'view-tokens' },
    passPicker,
    tokenLegend(P, N),
    input,
    overview,
    h('div', { class: 'token-layout' }, h('div', { class: 'token-scroll' }, grid.element), detail),
    note(`Colour = cumulative attention probability each token has received after the layer over the whole run (all passes), scaled to the largest unprotected live token of that row. Marks and the counts beside each layer follow the pass picked above. Arrow keys move through the grid; Enter shows a token's per-layer importance and rank. ${formatNumber(N)} tokens × ${L} layers.`),
  );
  if (grid.selected >= 0) renderDetail(grid.selected);
  else detail.append(h('p', { class: 'muted' }, 'Select a token to see its importance and rank in every layer.'));

  return { element, focusToken: (t, l, moveFocus = false) => grid.focusToken(t, l, moveFocus) };
}

/** The pass picker: whole run, prompt pass, each decode step. */
function passSelect(report: ProfileReport, onChange: (p: PassChoice) => void): HTMLElement {
  const select = h('select', { 'data-control': 'pass', 'aria-label': 'Pass or decode step shown' });
  select.append(h('option', { value: 'all' }, passLabel('all', report.mode)));
  for (const s of report.tokens.steps ?? []) select.append(h('option', { value: String(s.step) }, passLabel(s.step, report.mode)));
  select.addEventListener('change', () => onChange(select.value === 'all' ? 'all' : Number(select.value)));
  return h('label', { class: 'inline-control pass-picker' }, 'Show pass: ', select);
}
