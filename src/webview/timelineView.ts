// Timeline view: the hardware units' activity over time (report.timeline, modelled), one lane per
// unit, on a canvas (timelineCanvas.ts paints it). Zoom: mouse wheel (around the cursor), + / -
// keys, or the buttons; pan: drag, or Left / Right keys; 0 resets (timelineWindow.ts). The canvas
// carries data-events, data-view-start, data-view-end (visible window, cycles); the busy table has
// <tr data-unit="<name>" data-busy="<cycles>">.

import type { TimelineReport } from '../engine/report/profileReport';
import { onThemeChange } from './charts';
import { h, note, num, section, th } from './dom';
import { formatNumber, formatValue } from '../engine/report/formatQuantity';
import { idleIntervals } from './timelineIdle';
import { AXIS, BAND, drawTimeline, eventAt, LABEL, LANE, type TimelineScene } from './timelineCanvas';
import { timelineExtent, type TimelineExtent } from './timelineExtent';
import { TimelineWindow } from './timelineWindow';

/** Wheel, drag, hover tooltip and keys on the canvas; `redraw` after each change of the window. */
function bindInteraction(canvas: HTMLCanvasElement, tip: HTMLElement, t: TimelineReport, win: TimelineWindow, redraw: () => void): void {
  const fractionAt = (clientX: number) => {
    const r = canvas.getBoundingClientRect();
    return (clientX - r.left - LABEL) / Math.max(1, r.width - LABEL - 8);
  };
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    win.zoom(ev.deltaY > 0 ? 1.25 : 0.8, win.cycleAt(fractionAt(ev.clientX)));
    redraw();
  }, { passive: false });
  let drag: number | undefined;
  canvas.addEventListener('pointerdown', (ev) => {
    drag = ev.clientX;
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointerup', () => (drag = undefined));
  canvas.addEventListener('pointermove', (ev) => {
    const r = canvas.getBoundingClientRect();
    if (drag !== undefined) {
      win.pan(((drag - ev.clientX) / Math.max(1, r.width - LABEL)) * (win.v1 - win.v0));
      drag = ev.clientX;
      redraw();
      return;
    }
    const lane = Math.floor((ev.clientY - r.top - AXIS - BAND) / LANE);
    const hit = eventAt(t, lane, win.cycleAt(fractionAt(ev.clientX)));
    tip.hidden = hit < 0;
    if (hit >= 0) {
      tip.textContent = `${t.units[lane]} · layer ${t.layer[hit]}${t.step ? (t.step[hit] < 0 ? ' · prompt' : ` · step ${t.step[hit]}`) : ''} · ${formatNumber(t.start[hit])}–${formatNumber(t.end[hit])} cyc (${formatNumber(t.end[hit] - t.start[hit])} cycles, modelled)`;
      tip.style.left = `${ev.clientX - r.left + 12}px`;
      tip.style.top = `${ev.clientY - r.top + 12}px`;
    }
  });
  canvas.addEventListener('pointerleave', () => (tip.hidden = true));
  canvas.addEventListener('keydown', (ev) => {
    const acts: Record<string, () => void> = {
      '+': () => win.zoom(0.8, win.mid),
      '=': () => win.zoom(0.8, win.mid),
      '-': () => win.zoom(1.25, win.mid),
      ArrowLeft: () => win.pan(-(win.v1 - win.v0) * 0.1),
      ArrowRight: () => win.pan((win.v1 - win.v0) * 0.1),
      '0': () => win.zoom(Infinity, win.mid),
    };
    const a = acts[ev.key];
    if (a) {
      ev.preventDefault();
      a();
      redraw();
    }
  });
}

function zoomButtons(win: TimelineWindow, redraw: () => void): HTMLElement {
  const controls = h(
    'div',
    { class: 'timeline-controls' },
    h('vscode-button', { secondary: true, 'data-action': 'zoom-in', title: 'Zoom in (+)' }, 'Zoom in'),
    h('vscode-button', { secondary: true, 'data-action': 'zoom-out', title: 'Zoom out (-)' }, 'Zoom out'),
    h('vscode-button', { secondary: true, 'data-action': 'zoom-reset', title: 'Reset (0)' }, 'Reset'),
  );
  controls.addEventListener('click', (ev) => {
    const a = (ev.target as HTMLElement).closest<HTMLElement>('[data-action]')?.dataset.action;
    const factor = a === 'zoom-in' ? 0.5 : a === 'zoom-out' ? 2 : a === 'zoom-reset' ? Infinity : undefined;
    if (factor === undefined) return;
    win.zoom(factor, win.mid);
    redraw();
  });
  return controls;
}

function busyTable(t: TimelineReport, extent: TimelineExtent): HTMLElement {
  const body = h('tbody');
  t.units.forEach((u, i) =>
    body.append(h('tr', { 'data-unit': u, 'data-busy': extent.busy[i] }, h('th', { scope: 'row' }, u), h('td', { class: 'r' }, num(extent.busy[i], 'cycles', 'modelled', undefined, true)), h('td', { class: 'r' }, num(extent.busy[i] / (extent.t1 - extent.t0), 'fraction', 'modelled')))),
  );
  return h('table', { class: 'data compact', 'data-table': 'unit-busy' }, h('thead', {}, h('tr', {}, th('Unit'), th('Busy', 'cycles', 'modelled'), th('Utilisation', '%', 'modelled'))), body);
}

export function renderTimeline(t: TimelineReport): HTMLElement {
  const extent = timelineExtent(t);
  // One extra lane below the units: cycles where no unit is busy (fill, drain, DRAM round trips).
  const scene: TimelineScene = { t, extent, idle: idleIntervals(t) };
  const idleCycles = scene.idle.reduce((a, [s, e]) => a + e - s, 0);
  const win = new TimelineWindow(extent.t0, extent.t1);
  const canvas = h('canvas', {
    class: 'timeline-canvas',
    tabindex: 0,
    role: 'img',
    'aria-label': 'Hardware unit timeline. Plus and minus zoom, left and right arrows pan, 0 resets.',
    'data-events': t.unit.length,
  });
  canvas.dataset.idleCycles = String(idleCycles);
  const tip = h('div', { class: 'timeline-tip', hidden: true });
  const box = h('div', { class: 'timeline-box' }, canvas, tip);
  const redraw = () => {
    if (box.clientWidth > 0) drawTimeline(canvas, box.clientWidth, scene, win.v0, win.v1);
  };
  bindInteraction(canvas, tip, t, win, redraw);
  new ResizeObserver(redraw).observe(box);
  onThemeChange(redraw);

  const span = extent.t1 - extent.t0;
  return h(
    'div',
    { class: 'view-timeline' },
    section('Hardware units over time', zoomButtons(win, redraw), box, note(`${t.unit.length} aggregated events over ${formatNumber(span)} cycles at ${formatValue(t.clockHz, 'Hz')} (modelled). Wheel or +/− to zoom, drag or ←/→ to pan, 0 to reset. Bands: one per pass and layer ("prompt L0", "step 3 L2"). Idle lane: no unit busy for ${formatNumber(idleCycles)} cycles (${formatValue(idleCycles / Math.max(1, span), 'fraction')} of the run): pipeline fill and drain, DRAM round trips.`)),
    section('Unit utilisation', busyTable(t, extent)),
  );
}
