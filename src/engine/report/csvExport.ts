// CSV exports of a ProfileReport, one row per layer and one row per (layer, head), for spreadsheets
// and plotting scripts. RFC 4180: CRLF line ends, a header row, fields with comma, quote, CR or LF
// quoted with "" doubling. Numbers are written with String(n) so they read back exactly; a
// missing or non-finite number is an empty field. Every numeric column name ends in its unit.
//
// Per-layer columns (layerCsv):
//   layer                        layer index
//   tokens_in, tokens_kept       tokens entering the layer / kept after its token top-k (measured)
//   heads_kept                   heads alive in the layer (measured)
//   cycles, dense_cycles         modelled cycles, SpAtten and dense baseline
//   speedup_x                    dense_cycles / cycles
//   bound                        "memory" or "compute" (modelled)
//   stage_<s>_cycles             SpAtten cycles of stage <s>, one column per stage name in the report
//   dense_stage_<s>_cycles       dense baseline cycles of stage <s>
//   dram_k_msb_bytes, dram_k_lsb_bytes, dram_v_bytes, dram_q_bytes, dram_total_bytes, dense_dram_bytes
//   energy_j, dense_energy_j     modelled energy, joules
//   query_rows, refetched_rows   summed over heads (measured); refetch_rate_fraction = their ratio
// Per-head columns (headCsv):
//   layer, head, state ("kept" | "pruned_here" | "pruned"), importance_sum_abs_output (measured,
//   cumulative), query_rows, refetched_rows, refetch_rate_fraction

import type { ProfileReport } from './profileReport';

type Cell = string | number | undefined;

/** One RFC 4180 field. */
export function csvField(v: Cell): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvLines(rows: Cell[][]): string {
  return rows.map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Column-name form of a stage name: lower case, [a-z0-9_] only. */
function slug(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

function stageNames(report: ProfileReport): string[] {
  const names: string[] = [];
  for (const l of report.layers) for (const k of [...Object.keys(l.stages), ...Object.keys(l.denseStages)]) if (!names.includes(k)) names.push(k);
  return names;
}

const sum = (xs: number[] | undefined) => (xs ?? []).reduce((a, b) => a + b, 0);
const ratio = (a: number, b: number) => (b > 0 ? a / b : undefined);

export function layerCsv(report: ProfileReport): string {
  const stages = stageNames(report);
  const header: Cell[] = [
    'layer',
    'tokens_in',
    'tokens_kept',
    'heads_kept',
    'cycles',
    'dense_cycles',
    'speedup_x',
    'bound',
    ...stages.map((s) => `stage_${slug(s)}_cycles`),
    ...stages.map((s) => `dense_stage_${slug(s)}_cycles`),
    'dram_k_msb_bytes',
    'dram_k_lsb_bytes',
    'dram_v_bytes',
    'dram_q_bytes',
    'dram_total_bytes',
    'dense_dram_bytes',
    'energy_j',
    'dense_energy_j',
    'query_rows',
    'refetched_rows',
    'refetch_rate_fraction',
  ];
  const rows: Cell[][] = [header];
  for (const l of report.layers) {
    const t = report.tokens.layers[l.layer];
    const d = l.dramBytes;
    const qRows = sum(report.refetch.rows[l.layer]);
    const ref = sum(report.refetch.refetched[l.layer]);
    rows.push([
      l.layer,
      t?.tokensIn,
      t?.tokensKept,
      t?.headsKept,
      l.cycles,
      l.denseCycles,
      ratio(l.denseCycles, l.cycles),
      l.bound,
      ...stages.map((s) => l.stages[s]),
      ...stages.map((s) => l.denseStages[s]),
      d.kMsb,
      d.kLsb,
      d.v,
      d.q,
      d.kMsb + d.kLsb + d.v + d.q,
      l.denseDramBytes,
      l.energyJoules,
      l.denseEnergyJoules,
      qRows,
      ref,
      ratio(ref, qRows),
    ]);
  }
  return csvLines(rows);
}

export function headCsv(report: ProfileReport): string {
  const rows: Cell[][] = [['layer', 'head', 'state', 'importance_sum_abs_output', 'query_rows', 'refetched_rows', 'refetch_rate_fraction']];
  const imp = report.heads.importance;
  for (let l = 0; l < imp.length; l++) {
    for (let h = 0; h < imp[l].length; h++) {
      const p = report.heads.prunedAtLayer[h] ?? -1;
      const state = p >= 0 && p < l ? 'pruned' : p === l ? 'pruned_here' : 'kept';
      const q = report.refetch.rows[l]?.[h];
      const r = report.refetch.refetched[l]?.[h];
      rows.push([l, h, state, imp[l][h], q, r, q !== undefined && r !== undefined ? ratio(r, q) : undefined]);
    }
  }
  return csvLines(rows);
}
