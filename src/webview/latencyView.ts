// Latency view: per-layer cycles stacked by pipeline stage for SpAtten next to the dense baseline,
// the bound of each layer, DRAM bytes by tensor, energy. Everything here is modelled.
// Rows: <tr data-layer data-cycles data-dense-cycles data-bound> with cells
// <td data-field="cycles|denseCycles|speedup|kMsb|kLsb|v|q|dramBytes|denseDramBytes|energy|denseEnergy|stage:<name>" data-value>.

import type { LayerHardware, ProfileReport } from '../engine/report/profileReport';
import { baseOptions, chartBox, withAlpha } from './charts';
import { h, note, num, numWithBadge, section, th } from './dom';
import { compactNumber, formatValue } from '../engine/report/formatQuantity';

export function stageNames(layers: LayerHardware[]): string[] {
  const names: string[] = [];
  for (const l of layers) for (const k of [...Object.keys(l.stages), ...Object.keys(l.denseStages)]) if (!names.includes(k)) names.push(k);
  return names;
}

export const dramTotal = (l: LayerHardware): number => l.dramBytes.kMsb + l.dramBytes.kLsb + l.dramBytes.v + l.dramBytes.q;

function cyclesChart(layers: LayerHardware[], stages: string[]): HTMLElement {
  return chartBox('Cycles per layer by stage, SpAtten (left bar) and dense baseline (right bar)', (c) => {
    const base = baseOptions(c, 'layer', 'cycles', compactNumber);
    const datasets = stages.flatMap((s, i) => [
      { label: s, data: layers.map((l) => l.stages[s] ?? 0), backgroundColor: c.series[i % c.series.length], stack: 'SpAtten' },
      { label: `${s} (dense)`, data: layers.map((l) => l.denseStages[s] ?? 0), backgroundColor: withAlpha(c.series[i % c.series.length], 0.35), borderColor: c.series[i % c.series.length], borderWidth: 1, stack: 'dense' },
    ]);
    return {
      type: 'bar',
      data: { labels: layers.map((l) => `L${l.layer}`), datasets },
      options: {
        ...base,
        scales: { x: { ...base.scales?.x, stacked: true }, y: { ...base.scales?.y, stacked: true } },
        plugins: {
          ...base.plugins,
          legend: { ...base.plugins?.legend, labels: { ...base.plugins?.legend?.labels, filter: (item) => !item.text.endsWith('(dense)') } },
        },
      },
    };
  });
}

function dramChart(layers: LayerHardware[]): HTMLElement {
  const parts: [keyof LayerHardware['dramBytes'], string][] = [
    ['kMsb', 'K MSBs'],
    ['kLsb', 'K LSBs (refetch)'],
    ['v', 'V'],
    ['q', 'Q'],
  ];
  return chartBox('DRAM bytes per layer by tensor, SpAtten and dense', (c) => {
    const base = baseOptions(c, 'layer', 'DRAM traffic', (v) => formatValue(v, 'bytes'));
    return {
      type: 'bar',
      data: {
        labels: layers.map((l) => `L${l.layer}`),
        datasets: [
          ...parts.map(([k, label], i) => ({ label, data: layers.map((l) => l.dramBytes[k]), backgroundColor: c.series[(i + 4) % c.series.length], stack: 'SpAtten' })),
          { label: 'dense (all tensors)', data: layers.map((l) => l.denseDramBytes), backgroundColor: withAlpha(c.muted, 0.4), borderColor: c.muted, borderWidth: 1, stack: 'dense' },
        ],
      },
      options: { ...base, scales: { x: { ...base.scales?.x, stacked: true }, y: { ...base.scales?.y, stacked: true } } },
    };
  });
}

