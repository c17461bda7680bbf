// Chart.js set-up for the webview: only the pieces we use are registered (tree-shaken bundle),
// colours come from the theme's CSS variables, animations are off under prefers-reduced-motion,
// and charts are created only when their box first becomes visible (a chart built inside a hidden
// tab panel would measure 0 x 0). Chart.js 4 draws on canvas and sets sizes through the CSSOM,
// so it needs neither 'unsafe-eval' nor 'unsafe-inline' styles.

// chart.js is an ES module package while this project compiles as CommonJS (tsconfig Node16), so
// its types are imported with resolution-mode "import" and the code through require(), which
// esbuild bundles (chart.js ships a CommonJS build for the "require" condition).
import type * as ChartJs from 'chart.js' with { 'resolution-mode': 'import' };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const chartJs = require('chart.js') as typeof ChartJs;
const { BarController, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } = chartJs;
export type ChartConfiguration = ChartJs.ChartConfiguration;
type Plugin = ChartJs.Plugin;
export type ChartInstance = ChartJs.Chart;
import { h } from './dom';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Legend, Tooltip, Filler);

/** Distinct series colours defined by the theme (--sp-series-0 .. --sp-series-11). */
export const SERIES = 12;

export interface ThemeColors {
  fg: string;
  muted: string;
  grid: string;
  accent: string;
  warn: string;
  series: string[];
  font: string;
}

export function themeColors(): ThemeColors {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const series: string[] = [];
  for (let i = 0; i < SERIES; i++) series.push(v(`--sp-series-${i}`, '#888'));
  return {
    fg: v('--sp-fg', '#333'),
    muted: v('--sp-muted', '#777'),
    grid: v('--sp-grid', 'rgba(128,128,128,0.2)'),
    accent: v('--sp-accent', '#0078d4'),
    warn: v('--sp-warn', '#c50f1f'),
    series,
    font: v('--sp-font', 'sans-serif'),
  };
}

export const reducedMotion = (): boolean => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;

/** Base options: theme fonts and colours, no animation when motion is reduced. */
/** `yTick` formats y tick labels; `countY` keeps y ticks on whole numbers (counts of rows, tokens). */
export function baseOptions(c: ThemeColors, xTitle: string, yTitle: string, yTick?: (v: number) => string, countY = false): NonNullable<ChartConfiguration['options']> {
  const axis = (title: string, tick?: (v: number) => string, integer = false) => ({
    ticks: {
      color: c.muted,
      font: { family: c.font, size: 11 },
      ...(integer ? { precision: 0 } : {}),
      ...(tick ? { callback: (v: number | string) => (typeof v === 'number' ? tick(v) : v) } : {}),
    },
    grid: { color: c.grid },
    border: { color: c.grid },
    title: { display: title !== '', text: title, color: c.fg, font: { family: c.font, size: 12 } },
  });
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: reducedMotion() ? false : { duration: 250 },
    plugins: {
      legend: { labels: { color: c.fg, font: { family: c.font, size: 12 }, boxWidth: 12, boxHeight: 12 } },
      tooltip: { titleFont: { family: c.font }, bodyFont: { family: c.font } },
    },
    scales: { x: axis(xTitle), y: axis(yTitle, yTick, countY) },
  };
}

/** Draws a dashed vertical line at a value of the x axis (e.g. the refetch threshold). */
export function verticalLinePlugin(xValueToPixel: (chart: ChartInstance) => number | undefined, label: string, color: () => string): Plugin {
  return {
    id: 'spVerticalLine',
    afterDatasetsDraw(chart) {
      const x = xValueToPixel(chart);
      if (x === undefined || !Number.isFinite(x)) return;
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.strokeStyle = color();
      ctx.fillStyle = color();
      ctx.setLineDash([5, 4]);
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = '11px sans-serif';
      ctx.textAlign = x > (chartArea.left + chartArea.right) / 2 ? 'right' : 'left';
      ctx.fillText(label, x + (ctx.textAlign === 'left' ? 4 : -4), chartArea.top + 12);
      ctx.restore();
    },
  };
}

/** `color` with alpha `a` (0..1); accepts #rgb, #rrggbb, #rrggbbaa and rgb()/rgba(). */
export function withAlpha(color: string, a: number): string {
  const c = color.trim();
  let m = /^#([0-9a-f]{3})$/i.exec(c);
  if (m) return `rgba(${m[1].split('').map((x) => parseInt(x + x, 16)).join(',')},${a})`;
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(c);
  if (m) return `rgba(${[0, 2, 4].map((i) => parseInt(m![1].slice(i, i + 2), 16)).join(',')},${a})`;
  m = /^rgba?\(([^,]+),([^,]+),([^,)]+)/i.exec(c);
  if (m) return `rgba(${m[1].trim()},${m[2].trim()},${m[3].trim()},${a})`;
  return c;
}

type Factory = (c: ThemeColors) => ChartConfiguration;

interface LiveChart {
  canvas: HTMLCanvasElement;
  factory: Factory;
  chart?: ChartInstance;
}

const live = new Set<LiveChart>();
let observer: IntersectionObserver | undefined;

function build(l: LiveChart): void {
  l.chart?.destroy();
  l.chart = new Chart(l.canvas, l.factory(themeColors()));
}

/**
 * A chart box whose chart is built on first visibility and rebuilt on theme changes.
 * `label` is the accessible description of the chart (canvas content is not readable).
 */
export function chartBox(label: string, factory: Factory, cls = 'chart-box'): HTMLElement {
  const canvas = h('canvas', { role: 'img', 'aria-label': label });
  const box = h('div', { class: cls }, canvas);
  const l: LiveChart = { canvas, factory };
  live.add(l);
  observer ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      for (const x of live) if (x.canvas.parentElement === e.target && !x.chart) build(x);
      observer?.unobserve(e.target);
    }
    // Large margin: the point is to wait for the panel to be displayed, not to be scrolled to
    // (a full-page screenshot or print must show every chart).
  }, { rootMargin: '8000px 0px' });
  observer.observe(box);
  return box;
}

/** Destroys the chart inside `box` (when a view replaces one of its charts). */
export function disposeChartBox(box: Element | null): void {
  if (!box) return;
  for (const l of live) {
    if (box.contains(l.canvas)) {
      l.chart?.destroy();
      live.delete(l);
    }
  }
}

/** Drops every chart (before a new report is rendered). */
export function destroyCharts(): void {
  for (const l of live) l.chart?.destroy();
  live.clear();
  observer?.disconnect();
  observer = undefined;
}

/** Rebuild the built charts with the current theme colours. */
export function rethemeCharts(): void {
  for (const l of live) if (l.chart) build(l);
}

/** Calls `cb` when VS Code switches theme (body class) or the OS colour scheme changes. */
export function onThemeChange(cb: () => void): void {
  new MutationObserver(cb).observe(document.body, { attributes: true, attributeFilter: ['class'] });
  if (typeof matchMedia === 'function') matchMedia('(prefers-color-scheme: dark)').addEventListener('change', cb);
}
