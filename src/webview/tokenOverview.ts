// The token view's overview: the whole layers x tokens importance map on one canvas (a layer per
// row, a token per column, empty where the token is pruned), so 24 x 1024 fits on screen at
// once. Clicking a cell selects that token and layer in the detailed rows below.
// The canvas carries data-layers and data-tokens (its grid size).

import type { ProfileReport } from '../engine/report/profileReport';
import { onThemeChange, themeColors, withAlpha } from './charts';
import { h } from './dom';

const ROW = 10;
const GAP = 1;

export function renderTokenOverview(report: ProfileReport, onPick: (token: number, layer: number) => void): HTMLElement {
  const imp = report.tokens.cumulativeImportance;
  const pruned = report.tokens.prunedAtLayer;
  const toks = report.input.tokens;
  const L = imp.length;
  const N = toks.length;
  const canvas = h('canvas', {
    class: 'token-overview',
    role: 'img',
    'aria-label': `Importance of ${N} tokens in ${L} layers; pruned tokens are empty. Click to select a token.`,
    'data-layers': L,
    'data-tokens': N,
  });
  const box = h('div', { class: 'token-overview-box' }, canvas);
  const height = L * (ROW + GAP);

  // Per-row normalisation, as in the detailed rows (largest unprotected live token).
  const rowMax = new Float64Array(L);
  for (let l = 0; l < L; l++) {
    for (let t = 0; t < N; t++) {
      const alive = pruned[t] < 0 || pruned[t] >= l;
      if (alive && !toks[t].protected && imp[l][t] > rowMax[l]) rowMax[l] = imp[l][t];
    }
  }

  function draw(): void {
    const width = box.clientWidth;
    if (width === 0 || N === 0) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    const c = themeColors();
    const base = getComputedStyle(document.body).getPropertyValue('--sp-imp').trim() || c.accent;
    // Ten alpha steps of the importance colour, like the imp-0..imp-9 classes.
    const ramp = Array.from({ length: 10 }, (_, i) => withAlpha(base, 0.06 + (0.85 * i) / 9));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const w = width / N;
    for (let l = 0; l < L; l++) {
      const y = l * (ROW + GAP);
      for (let t = 0; t < N; t++) {
        const p = pruned[t];
        if (p >= 0 && p < l) continue;
        const v = toks[t].protected ? 1 : rowMax[l] > 0 ? imp[l][t] / rowMax[l] : 0;
        ctx.fillStyle = ramp[Math.min(9, Math.max(0, Math.round(v * 9)))];
        ctx.fillRect(t * w, y, Math.max(w - (w > 3 ? 1 : 0), 0.5), ROW);
        if (p === l) {
          ctx.fillStyle = c.warn;
          ctx.fillRect(t * w, y + ROW - 2, Math.max(w - (w > 3 ? 1 : 0), 0.5), 2);
        }
      }
    }
  }

  canvas.addEventListener('click', (ev) => {
    const r = canvas.getBoundingClientRect();
    const t = Math.floor(((ev.clientX - r.left) / r.width) * N);
    const l = Math.floor((ev.clientY - r.top) / (ROW + GAP));
    if (t >= 0 && t < N && l >= 0 && l < L) onPick(t, l);
  });
  new ResizeObserver(() => draw()).observe(box);
  onThemeChange(draw);
  return box;
}
