// Sweep view: the keep-fraction sweep (engine/sweep.ts; "SpAtten: Sweep Keep Fraction" or the
// CLI's `sweep`). Two charts against the swept keep fraction: speedup and DRAM reduction on their
// own y axes (they differ by an order of magnitude, so a shared axis flattens speedup), and the
// accuracy metric with its 95% interval as a shaded band between dashed bounds when the engine
// reports one (several inputs); the caption says which. Then the table.
// Hooks: rows data-keep, cells data-field=<SweepRow key>; charts data-chart=cost|accuracy;
// the caption data-interval=yes|no.
import type { ProfileReport, SweepRow } from '../engine/report/profileReport';
import { formatNumber, humanize, unitLabel } from '../engine/report/formatQuantity';
import { baseOptions, chartBox, withAlpha, type ChartConfiguration } from './charts';
import { h, note, num, section, th } from './dom';

function table(rows: SweepRow[], metricName: string, metricUnit: string): HTMLElement {
  const body = h('tbody');
  for (const r of rows) {
    body.append(
      h(
        'tr',
        { 'data-keep': String(r.keep), 'data-policy': r.policy },
        h('td', { class: 'r' }, num(r.keep, 'fraction', 'configured', undefined, true)),
        h('td', { class: 'r', 'data-field': 'keysFetchedFraction' }, num(r.keysFetchedFraction, 'fraction', 'measured', undefined, true)),
        h('td', { class: 'r', 'data-field': 'valuesFetchedFraction' }, num(r.valuesFetchedFraction, 'fraction', 'measured', undefined, true)),
        h('td', { class: 'r', 'data-field': 'speedup' }, num(r.speedup, 'x', 'modelled', undefined, true)),
        h('td', { class: 'r', 'data-field': 'dramReduction' }, num(r.dramReduction, 'x', 'modelled', undefined, true)),
        h('td', { class: 'r', 'data-field': 'metric' }, num(r.metric, metricUnit, 'measured', undefined, true)),
        h('td', { class: 'r', 'data-field': 'interval' }, r.metricLow !== undefined && r.metricHigh !== undefined
          ? h('span', {}, '[', num(r.metricLow, metricUnit, 'measured', undefined, true), ', ', num(r.metricHigh, metricUnit, 'measured', undefined, true), ']')
          : '—'),
      ),
    );
  }
  const unit = unitLabel(metricUnit);
  return h(
    'table',
    { class: 'data', 'data-table': 'sweep' },
    h('thead', {}, h('tr', {}, th('Keep', '%', 'configured'), th('K/L', '%', 'measured'), th('V/L', '%', 'measured'), th('Speedup', '×', 'modelled'), th('DRAM reduction', '×', 'modelled'), th(humanize(metricName), unit || undefined, 'measured'), th('95% interval', unit || undefined))),
    body,
  );
}

/** Speedup (left axis) and DRAM reduction (right axis) against the keep fraction. */
function costChart(rows: SweepRow[]): HTMLElement {
  const box: HTMLElement = chartBox('Speedup and DRAM reduction against the token keep fraction, each on its own axis (modelled)', (c) => {
    const base = baseOptions(c, 'token keep fraction (configured)', 'speedup vs dense (×, modelled)', (v) => `${formatNumber(v)}×`);
    const right = baseOptions(c, '', 'DRAM reduction vs dense (×, modelled)', (v) => `${formatNumber(v)}×`).scales!.y!;
    const config: ChartConfiguration = {
      type: 'line',
      data: {
        labels: rows.map((r) => formatNumber(r.keep)),
        datasets: [
          { label: 'speedup (×, left axis)', data: rows.map((r) => r.speedup), borderColor: c.series[2], backgroundColor: c.series[2], yAxisID: 'y', tension: 0, pointRadius: 4 },
          { label: 'DRAM reduction (×, right axis)', data: rows.map((r) => r.dramReduction), borderColor: c.series[4], backgroundColor: c.series[4], borderDash: [6, 3], pointStyle: 'rectRot', pointRadius: 5, yAxisID: 'y1', tension: 0 },
        ],
      },
      options: {
        ...base,
        scales: {
          x: base.scales?.x ?? {},
          y: { ...base.scales?.y, position: 'left', title: { ...(base.scales?.y as { title?: object }).title, color: c.series[2] } },
          y1: { ...right, position: 'right', grid: { drawOnChartArea: false }, title: { ...(right as { title?: object }).title, color: c.series[4] } },
        },
      },
    };
    // What the chart was given, for the tests: each dataset's axis and each axis's side.
    const scales = config.options?.scales as Record<string, { position?: string }>;
    box.dataset.axes = JSON.stringify({
      datasets: config.data.datasets.map((d) => [d.label, (d as { yAxisID?: string }).yAxisID]),
      sides: { y: scales.y?.position, y1: scales.y1?.position },
    });
    return config;
  });
  box.dataset.chart = 'cost';
  return box;
}

