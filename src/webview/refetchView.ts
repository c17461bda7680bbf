// Refetch view (progressive quantization): per layer and head, query rows computed and rows whose
// K LSBs were refetched; the distribution of the MSB-only max probability against the threshold;
// refetches per decode step for generation; the individual events (capped).
// Cells: <td class="refetch-cell" data-layer data-head data-rows data-refetched data-value=rate>.

import type { ProfileReport } from '../engine/report/profileReport';
import { baseOptions, chartBox, disposeChartBox, verticalLinePlugin, type ChartInstance } from './charts';
import { bucket, h, note, num, numWithBadge, section, th } from './dom';
import { formatNumber, formatValue } from '../engine/report/formatQuantity';
import { rovingGrid } from './gridKeys';

function heatmap(report: ProfileReport): HTMLTableElement {
  const { rows, refetched } = report.refetch;
  const H = rows.length > 0 ? rows[0].length : 0;
  const head = h('tr', {}, th('Layer'));
  for (let hd = 0; hd < H; hd++) head.append(h('th', { scope: 'col', class: 'c' }, `H${hd}`));
  head.append(th('Refetched / rows', undefined, 'measured'), th('Rate', '%', 'measured'));
  const body = h('tbody');
  let maxRate = 0;
  for (let l = 0; l < rows.length; l++) for (let hd = 0; hd < H; hd++) if (rows[l][hd] > 0) maxRate = Math.max(maxRate, refetched[l][hd] / rows[l][hd]);
  for (let l = 0; l < rows.length; l++) {
    const tr = h('tr', { 'data-layer': l }, h('th', { scope: 'row' }, `Layer ${l}`));
    let r = 0;
    let f = 0;
    for (let hd = 0; hd < H; hd++) {
      const n = rows[l][hd];
      const k = refetched[l][hd];
      r += n;
      f += k;
      const rate = n > 0 ? k / n : 0;
      tr.append(
        h(
          'td',
          {
            class: n === 0 ? 'refetch-cell empty' : `refetch-cell heat-${bucket(rate, maxRate)}`,
            role: 'gridcell',
            'data-layer': l,
            'data-head': hd,
            'data-rows': n,
            'data-refetched': k,
            'data-value': String(rate),
            title: n === 0 ? 'no rows (head pruned)' : `${k} of ${n} query rows refetched (${formatValue(rate, 'fraction')})`,
          },
          n === 0 ? '—' : `${k}/${n}`,
        ),
      );
    }
    tr.append(
      h('td', { class: 'r', 'data-field': 'layerRefetched', 'data-rows': r, 'data-refetched': f }, `${f}/${r}`),
      h('td', { class: 'r', 'data-field': 'layerRate' }, num(r > 0 ? f / r : 0, 'fraction', 'measured')),
    );
    body.append(tr);
  }
  const table = h('table', { class: 'data refetch-grid', role: 'grid', 'aria-label': 'Refetched rows per layer and head' }, h('thead', {}, head), body);
  rovingGrid(table, '.refetch-cell', 'layer', 'head');
  return table;
}

function histogramChart(report: ProfileReport, layerOf: () => number): HTMLElement {
  const { maxProbBinEdges: edges, maxProbHistogram: hist, threshold } = report.refetch;
  const labels = edges.slice(0, -1).map((e, i) => `${formatNumber(e)}–${formatNumber(edges[i + 1])}`);
  const counts = () => {
    const l = layerOf();
    if (l >= 0) return hist[l] ?? [];
    return labels.map((_, b) => hist.reduce((a, row) => a + (row[b] ?? 0), 0));
  };
  // Pixel of the threshold inside the category axis: interpolate within its bin.
  const thresholdPixel = (chart: ChartInstance) => {
    const x = chart.scales.x;
    const b = edges.findIndex((e, i) => i < edges.length - 1 && threshold >= e && threshold <= edges[i + 1]);
    if (b < 0) return undefined;
    const c = x.getPixelForValue(b);
    const w = labels.length > 1 ? x.getPixelForValue(1) - x.getPixelForValue(0) : x.width;
    return c - w / 2 + (w * (threshold - edges[b])) / (edges[b + 1] - edges[b]);
  };
  return chartBox('Histogram of the MSB-only max probability per query row, with the refetch threshold', (c) => ({
    type: 'bar',
    data: {
      labels,
      datasets: [
        {
          label: 'query rows',
          data: counts(),
          backgroundColor: edges.slice(0, -1).map((e) => (e < threshold ? c.warn : c.series[0])),
          categoryPercentage: 1,
          barPercentage: 0.92,
        },
      ],
    },
    options: { ...baseOptions(c, 'max probability (MSBs only)', 'query rows', undefined, true), plugins: { ...baseOptions(c, '', '').plugins, legend: { display: false } } },
    plugins: [verticalLinePlugin(thresholdPixel, `threshold ${formatNumber(threshold)}`, () => c.fg)],
  }));
}

function perStepChart(perStep: number[]): HTMLElement {
  return chartBox('Refetched rows per decode step', (c) => ({
    type: 'bar',
    data: { labels: perStep.map((_, i) => String(i)), datasets: [{ label: 'refetched rows', data: perStep, backgroundColor: c.series[1] }] },
    options: { ...baseOptions(c, 'decode step', 'refetched rows', undefined, true), plugins: { ...baseOptions(c, '', '').plugins, legend: { display: false } } },
  }));
}

