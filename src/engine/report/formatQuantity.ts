// Number formatting with units, and the provenance badge every number carries. One module for
// every front end (webview, exported HTML, CLI tables, hover): it lives in the engine so the CLI
// can import it without the DOM, and esbuild bundles it into the webview.
//
// The DOM convention for every shown number (tests and the VS Code UI tests rely on it):
//   <span class="num" data-value="<raw JSON number>" data-unit="<unit>" data-source="<provenance>"
//         title="<note> (<provenance>)">formatted text</span><span class="prov prov-<source>">…</span>
// `data-value` is String(value): Number(dataset.value) === the report's number exactly.

import type { Provenance, Quantity } from './profileReport';

const SI_SMALL: [number, string][] = [
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'µ'],
  [1e-9, 'n'],
  [1e-12, 'p'],
];

/** Three significant digits, no exponent for everyday magnitudes, grouping for big integers. */
export function formatNumber(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'n/a' : v > 0 ? '∞' : '−∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return v.toLocaleString('en-US');
  if (a >= 1e15 || a < 1e-4) return v.toExponential(digits - 1).replace('e', 'e');
  if (a >= 10 ** digits) return Math.round(v).toLocaleString('en-US');
  return Number(v.toPrecision(digits)).toString();
}

/** Axis-tick form: 1.5k, 2.3M, 4G (exact values stay in data-value and tooltips). */
export function compactNumber(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${formatNumber(v / 1e9)}G`;
  if (a >= 1e6) return `${formatNumber(v / 1e6)}M`;
  if (a >= 1e4) return `${formatNumber(v / 1e3)}k`;
  return formatNumber(v);
}

function scaled(v: number, unit: string, table: [number, string][]): string {
  const a = Math.abs(v);
  for (const [f, p] of table) if (a >= f * 0.9995 || f === table[table.length - 1][0]) return `${formatNumber(v / f)} ${p}${unit}`;
  return `${formatNumber(v)} ${unit}`;
}

/** Decimal SI prefixes for bytes (kB, MB, GB), as the CLI prints them. */
function bytes(v: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = v;
  while (Math.abs(x) >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return i === 0 ? `${formatNumber(v)} B` : `${formatNumber(x)} ${units[i]}`;
}

/**
 * Formats a value in its unit: ratios as "3.2×", fractions as percent, SI prefixes for s/J/W,
 * decimal prefixes for bytes. `bare`: leave off a plain unit (counts such as cycles, rows) that a
 * table column header already names; scaled units keep their (prefixed) suffix.
 */
export function formatValue(value: number, unit: string, bare = false): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  switch (unit) {
    case 'x':
    case '×':
      return `${formatNumber(value)}×`;
    case 'fraction':
      return `${formatNumber(value * 100)} %`;
    case '%':
      return `${formatNumber(value)} %`;
    case 's':
    case 'J':
    case 'W':
      return value === 0 ? `0 ${unit}` : scaled(value, unit, SI_SMALL);
    case 'bytes':
    case 'B':
      return bytes(value);
    case 'TFLOPS':
      // A small accelerator on a tiny model runs at GFLOP/s; "0.03 TFLOPS" reads as zero.
      return value >= 1 ? `${formatNumber(value)} TFLOP/s` : `${formatNumber(value * 1000)} GFLOP/s`;
    case 'perplexity':
      // The unit of a perplexity is none; PPL names the metric without reading as "12 perplexity".
      return `${formatNumber(value)} PPL`;
    case 'Hz':
      return value >= 1e9 ? `${formatNumber(value / 1e9)} GHz` : value >= 1e6 ? `${formatNumber(value / 1e6)} MHz` : `${formatNumber(value)} Hz`;
    case '':
      return formatNumber(value);
    default:
      return bare ? formatNumber(value) : `${formatNumber(value)} ${unit}`;
  }
}

export const PROVENANCE_LABEL: Record<Provenance, string> = { measured: 'meas', modelled: 'model', configured: 'conf' };

export const PROVENANCE_HELP: Record<Provenance, string> = {
  measured: 'measured: observed in this run (ORT timings, the functional engine on the real tensors)',
  modelled: 'modelled: computed by the SpAtten cycle/energy model',
  configured: 'configured: a constant from the configuration (paper values, user settings)',
};

/** Short unit label for column headers ("cycles", "B", "%"). */
export function unitLabel(unit: string): string {
  return unit === 'fraction' ? '%' : unit === 'x' ? '×' : unit === 'bytes' ? 'B' : unit;
}

/** Display name for a camelCase key ("speedupVsDense" -> "Speedup vs dense"). */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function quantityTitle(q: Quantity): string {
  return q.note ? `${q.note} — ${PROVENANCE_HELP[q.source]}` : PROVENANCE_HELP[q.source];
}
