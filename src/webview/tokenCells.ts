// The cells of one layer row of the token view: each input token's decoded text (visible
// whitespace in fainter spans), its state in the pass shown (alive, pruned here, pruned before,
// not generated yet), its importance colour (cumulative importance scaled to the row's largest
// unprotected live token) and the prompt/generated boundary.
// Cell: <span class="tok" role="gridcell" data-layer data-token data-value data-rank [data-pruned]>.
import type { ProfileReport } from '../engine/report/profileReport';
import { bucket } from './dom';
import type { PassModel } from './passState';
import { tokenDisplay } from './tokenText';

/** Fills a token cell with its decoded text: visible whitespace in fainter spans. Returns the token's kind. */
function fillText(cell: HTMLElement, text: string): string {
  const d = tokenDisplay(text);
  for (const p of d.parts) {
    if (p.ws) {
      const w = document.createElement('span');
      w.className = 'ws';
      w.textContent = p.text;
      cell.append(w);
    } else cell.append(p.text);
  }
  return d.kind;
}

export interface CellFocus {
  /** Selected token (-1 = none), and the cell that holds the roving tabindex. */
  selected: number;
  focusLayer: number;
  focusToken: number;
}

export function tokenRowCells(report: ProfileReport, l: number, model: PassModel, focus: CellFocus): DocumentFragment {
  const toks = report.input.tokens;
  const N = toks.length;
  const P = report.input.promptTokens ?? N;
  const row = report.tokens.cumulativeImportance[l];
  const rank = report.tokens.rank[l];
  const states = toks.map((_, t) => model.state(l, t));
  let max = 0;
  for (let t = 0; t < N; t++) {
    const alive = states[t] === 'alive' || states[t] === 'here';
    if (alive && !toks[t].protected && row[t] > max) max = row[t];
  }
  const frag = document.createDocumentFragment();
  for (let t = 0; t < N; t++) {
    const st = states[t];
    const gone = st === 'before' || st === 'future';
    let cls = gone ? `tok ${st === 'future' ? 'future' : 'pruned'}` : `tok imp-${toks[t].protected ? 9 : bucket(row[t], max)}${st === 'here' ? ' pruned-here' : ''}${toks[t].protected ? ' protected' : ''}`;
    if (t >= P) cls += t === P ? ' generated gen-start' : ' generated';
    const cell = document.createElement('span');
    cell.setAttribute('role', 'gridcell');
    cell.dataset.layer = String(l);
    cell.dataset.token = String(t);
    cell.dataset.value = String(row[t]);
    cell.dataset.rank = String(rank[t]);
    if (st !== 'alive') cell.dataset.pruned = st;
    cell.tabIndex = l === focus.focusLayer && t === focus.focusToken ? 0 : -1;
    if (fillText(cell, toks[t].text) === 'special') cls += ' special';
    cell.className = t === focus.selected ? `${cls} selected` : cls;
    frag.append(cell);
  }
  return frag;
}
