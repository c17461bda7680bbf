// The per-layer latency table, sized to fit a 1280 px editor: grouped columns (cycles, the bound,
// one stage at a time, DRAM, energy), units in the group headers, and a stage picker instead of
// one column per stage. Rows: <tr data-layer data-cycles data-dense-cycles data-bound> with
// <td data-field="cycles|denseCycles|speedup|stage|denseStage|dramBytes|denseDramBytes|energy|denseEnergy">.
import type { LayerHardware, VerdictReport } from '../engine/report/profileReport';
import { formatValue } from '../engine/report/formatQuantity';
import { h, num, provBadge } from './dom';
import { groupCycles, type StageGroup } from './stageGroups';
import { BOUND_LABEL } from './verdictView';

export const dramTotal = (l: LayerHardware): number => l.dramBytes.kMsb + l.dramBytes.kLsb + l.dramBytes.v + l.dramBytes.q;

const cell = (field: string, value: number, unit: string, note?: string) => h('td', { class: 'r', 'data-field': field }, num(value, unit, 'modelled', note, true));

function groupHeader(label: string, span: number, unit?: string): HTMLTableCellElement {
  return h('th', { scope: 'colgroup', colspan: span, class: 'group' }, unit ? `${label} (${unit})` : label);
}

export function latencyTable(layers: LayerHardware[], groups: StageGroup[], verdict: VerdictReport | undefined): HTMLElement {
  const select = h('select', { 'data-control': 'stage', 'aria-label': 'Stage shown in the table' });
  groups.forEach((g, i) => select.append(h('option', { value: String(i) }, g.label)));
  const top = h(
    'tr',
    {},
    h('th', { scope: 'col', rowspan: 2 }, 'Layer'),
    groupHeader('Cycles', 3, 'cycles; speedup ×'),
    h('th', { scope: 'col', rowspan: 2 }, 'Bound ', provBadge('modelled')),
    groupHeader('Stage', 2, 'cycles'),
    groupHeader('DRAM traffic', 2, 'B'),
    groupHeader('Energy', 2, 'J'),
  );
  const sub = h('tr', {}, ...['SpAtten', 'Dense', 'Speedup', 'SpAtten', 'Dense', 'SpAtten', 'Dense fp32', 'SpAtten', 'Dense'].map((t) => h('th', { scope: 'col', class: 'r' }, t)));
  const body = h('tbody');
  const fill = () => {
    const g = groups[Number(select.value)] ?? groups[0];
    body.replaceChildren();
    for (const l of layers) {
      const v = verdict?.layers.find((x) => x.layer === l.layer);
      const bound = v ? BOUND_LABEL[v.bound] : l.bound;
      const b = dramTotal(l);
      body.append(
        h(
          'tr',
          { 'data-layer': l.layer, 'data-cycles': l.cycles, 'data-dense-cycles': l.denseCycles, 'data-bound': l.bound },
          h('th', { scope: 'row' }, `Layer ${l.layer}`),
          cell('cycles', l.cycles, 'cycles'),
          cell('denseCycles', l.denseCycles, 'cycles'),
          cell('speedup', l.cycles > 0 ? l.denseCycles / l.cycles : Number.NaN, 'x'),
          h('td', { 'data-field': 'bound', 'data-verdict-bound': v?.bound ?? '' }, h('span', { class: `bound bound-${v?.bound ?? l.bound}`, title: v ? `${v.busiestUnit} busy ${formatValue(v.busiestShare, 'fraction')} of the layer's cycles` : '' }, bound)),
          g ? cell('stage', groupCycles(l.stages, g), 'cycles', g.stages.join(' + ')) : h('td'),
          g ? cell('denseStage', groupCycles(l.denseStages, g), 'cycles', g.stages.join(' + ')) : h('td'),
          cell('dramBytes', b, 'bytes', `K MSB ${formatValue(l.dramBytes.kMsb, 'B')}, K LSB ${formatValue(l.dramBytes.kLsb, 'B')}, V ${formatValue(l.dramBytes.v, 'B')}, Q ${formatValue(l.dramBytes.q, 'B')}`),
          cell('denseDramBytes', l.denseDramBytes, 'bytes'),
          cell('energy', l.energyJoules, 'J'),
          cell('denseEnergy', l.denseEnergyJoules, 'J'),
        ),
      );
    }
  };
  select.addEventListener('change', fill);
  fill();
  const table = h('table', { class: 'data latency-table', 'data-table': 'layers' }, h('thead', {}, top, sub), body);
  return h('div', {}, h('label', { class: 'inline-control' }, 'Stage column: ', select), h('div', { class: 'table-scroll' }, table));
}
