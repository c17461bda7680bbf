// Paints the timeline canvas for one visible window [v0, v1] (cycles): pass/layer bands with
// labels, the cycle and time axis, one lane per unit, and the idle lane (no unit busy). Only events
// inside the window are drawn, so a long generation run stays fluid.
import type { TimelineReport } from '../engine/report/profileReport';
import { formatNumber, formatValue } from '../engine/report/formatQuantity';
import { themeColors } from './charts';
import type { TimelineExtent } from './timelineExtent';

export const LANE = 30;
export const AXIS = 26;
export const LABEL = 86;
export const BAND = 18;

/** Canvas height for `units` lanes plus the idle lane. */
export function timelineHeight(units: number): number {
  return AXIS + BAND + (units + 1) * LANE + 8;
}

/** "Nice" tick step (1, 2, 5 x 10^k) covering `span` in about `count` ticks. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

export interface TimelineScene {
  t: TimelineReport;
  extent: TimelineExtent;
  idle: [number, number][];
}

export function drawTimeline(canvas: HTMLCanvasElement, width: number, scene: TimelineScene, v0: number, v1: number): void {
  const { t, extent, idle } = scene;
  const height = timelineHeight(t.units.length);
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.dataset.viewStart = String(v0);
  canvas.dataset.viewEnd = String(v1);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const c = themeColors();
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  ctx.font = `11px ${c.font}`;
  const plotW = width - LABEL - 8;
  const x = (cyc: number) => LABEL + ((cyc - v0) / (v1 - v0)) * plotW;

  // Layer bands (alternate shading) with labels.
  for (const [key, [s, e, layer]] of extent.layerSpan) {
    if (e < v0 || s > v1) continue;
    const xs = Math.max(LABEL, x(s));
    const xe = Math.min(LABEL + plotW, x(e));
    if (layer % 2 === 0) {
      ctx.fillStyle = c.grid;
      ctx.fillRect(xs, AXIS, xe - xs, height - AXIS);
    }
    // The longest label that fits the band: "prompt L0" / "step 3 L2", else "L0".
    const step = Number(key.split(':')[0]);
    const long = !t.step ? `L${layer}` : step < 0 ? `prompt L${layer}` : `step ${step} L${layer}`;
    const label = [long, `L${layer}`].find((txt) => ctx.measureText(txt).width + 6 < xe - xs);
    if (label) {
      ctx.fillStyle = c.muted;
      ctx.textAlign = 'left';
      ctx.fillText(label, xs + 3, AXIS + 12);
    }
  }
  // Axis with cycles and time.
  const step = niceStep(v1 - v0, Math.max(2, Math.floor(plotW / 110)));
  ctx.strokeStyle = c.grid;
  ctx.fillStyle = c.muted;
  ctx.textAlign = 'center';
  for (let k = Math.ceil(v0 / step) * step; k <= v1; k += step) {
    const px = x(k);
    ctx.beginPath();
    ctx.moveTo(px, AXIS - 4);
    ctx.lineTo(px, height);
    ctx.stroke();
    // Edge ticks align inward so their labels are never cut.
    ctx.textAlign = px > width - 50 ? 'right' : px < LABEL + 30 ? 'left' : 'center';
    ctx.fillText(`${formatNumber(k)} cyc`, px, 11);
    ctx.fillText(formatValue(k / t.clockHz, 's'), px, 22);
  }
  // Lanes.
  for (let u = 0; u < t.units.length; u++) {
    const y = AXIS + BAND + u * LANE;
    ctx.fillStyle = c.fg;
    ctx.textAlign = 'right';
    ctx.fillText(t.units[u], LABEL - 8, y + LANE / 2 + 4);
  }
  const yIdle = AXIS + BAND + t.units.length * LANE;
  ctx.fillStyle = c.fg;
  ctx.fillText('Idle (fill)', LABEL - 8, yIdle + LANE / 2 + 4);
  ctx.fillStyle = c.series[7];
  for (const [s, e] of idle) {
    if (e < v0 || s > v1) continue;
    const xs = Math.max(LABEL, x(s));
    ctx.fillRect(xs, yIdle + 5, Math.max(1, Math.min(LABEL + plotW, x(e)) - xs), LANE - 10);
  }
  for (let i = 0; i < t.unit.length; i++) {
    const s = t.start[i];
    const e = t.end[i];
    if (e < v0 || s > v1) continue;
    const xs = Math.max(LABEL, x(s));
    const w = Math.max(1, Math.min(LABEL + plotW, x(e)) - xs);
    ctx.fillStyle = c.series[t.unit[i] % c.series.length];
    ctx.fillRect(xs, AXIS + BAND + t.unit[i] * LANE + 5, w, LANE - 10);
  }
}

/** The event under a point of the canvas (lane from y, cycle from x), or -1. */
export function eventAt(t: TimelineReport, lane: number, cycle: number): number {
  if (lane < 0 || lane >= t.units.length) return -1;
  for (let i = 0; i < t.unit.length; i++) if (t.unit[i] === lane && t.start[i] <= cycle && cycle < t.end[i]) return i;
  return -1;
}
