// Latency view: per-layer cycles stacked by pipeline stage for SpAtten next to the dense baseline,
// the bound of each layer, DRAM bytes by tensor, energy. Everything here is modelled.
// Rows: <tr data-layer data-cycles data-dense-cycles data-bound> with cells
// cells as described in latencyTable.ts.

import type { LayerHardware, ProfileReport } from '../engine/report/profileReport';
import { baseOptions, chartBox, withAlpha } from './charts';
import { h, note, numWithBadge, section } from './dom';
import { compactNumber, formatValue } from '../engine/report/formatQuantity';
import { dramTotal, latencyTable } from './latencyTable';
import { groupCycles, stageGroups, type StageGroup } from './stageGroups';

function cyclesChart(layers: LayerHardware[], groups: StageGroup[]): HTMLElement {
  return chartBox('Cycles per layer by stage group, SpAtten (left bar) and dense baseline (right bar)', (c) => {
    const base = baseOptions(c, 'layer', 'cycles', compactNumber);
    const datasets = groups.flatMap((g) => [
      { label: g.label, data: layers.map((l) => groupCycles(l.stages, g)), backgroundColor: c.series[g.color % c.series.length], stack: 'SpAtten' },
      { label: `${g.label} (dense)`, data: layers.map((l) => groupCycles(l.denseStages, g)), backgroundColor: withAlpha(c.series[g.color % c.series.length], 0.35), borderColor: c.series[g.color % c.series.length], borderWidth: 1, stack: 'dense' },
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

export function renderLatency(report: ProfileReport): HTMLElement {
  const layers = report.layers;
  const groups = stageGroups(layers);
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
    section('Cycles per layer by stage', cyclesChart(layers, groups), note('Left bar of each pair: SpAtten; right (translucent) bar: the dense baseline on the same hardware. Overlapped stages count where they are the bottleneck.')),
    section('DRAM traffic per layer', dramChart(layers)),
    section('Per-layer figures', latencyTable(layers, groups, report.verdict), note('Bound: the busiest hardware unit, or fixed latency when no unit is busy for half the layer (from the verdict). Hover a DRAM cell for its K MSB / K LSB / V / Q split.')),
  );
}
