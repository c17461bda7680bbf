// The `tune` page (bundled to out/tuneChart.js): the Pareto chart of every trial (modelled cost vs
// measured loss on the calibration inputs; the front joined by a line, the budget as a dashed line,
// the paper preset and the chosen policy marked), the side-by-side with the preset and each tuned
// point's paired held-out comparison with it, and the trial list. Used by the HTML of
// `spatten-profile tune --html` and by the extension's tune view. Clicking a point selects its
// trial: its policy JSON is shown, and inside VS Code the extension is asked to profile it
// ({type: 'openTrial', trial}) or, with "Use this policy", to save it ({type: 'usePolicy', trial}).
// The data comes from a <script type="application/json" id="tune-data"> element (the TuneResult).
import type * as ChartJs from 'chart.js' with { 'resolution-mode': 'import' };
import type { TuneResult, TuneTrialRow, TunedPoint } from '../engine/tune/runTune';
import type { PairedComparison } from '../engine/tune/pairedComparison';
import { formatLoss, formatPairedComparison, PAIRED_NOTE } from '../engine/tune/lossFormat';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const chartJs = require('chart.js') as typeof ChartJs;
const { Chart, LinearScale, LineController, LineElement, PointElement, ScatterController, Legend, Tooltip } = chartJs;
Chart.register(LinearScale, LineController, LineElement, PointElement, ScatterController, Legend, Tooltip);

interface VsCodeApi {
  postMessage(m: unknown): void;
}
declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;
const vscode: VsCodeApi | undefined = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : undefined;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

const lossText = (r: TuneResult, x: number) => formatLoss(r.metric, x);

function render(r: TuneResult): void {
  const root = document.getElementById('tune-root') as HTMLElement;
  const css = getComputedStyle(document.body);
  const color = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const fg = color('--vscode-foreground', '#333');
  const accent = color('--vscode-charts-blue', '#1f77b4');
  const good = color('--vscode-charts-green', '#2ca02c');
  const warn = color('--vscode-charts-orange', '#ff7f0e');
  const muted = color('--vscode-descriptionForeground', '#999');
  const measured = r.trials.filter((t) => t.full);
  const screened = r.trials.filter((t) => !t.full);
  const front = measured.filter((t) => t.onFront).sort((a, b) => a.relativeCost - b.relativeCost);
  const xy = (t: TuneTrialRow) => ({ x: t.relativeCost * 100, y: t.loss.loss, trial: t.id });
  const selected = el('pre', { id: 'tune-selected', class: 'policy' }, 'Click a point to see its policy.');
  const canvas = el('canvas', { id: 'tune-chart', role: 'img', 'aria-label': `Pareto chart: ${r.objective} as a percentage of dense against ${r.metric} loss for ${r.trials.length} trials` });
  const chosenId = r.chosen?.trial;
  const baselineId = r.baseline.trial;
  const datasets: ChartJs.ChartDataset<'scatter'>[] = [
    { label: 'Pareto front', data: front.map(xy), showLine: true, borderColor: accent, backgroundColor: accent, pointRadius: 5 },
    { label: 'measured on all calibration inputs', data: measured.filter((t) => !t.onFront).map(xy), backgroundColor: fg, pointRadius: 3 },
    { label: r.split.rungs.length > 1 ? `stopped early (successive halving, ${r.split.rungs.slice(0, -1).join(' / ')} inputs)` : 'stopped early', data: screened.map(xy), backgroundColor: muted, pointRadius: 2 },
    { label: `${r.baseline.label} (paper preset)`, data: r.trials.filter((t) => t.id === baselineId).map(xy), backgroundColor: warn, pointRadius: 8, pointStyle: 'triangle' },
  ];
  if (chosenId !== undefined) datasets.push({ label: 'chosen (tuned)', data: r.trials.filter((t) => t.id === chosenId).map(xy), backgroundColor: good, pointRadius: 9, pointStyle: 'star', borderColor: good });
  const budgetLine = { label: `budget ${lossText(r, r.budget.absolute)}`, data: [{ x: 0, y: r.budget.absolute }, { x: 100, y: r.budget.absolute }], showLine: true, borderDash: [6, 4], borderColor: warn, pointRadius: 0 };
  const select = (id: number) => {
    const t = r.trials.find((x) => x.id === id);
    if (!t) return;
    selected.textContent = `trial #${t.id} (${t.full ? 'all calibration inputs' : `stopped at rung ${t.rung}: ${r.split.rungs[t.rung]} inputs`}): ${r.objective} ${(t.relativeCost * 100).toFixed(1)} % of dense, ${r.metric} loss ${lossText(r, t.loss.loss)}\n${t.description}\n\n${JSON.stringify(t.policy, null, 2)}`;
    vscode?.postMessage({ type: 'openTrial', trial: t.id });
  };
  root.append(
    el('h1', {}, `Tune: ${r.model.name}`),
    el('p', {}, `${r.trials.length} trials, metric ${r.metric}, budget ${lossText(r, r.budget.absolute)}, objective ${r.objective} (modelled on ${r.hardware}), seed ${r.seed}. Each point is one policy run through the engine on the calibration inputs (loss: measured; cost: modelled).`),
    el('div', { class: 'chart-box' }, canvas),
    sideBySide(r),
    ...pairedLines(r),
    selected,
  );
  if (vscode && r.chosen) {
    const use = el('button', { id: 'tune-use', type: 'button' }, 'Use this policy');
    use.addEventListener('click', () => vscode.postMessage({ type: 'usePolicy', trial: r.chosen?.trial }));
    root.insertBefore(use, selected);
  }
  const chart = new Chart(canvas, {
    type: 'scatter',
    data: { datasets: [...datasets, budgetLine] as ChartJs.ChartDataset<'scatter'>[] },
    options: {
      animation: false,
      scales: {
        x: { title: { display: true, text: `${r.objective} as % of dense (modelled)`, color: fg }, ticks: { color: fg } },
        // Ticks in the loss's own unit (% for accuracy, ppl for perplexity), as the header and budget say it.
        y: { title: { display: true, text: `${r.metric} loss (measured, calibration)`, color: fg }, ticks: { color: fg, callback: (v) => lossText(r, Number(v)) } },
      },
      plugins: { legend: { labels: { color: fg } }, tooltip: { callbacks: { label: (c) => `#${(c.raw as { trial?: number }).trial ?? ''}: ${(c.parsed.x ?? 0).toFixed(1)} %, ${lossText(r, c.parsed.y ?? 0)}` } } },
      onClick: (_e, elements) => {
        const hit = elements[0];
        if (!hit) return;
        const raw = chart.data.datasets[hit.datasetIndex].data[hit.index] as { trial?: number };
        if (raw.trial !== undefined) select(raw.trial);
      },
    },
  });
  (window as unknown as { tuneChart: unknown; selectTrial: (id: number) => void }).tuneChart = chart;
  (window as unknown as { selectTrial: (id: number) => void }).selectTrial = select;
}