/** The metric against the keep fraction, with its interval as a band between dashed bounds. */
function accuracyChart(rows: SweepRow[], metricName: string, metricUnit: string, withInterval: boolean): HTMLElement {
  const unitText = metricUnit && metricUnit !== 'fraction' ? ` (${metricUnit}, measured)` : metricUnit === 'fraction' ? ' (fraction, measured)' : ' (measured)';
  const box = chartBox(`${metricName} against the token keep fraction${withInterval ? ', with its 95% interval' : ''}`, (c) => {
    const base = baseOptions(c, 'token keep fraction (configured)', `${metricName}${unitText}`);
    const line = c.series[0];
    const bounds = withInterval
      ? [
          { label: '95% interval (low)', data: rows.map((r) => r.metricLow ?? r.metric), borderColor: line, borderDash: [4, 3], borderWidth: 1, pointRadius: 0, fill: false, tension: 0 },
          { label: '95% interval', data: rows.map((r) => r.metricHigh ?? r.metric), borderColor: line, borderDash: [4, 3], borderWidth: 1, pointRadius: 0, backgroundColor: withAlpha(line, 0.18), fill: '-1', tension: 0 },
        ]
      : [];
    return {
      type: 'line',
      data: {
        labels: rows.map((r) => formatNumber(r.keep)),
        datasets: [...bounds, { label: metricName, data: rows.map((r) => r.metric), borderColor: line, backgroundColor: line, pointRadius: 4, tension: 0 }],
      },
      options: {
        ...base,
        plugins: { ...base.plugins, legend: { ...base.plugins?.legend, labels: { ...base.plugins?.legend?.labels, filter: (i) => !/\(low\)$/.test(i.text) } } },
      },
    };
  });
  box.dataset.chart = 'accuracy';
  return box;
}

export function renderSweep(report: ProfileReport): HTMLElement {
  const rows = [...(report.sweep ?? [])].sort((a, b) => b.keep - a.keep);
  const metricName = rows[0]?.metricName ?? 'metric';
  const metricUnit = rows[0]?.metricUnit ?? '';
  const withInterval = rows.some((r) => r.metricLow !== undefined && r.metricHigh !== undefined);
  const inputs = rows[0]?.metricInputs;
  const caption = withInterval
    ? `Shaded band between dashed lines: the 95% Student-t interval of the mean ${metricName}${inputs ? ` over ${formatNumber(inputs)} inputs` : ' over the inputs'} (measured, per input on the dense and the pruned run).`
    : `No interval: the ${metricName} comes from ${inputs === 1 ? 'one input' : 'a single figure'}; profile several inputs (a .jsonl file) for a 95% interval.`;
  const captionEl = note(caption);
  captionEl.dataset.interval = withInterval ? 'yes' : 'no';
  return h(
    'div',
    { class: 'view-sweep' },
    section('Cost against the keep fraction', costChart(rows), note('Each point is a full profile at a uniform per-layer token keep fraction (keep 1 = token pruning off); head pruning, V pruning and quantization stay as the base policy sets them. Speedup and DRAM reduction are against the dense run on the same hardware model (modelled).')),
    section(`${humanize(metricName)} against the keep fraction`, accuracyChart(rows, metricName, metricUnit, withInterval), captionEl),
    section('Sweep points', h('div', { class: 'table-scroll' }, table(rows, metricName, metricUnit)), note(`Policy of each point: ${rows[0]?.policy.replace(/ @ keep [\d.]+$/, '') ?? 'the base policy'} with the token schedule replaced by the keep fraction ("… @ keep k").`)),
  );
}