function layerTable(layers: LayerHardware[], stages: string[]): HTMLTableElement {
  const head = h(
    'tr',
    {},
    th('Layer'),
    th('Cycles', 'cycles', 'modelled'),
    th('Dense', 'cycles', 'modelled'),
    th('Speedup', '×', 'modelled'),
    th('Bound'),
    ...stages.map((s) => th(s, 'cycles')),
    th('K MSB', 'B'),
    th('K LSB', 'B'),
    th('V', 'B'),
    th('Q', 'B'),
    th('DRAM', 'B', 'modelled'),
    th('Dense DRAM', 'B', 'modelled'),
    th('Energy', 'J', 'modelled'),
    th('Dense energy', 'J', 'modelled'),
  );
  const body = h('tbody');
  const cell = (field: string, value: number, unit: string) => h('td', { class: 'r', 'data-field': field }, num(value, unit, 'modelled', undefined, true));
  for (const l of layers) {
    body.append(
      h(
        'tr',
        { 'data-layer': l.layer, 'data-cycles': l.cycles, 'data-dense-cycles': l.denseCycles, 'data-bound': l.bound },
        h('th', { scope: 'row' }, `Layer ${l.layer}`),
        cell('cycles', l.cycles, 'cycles'),
        cell('denseCycles', l.denseCycles, 'cycles'),
        cell('speedup', l.cycles > 0 ? l.denseCycles / l.cycles : Number.NaN, 'x'),
        h('td', { 'data-field': 'bound' }, h('span', { class: `bound bound-${l.bound}` }, l.bound)),
        ...stages.map((s) => cell(`stage:${s}`, l.stages[s] ?? 0, 'cycles')),
        cell('kMsb', l.dramBytes.kMsb, 'bytes'),
        cell('kLsb', l.dramBytes.kLsb, 'bytes'),
        cell('v', l.dramBytes.v, 'bytes'),
        cell('q', l.dramBytes.q, 'bytes'),
        cell('dramBytes', dramTotal(l), 'bytes'),
        cell('denseDramBytes', l.denseDramBytes, 'bytes'),
        cell('energy', l.energyJoules, 'J'),
        cell('denseEnergy', l.denseEnergyJoules, 'J'),
      ),
    );
  }
  return h('table', { class: 'data latency-table', 'data-table': 'layers' }, h('thead', {}, head), body);
}

export function renderLatency(report: ProfileReport): HTMLElement {
  const layers = report.layers;
  const stages = stageNames(layers);
  const cycles = layers.reduce((a, l) => a + l.cycles, 0);
  const dense = layers.reduce((a, l) => a + l.denseCycles, 0);
  const dram = layers.reduce((a, l) => a + dramTotal(l), 0);
  const denseDram = layers.reduce((a, l) => a + l.denseDramBytes, 0);
  const memBound = layers.filter((l) => l.bound === 'memory').length;
  const card = (key: string, label: string, content: HTMLElement) => h('div', { class: 'metric-card', 'data-metric': key }, h('div', { class: 'metric-label' }, label), h('div', { class: 'metric-value' }, content));
  const stats = h(
    'div',
    { class: 'metric-grid small' },
    card('totalCycles', 'SpAtten cycles (all layers)', numWithBadge(cycles, 'cycles', 'modelled')),
    card('totalDenseCycles', 'Dense cycles (all layers)', numWithBadge(dense, 'cycles', 'modelled')),
    card('totalDramBytes', 'SpAtten DRAM traffic', numWithBadge(dram, 'bytes', 'modelled')),
    card('totalDenseDramBytes', 'Dense DRAM traffic', numWithBadge(denseDram, 'bytes', 'modelled')),
    card('memoryBoundLayers', 'Memory-bound layers', numWithBadge(memBound, 'layers', 'modelled')),
  );
  return h(
    'div',
    { class: 'view-latency' },
    stats,
    section('Cycles per layer by stage', cyclesChart(layers, stages), note('Left bar of each pair: SpAtten; right (translucent) bar: the dense baseline on the same hardware. Overlapped stages count where they are the bottleneck.')),
    section('DRAM traffic per layer', dramChart(layers)),
    section('Per-layer figures', h('div', { class: 'table-scroll' }, layerTable(layers, stages))),
  );
}