function eventsTable(report: ProfileReport): HTMLElement {
  const ev = report.refetch.events;
  const shown = ev.slice(0, 200);
  const body = h('tbody');
  shown.forEach((e, i) =>
    body.append(
      h(
        'tr',
        { 'data-event': i },
        h('td', { class: 'r' }, String(e.step)),
        h('td', { class: 'r' }, String(e.layer)),
        h('td', { class: 'r' }, String(e.head)),
        h('td', { class: 'r' }, String(e.query)),
        h('td', { class: 'r', 'data-value': String(e.maxProbBefore) }, formatNumber(e.maxProbBefore)),
        h('td', { class: 'r', 'data-value': String(e.maxProbAfter) }, formatNumber(e.maxProbAfter)),
      ),
    ),
  );
  const table = h(
    'table',
    { class: 'data compact', 'data-table': 'refetch-events' },
    h('thead', {}, h('tr', {}, th('Step'), th('Layer'), th('Head'), th('Query row'), th('Max prob, MSBs', 'prob', 'measured'), th('Max prob, refetched', 'prob', 'measured'))),
    body,
  );
  const capNote = `${ev.length} events recorded (cap ${report.refetch.eventsCap}; the counts above are complete)${ev.length > shown.length ? `, first ${shown.length} shown` : ''}.`;
  return h('details', { class: 'card-section' }, h('summary', {}, `Refetch events (${ev.length})`), h('div', { class: 'table-scroll short' }, table), note(capNote));
}

export function renderRefetch(report: ProfileReport): HTMLElement {
  const rf = report.refetch;
  const total = rf.rows.flat().reduce((a, b) => a + b, 0);
  const ref = rf.refetched.flat().reduce((a, b) => a + b, 0);
  const stats = h(
    'div',
    { class: 'metric-grid small' },
    h('div', { class: 'metric-card', 'data-metric': 'refetchThreshold' }, h('div', { class: 'metric-label' }, 'Max-probability threshold'), h('div', { class: 'metric-value' }, numWithBadge(rf.threshold, 'prob', 'configured'))),
    h('div', { class: 'metric-card', 'data-metric': 'rowsComputed' }, h('div', { class: 'metric-label' }, 'Query rows computed'), h('div', { class: 'metric-value' }, numWithBadge(total, 'rows', 'measured'))),
    h('div', { class: 'metric-card', 'data-metric': 'rowsRefetched' }, h('div', { class: 'metric-label' }, 'Rows refetched'), h('div', { class: 'metric-value' }, numWithBadge(ref, 'rows', 'measured'))),
    h('div', { class: 'metric-card', 'data-metric': 'refetchFraction' }, h('div', { class: 'metric-label' }, 'Refetch rate'), h('div', { class: 'metric-value' }, numWithBadge(total > 0 ? ref / total : 0, 'fraction', 'measured'))),
  );

  const select = h('select', { class: 'layer-select', 'aria-label': 'Layer of the histogram' });
  select.append(h('option', { value: '-1' }, 'All layers'));
  rf.maxProbHistogram.forEach((_, l) => select.append(h('option', { value: String(l) }, `Layer ${l}`)));
  const chartHost = h('div', {});
  const mount = () => {
    disposeChartBox(chartHost);
    chartHost.replaceChildren(histogramChart(report, () => Number(select.value)));
  };
  select.addEventListener('change', mount);
  mount();

  const root = h(
    'div',
    { class: 'view-refetch' },
    stats,
    section('Refetched rows per layer and head', h('div', { class: 'table-scroll' }, heatmap(report)), note('A row is refetched when its largest MSB-only probability is below the threshold: the K LSBs are fetched and the scores recomputed.')),
    section('Max-probability distribution', h('label', { class: 'inline-control' }, 'Layer ', select), chartHost, note('Bars left of the dashed threshold (highlighted) are the rows that trigger an LSB refetch.')),
  );
  if (report.mode === 'generation') root.append(passSplit(report));
  root.append(eventsTable(report));
  return root;
}

/**
 * Generation: refetches split by pass. The per-step counts cover the decode steps only; the rest of
 * the heatmap's total happened in the prompt pass, said in numbers so the chart is not misread.
 */
function passSplit(report: ProfileReport): HTMLElement {
  const rf = report.refetch;
  const total = rf.refetched.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0);
  const decode = rf.perStep.reduce((a, b) => a + b, 0);
  const prompt = Math.max(0, total - decode);
  const split = h(
    'p',
    { class: 'pass-split', 'data-prompt-refetches': prompt, 'data-decode-refetches': decode },
    'Of ',
    num(total, 'rows', 'measured', 'refetched query rows, all passes'),
    ' refetched: ',
    num(prompt, 'rows', 'measured', 'in the prompt pass'),
    ' in the prompt pass, ',
    num(decode, 'rows', 'measured', 'in the decode steps'),
    ` in the ${rf.perStep.length} decode steps (chart).`,
  );
  return section('Refetches by pass', split, rf.perStep.length > 0 ? perStepChart(rf.perStep) : note('No decode step refetched.'));
}
