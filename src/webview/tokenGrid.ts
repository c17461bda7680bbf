// The token grid of the token view: one row per layer, one cell per token, filled lazily as rows
// scroll near the viewport (IntersectionObserver; nothing is L x L), with one delegated click and
// key listener for every cell. It owns the grid's state: the pass shown, the roving focus
// (curLayer, curToken) and the selected token; the view around it (tokenView.ts) assembles the page.

import type { ProfileReport } from '../engine/report/profileReport';
import { h } from './dom';
import { passModel, passShort, type PassChoice, type PassModel } from './passState';
import { tokenRowCells } from './tokenCells';
import { gridMove } from './gridKeys';

/** Cells rendered eagerly; beyond this rows fill in as they approach the viewport. */
const EAGER_CELLS = 12000;

export interface TokenGridCallbacks {
  /** A token was selected (click, Enter, the overview or the host): show its detail, persist it. */
  onSelect(token: number, layer: number): void;
  /** The user activated a token (click / Enter): reveal it in the editor. */
  onActivate(token: number): void;
}

export class TokenGrid {
  readonly element: HTMLElement;
  private readonly rows: HTMLElement[] = [];
  private readonly filled: boolean[];
  private readonly lazy: IntersectionObserver;
  private readonly eager: boolean;
  private readonly L: number;
  private readonly N: number;
  private pass: PassChoice = 'all';
  private model: PassModel;
  private curLayer: number;
  private curToken: number;
  /** The selected token, -1 for none. */
  selected: number;

  constructor(private readonly report: ProfileReport, private readonly cb: TokenGridCallbacks, initial?: { token?: number; layer?: number }) {
    this.N = report.input.tokens.length;
    this.L = report.tokens.cumulativeImportance.length;
    this.selected = initial?.token !== undefined && initial.token < this.N ? initial.token : -1;
    this.curLayer = initial?.layer !== undefined && initial.layer < this.L ? initial.layer : 0;
    this.curToken = this.selected >= 0 ? this.selected : 0;
    this.model = passModel(report, this.pass);
    this.filled = new Array<boolean>(this.L).fill(false);
    this.eager = this.L * this.N <= EAGER_CELLS;
    this.element = h('div', { class: 'token-grid', role: 'grid', 'aria-label': 'Tokens per layer; arrow keys move, Enter selects', 'aria-rowcount': this.L });
    this.lazy = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          this.fillRow(Number((e.target as HTMLElement).dataset.layer));
          this.lazy.unobserve(e.target);
        }
      },
      { rootMargin: '1200px 0px' },
    );
    for (let l = 0; l < this.L; l++) {
      const row = this.layerRow(l);
      this.rows.push(row);
      this.element.append(row);
      if (this.eager) this.fillRow(l);
      else this.lazy.observe(row);
    }
    this.element.addEventListener('click', (ev) => this.onClick(ev));
    this.element.addEventListener('keydown', (ev) => this.onKey(ev));
  }

  /** Re-marks every row for another pass (rows refill lazily as before). */
  setPass(p: PassChoice): void {
    this.pass = p;
    this.model = passModel(this.report, p);
    for (let l = 0; l < this.L; l++) {
      this.rows[l].querySelector('.layer-kept')?.replaceWith(this.keptLabel(l));
      (this.rows[l].querySelector('.layer-tokens') as HTMLElement).replaceChildren();
      this.filled[l] = false;
      if (this.eager) this.fillRow(l);
      else this.lazy.observe(this.rows[l]);
    }
  }

  /** Moves the roving focus to (layer, token), clamped, and scrolls it into view. */
  moveTo(l: number, t: number, focus: boolean): void {
    const old = this.cellAt(this.curLayer, this.curToken);
    if (old) old.tabIndex = -1;
    this.curLayer = Math.max(0, Math.min(this.L - 1, l));
    this.curToken = Math.max(0, Math.min(this.N - 1, t));
    const c = this.cellAt(this.curLayer, this.curToken);
    if (!c) return;
    c.tabIndex = 0;
    if (focus) c.focus();
    c.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  select(t: number, l: number): void {
    if (this.selected >= 0) for (const c of this.element.querySelectorAll(`.tok[data-token="${this.selected}"]`)) c.classList.remove('selected');
    this.selected = t;
    for (const c of this.element.querySelectorAll(`.tok[data-token="${t}"]`)) c.classList.add('selected');
    this.cb.onSelect(t, l);
  }

  /** The host's focusToken: select a token and bring it into view, in `l` or the current layer. */
  focusToken(t: number, l: number | undefined, moveFocus: boolean): void {
    if (!(t >= 0 && t < this.N)) return;
    const layer = l !== undefined && l >= 0 && l < this.L ? l : this.curLayer;
    this.moveTo(layer, t, moveFocus);
    this.select(t, layer);
  }

  private layerRow(l: number): HTMLElement {
    // The label sticks to the top while a long row (many wrapped tokens) scrolls by.
    const head = h('div', { class: 'layer-head', role: 'rowheader' }, h('div', { class: 'layer-head-sticky' }, h('span', { class: 'layer-name' }, `Layer ${l}`), this.keptLabel(l)));
    const box = h('div', { class: 'layer-tokens' });
    // Rough height so the scrollbar is right before lazy rows fill in (~7 chars per chip).
    if (!this.eager) box.style.minHeight = `${Math.ceil(this.N / 14) * 24}px`;
    return h('div', { class: 'layer-row', role: 'row', 'data-layer': l, 'aria-rowindex': l + 1 }, head, box);
  }

  private keptLabel(l: number): HTMLElement {
    const c = this.model.counts(l);
    return h(
      'span',
      { class: 'layer-kept', 'data-step': String(this.pass), 'data-tokens-in': c.tokensIn, 'data-tokens-kept': c.tokensKept, title: `${passShort(this.pass)}: tokens kept after this layer / tokens entering it (measured)` },
      `${c.tokensKept}/${c.tokensIn} tokens`,
      h('span', { class: 'layer-pass' }, passShort(this.pass)),
    );
  }

  private fillRow(l: number): void {
    if (this.filled[l]) return;
    this.filled[l] = true;
    const box = this.rows[l].querySelector('.layer-tokens') as HTMLElement;
    box.style.minHeight = '';
    box.append(tokenRowCells(this.report, l, this.model, { selected: this.selected, focusLayer: this.curLayer, focusToken: this.curToken }));
  }

  private cellAt(l: number, t: number): HTMLElement | null {
    this.fillRow(l);
    return this.rows[l].querySelector(`.tok[data-token="${t}"]`);
  }

  private onClick(ev: MouseEvent): void {
    const c = (ev.target as HTMLElement).closest<HTMLElement>('.tok');
    if (!c) return;
    const l = Number(c.dataset.layer);
    const t = Number(c.dataset.token);
    this.moveTo(l, t, true);
    this.select(t, l);
    this.cb.onActivate(t);
  }

  private onKey(ev: KeyboardEvent): void {
    const c = (ev.target as HTMLElement).closest<HTMLElement>('.tok');
    if (!c) return;
    const l = Number(c.dataset.layer);
    const t = Number(c.dataset.token);
    const m = gridMove(ev.key, l, t, this.L, this.N);
    if (m) {
      ev.preventDefault();
      this.moveTo(m[0], m[1], true);
    } else if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      this.select(t, l);
      this.cb.onActivate(t);
    }
  }
}
