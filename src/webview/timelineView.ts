// Timeline view: the hardware units' activity over time (report.timeline, modelled), one lane per
// unit, on a canvas. Zoom: mouse wheel (around the cursor), + / - keys, or the buttons; pan: drag,
// or Left / Right keys; 0 resets. Only events inside the visible window are drawn, so a long
// generation run stays fluid. The canvas carries data-events, data-view-start, data-view-end
// (visible window, cycles); the busy table has <tr data-unit="<name>" data-busy="<cycles>">.

import type { TimelineReport } from '../engine/report/profileReport';
import { themeColors, onThemeChange } from './charts';
import { h, note, num, section, th } from './dom';
import { formatNumber, formatValue } from '../engine/report/formatQuantity';
import { idleIntervals } from './timelineIdle';

const LANE = 30;
const AXIS = 26;
const LABEL = 86;
const BAND = 18;

/** "Nice" tick step (1, 2, 5 x 10^k) covering `span` in about `count` ticks. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

export function renderTimeline(t: TimelineReport): HTMLElement {
  const n = t.unit.length;
  let t0 = Infinity;
  let t1 = -Infinity;
  const busy = new Float64Array(t.units.length);
  // Extent of each (step, layer) pass, for the alternating background bands.
  const layerSpan = new Map<string, [number, number, number]>();
  for (let i = 0; i < n; i++) {
    t0 = Math.min(t0, t.start[i]);
    t1 = Math.max(t1, t.end[i]);
    busy[t.unit[i]] += t.end[i] - t.start[i];
    const key = `${t.step?.[i] ?? 0}:${t.layer[i]}`;
    const s = layerSpan.get(key);
    if (s) {
      s[0] = Math.min(s[0], t.start[i]);
      s[1] = Math.max(s[1], t.end[i]);
    } else layerSpan.set(key, [t.start[i], t.end[i], t.layer[i]]);
  }
  if (!(t1 > t0)) {
    t0 = 0;
    t1 = 1;
  }
  let v0 = t0;
  let v1 = t1;

  const canvas = h('canvas', {
    class: 'timeline-canvas',
    tabindex: 0,
    role: 'img',
    'aria-label': 'Hardware unit timeline. Plus and minus zoom, left and right arrows pan, 0 resets.',
    'data-events': n,
  });
  const tip = h('div', { class: 'timeline-tip', hidden: true });
  const box = h('div', { class: 'timeline-box' }, canvas, tip);
  // One extra lane below the units: cycles where no unit is busy (fill, drain, DRAM round trips).
  const idle = idleIntervals(t);
  const idleCycles = idle.reduce((a, [s, e]) => a + e - s, 0);
  canvas.dataset.idleCycles = String(idleCycles);
  const height = AXIS + BAND + (t.units.length + 1) * LANE + 8;

  function draw(): void {
    const width = box.clientWidth;
    if (width === 0) return;
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
    for (const [key, [s, e, layer]] of layerSpan) {
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
    for (let i = 0; i < n; i++) {
      const s = t.start[i];
      const e = t.end[i];
      if (e < v0 || s > v1) continue;
      const xs = Math.max(LABEL, x(s));
      const w = Math.max(1, Math.min(LABEL + plotW, x(e)) - xs);
      ctx.fillStyle = c.series[t.unit[i] % c.series.length];
      ctx.fillRect(xs, AXIS + BAND + t.unit[i] * LANE + 5, w, LANE - 10);
    }
  }

  function zoom(factor: number, anchorCycle: number): void {
    const span = Math.min(t1 - t0, Math.max(4, (v1 - v0) * factor));
    const f = (anchorCycle - v0) / (v1 - v0);
    v0 = Math.max(t0, Math.min(t1 - span, anchorCycle - f * span));
    v1 = v0 + span;
    draw();
  }
  function pan(dCycles: number): void {
    const span = v1 - v0;
    v0 = Math.max(t0, Math.min(t1 - span, v0 + dCycles));
    v1 = v0 + span;
    draw();
  }
  const cycleAt = (clientX: number) => {
    const r = canvas.getBoundingClientRect();
    return v0 + ((clientX - r.left - LABEL) / Math.max(1, r.width - LABEL - 8)) * (v1 - v0);
  };

  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    zoom(ev.deltaY > 0 ? 1.25 : 0.8, cycleAt(ev.clientX));
  }, { passive: false });
  let drag: number | undefined;
  canvas.addEventListener('pointerdown', (ev) => {
    drag = ev.clientX;
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointerup', () => (drag = undefined));
  canvas.addEventListener('pointermove', (ev) => {
    if (drag !== undefined) {
      const r = canvas.getBoundingClientRect();
      pan(((drag - ev.clientX) / Math.max(1, r.width - LABEL)) * (v1 - v0));
      drag = ev.clientX;
      return;
    }
    // Tooltip: the event under the cursor.
    const r = canvas.getBoundingClientRect();
    const u = Math.floor((ev.clientY - r.top - AXIS - BAND) / LANE);
    const cyc = cycleAt(ev.clientX);
    let hit = -1;
    if (u >= 0 && u < t.units.length) for (let i = 0; i < n && hit < 0; i++) if (t.unit[i] === u && t.start[i] <= cyc && cyc < t.end[i]) hit = i;
    tip.hidden = hit < 0;
    if (hit >= 0) {
      tip.textContent = `${t.units[u]} · layer ${t.layer[hit]}${t.step ? (t.step[hit] < 0 ? ' · prompt' : ` · step ${t.step[hit]}`) : ''} · ${formatNumber(t.start[hit])}–${formatNumber(t.end[hit])} cyc (${formatNumber(t.end[hit] - t.start[hit])} cycles, modelled)`;
      tip.style.left = `${ev.clientX - r.left + 12}px`;
      tip.style.top = `${ev.clientY - r.top + 12}px`;
    }
  });
  canvas.addEventListener('pointerleave', () => (tip.hidden = true));
  canvas.addEventListener('keydown', (ev) => {
    const mid = (v0 + v1) / 2;
    const acts: Record<string, () => void> = {
      '+': () => zoom(0.8, mid),
      '=': () => zoom(0.8, mid),
      '-': () => zoom(1.25, mid),
      ArrowLeft: () => pan(-(v1 - v0) * 0.1),
      ArrowRight: () => pan((v1 - v0) * 0.1),
      '0': () => zoom(Infinity, mid),
    };
    const a = acts[ev.key];
    if (a) {
      ev.preventDefault();
      a();
    }
  });
  new ResizeObserver(() => draw()).observe(box);
  onThemeChange(draw);

  const mid = () => (v0 + v1) / 2;
  const controls = h(
    'div',
    { class: 'timeline-controls' },
    h('vscode-button', { secondary: true, 'data-action': 'zoom-in', title: 'Zoom in (+)' }, 'Zoom in'),
    h('vscode-button', { secondary: true, 'data-action': 'zoom-out', title: 'Zoom out (-)' }, 'Zoom out'),
    h('vscode-button', { secondary: true, 'data-action': 'zoom-reset', title: 'Reset (0)' }, 'Reset'),
  );
  controls.addEventListener('click', (ev) => {
    const a = (ev.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
    if (a === 'zoom-in') zoom(0.5, mid());
    else if (a === 'zoom-out') zoom(2, mid());
    else if (a === 'zoom-reset') zoom(Infinity, mid());
  });

  const body = h('tbody');
  t.units.forEach((u, i) =>
    body.append(h('tr', { 'data-unit': u, 'data-busy': busy[i] }, h('th', { scope: 'row' }, u), h('td', { class: 'r' }, num(busy[i], 'cycles', 'modelled', undefined, true)), h('td', { class: 'r' }, num(busy[i] / (t1 - t0), 'fraction', 'modelled')))),
  );
  const table = h('table', { class: 'data compact', 'data-table': 'unit-busy' }, h('thead', {}, h('tr', {}, th('Unit'), th('Busy', 'cycles', 'modelled'), th('Utilisation', '%', 'modelled'))), body);
  return h(
    'div',
    { class: 'view-timeline' },
    section('Hardware units over time', controls, box, note(`${n} aggregated events over ${formatNumber(t1 - t0)} cycles at ${formatValue(t.clockHz, 'Hz')} (modelled). Wheel or +/− to zoom, drag or ←/→ to pan, 0 to reset. Bands: one per pass and layer ("prompt L0", "step 3 L2"). Idle lane: no unit busy for ${formatNumber(idleCycles)} cycles (${formatValue(idleCycles / Math.max(1, t1 - t0), 'fraction')} of the run): pipeline fill and drain, DRAM round trips.`)),
    section('Unit utilisation', table),
  );
}
