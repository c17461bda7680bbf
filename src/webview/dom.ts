// Tiny DOM builders. Every piece of text goes through textContent (never innerHTML): token strings,
// file names and policy names come from models and users.

import type { Provenance, Quantity } from '../engine/report/profileReport';
import { PROVENANCE_HELP, PROVENANCE_LABEL, formatValue, quantityTitle } from '../engine/report/formatQuantity';

type Attrs = Record<string, string | number | boolean | undefined>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}

/** The provenance badge: a short visible tag plus a tooltip with the full meaning. */
export function provBadge(source: Provenance): HTMLSpanElement {
  return h('span', { class: `prov prov-${source}`, title: PROVENANCE_HELP[source], 'data-source': source }, PROVENANCE_LABEL[source]);
}

/**
 * A formatted number with its raw value, unit and provenance in data attributes. `bare` drops a
 * plain unit suffix for table cells whose column header carries the unit.
 */
export function num(value: number, unit: string, source: Provenance, note?: string, bare = false): HTMLSpanElement {
  return h(
    'span',
    {
      class: 'num',
      'data-value': String(value),
      'data-unit': unit,
      'data-source': source,
      title: note ? `${note} — ${PROVENANCE_HELP[source]}` : PROVENANCE_HELP[source],
    },
    formatValue(value, unit, bare),
  );
}

/** A number followed by its provenance badge. */
export function numWithBadge(value: number, unit: string, source: Provenance, note?: string): HTMLSpanElement {
  return h('span', { class: 'num-wrap' }, num(value, unit, source, note), provBadge(source));
}

export function quantity(q: Quantity): HTMLSpanElement {
  const w = numWithBadge(q.value, q.unit, q.source, q.note);
  w.title = quantityTitle(q);
  return w;
}

/** Column header "Name (unit)" with a provenance badge. */
export function th(label: string, unit?: string, source?: Provenance): HTMLTableCellElement {
  const cell = h('th', { scope: 'col' }, unit ? `${label} (${unit})` : label);
  if (source) cell.append(' ', provBadge(source));
  return cell;
}

export function section(title: string, ...children: (Node | null | undefined)[]): HTMLElement {
  return h('section', { class: 'card-section' }, h('h2', {}, title), ...children);
}

export function note(text: string): HTMLParagraphElement {
  return h('p', { class: 'note' }, text);
}

/** Importance bucket 0..9 for theme-aware colour classes (`imp-0`..`imp-9`). */
export function bucket(v: number, max: number): number {
  if (!(max > 0) || !(v > 0)) return 0;
  return Math.min(9, Math.max(0, Math.round((v / max) * 9)));
}

/** Legend for the importance colour ramp. */
export function rampLegend(lowLabel: string, highLabel: string): HTMLElement {
  const ramp = h('span', { class: 'ramp', 'aria-hidden': 'true' });
  for (let i = 0; i <= 9; i++) ramp.append(h('span', { class: `imp-${i}` }));
  return h('span', { class: 'legend-ramp' }, lowLabel, ramp, highLabel);
}
