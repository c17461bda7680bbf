// The token view's legend: the importance ramp and the cell styles (pruned by this layer, pruned
// earlier, protected, special, generated after the prompt, visible whitespace).
import { h, provBadge, rampLegend } from './dom';

/** `P` input tokens of `N` (the rest generated). */
export function tokenLegend(P: number, N: number): HTMLElement {
  return h(
    'div',
    { class: 'legend' },
    rampLegend('low', 'high cumulative importance (per layer)'),
    ' ',
    provBadge('measured'),
    h('span', { class: 'legend-item' }, h('span', { class: 'tok pruned-here sample' }, 'tok'), 'pruned by this layer'),
    h('span', { class: 'legend-item' }, h('span', { class: 'tok pruned sample' }, 'tok'), 'pruned earlier'),
    h('span', { class: 'legend-item' }, h('span', { class: 'tok protected imp-9 sample' }, 'tok'), 'protected'),
    h('span', { class: 'legend-item' }, h('span', { class: 'tok special imp-9 sample' }, '<s>'), 'special token'),
    P < N ? h('span', { class: 'legend-item' }, h('span', { class: 'tok generated imp-5 sample' }, 'tok'), `generated (after the ${P} input tokens; dashed line)`) : null,
    h('span', { class: 'legend-item' }, h('span', { class: 'ws' }, '·'), 'space ', h('span', { class: 'ws' }, '↵'), 'newline'),
  );
}