function sideBySide(r: TuneResult): HTMLElement {
  const head = ['policy', 'split', 'inputs', `${r.metric} loss [95% CI]`, 'DRAM reduction', 'speedup', 'energy saving'];
  const rows: HTMLElement[] = [];
  for (const p of [r.baseline, ...(r.chosen ? [r.chosen] : []), ...(r.matched ? [r.matched] : [])]) {
    for (const split of ['calibration', 'heldOut'] as const) {
      const f = p[split];
      rows.push(
        el(
          'tr',
          {},
          ...[p.label, split === 'heldOut' ? 'held-out' : 'calibration', String(f.loss.inputs), `${lossText(r, f.loss.loss)} [${lossText(r, f.loss.interval.low)}, ${lossText(r, f.loss.interval.high)}]`, `${f.dramReduction.toFixed(2)}×`, `${f.speedup.toFixed(2)}×`, `${f.energySaving.toFixed(2)}×`].map((c) => el('td', {}, c)),
        ),
      );
    }
  }
  return el(
    'table',
    { id: 'tune-side-by-side' },
    el('caption', {}, 'Paper preset vs tuned policy (loss: measured, paired bootstrap CI; reductions: modelled, dense fp32 / SpAtten)'),
    el('thead', {}, el('tr', {}, ...head.map((c) => el('th', {}, c)))),
    el('tbody', {}, ...rows),
  );
}

/** Each tuned point against the preset on the same held-out inputs, and what that reading means. */
function pairedLines(r: TuneResult): HTMLElement[] {
  const points = [r.chosen, r.matched].filter((p): p is TunedPoint & { heldOutVsBaseline: PairedComparison } => p?.heldOutVsBaseline !== undefined);
  if (points.length === 0) return [];
  return [
    el('h2', {}, `Held-out, paired against ${r.baseline.label} (measured)`),
    el('ul', { id: 'tune-paired' }, ...points.map((p) => el('li', {}, `${p.label}${p.trial ? ` (#${p.trial})` : ''}: ${formatPairedComparison(p.heldOutVsBaseline)}`))),
    el('p', { class: 'note' }, PAIRED_NOTE),
  ];
}

const data = document.getElementById('tune-data');
if (data?.textContent) render(JSON.parse(data.textContent) as TuneResult);
