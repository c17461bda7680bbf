// Relative-error distributions of the crosscheck: per (family, hardware, timing) the median, p95
// and max of |ours - bert| / bert over layers and over workload totals, and how many layers match
// to the cycle.
import type { WorkloadComparison } from './compare';

export interface ErrorSummary {
  median: number;
  p95: number;
  max: number;
}

export interface GroupStats {
  family: string;
  hardware: string;
  timing: string;
  workloads: number;
  layers: number;
  exactLayers: number;
  perLayer: ErrorSummary;
  total: ErrorSummary;
  /** The workload with the largest total error (for a quick look). */
  worstWorkload: string;
}

export function relativeError(ours: number, bert: number): number {
  if (bert === 0) return ours === 0 ? 0 : Infinity;
  return Math.abs(ours - bert) / bert;
}

/** Nearest-rank quantile of an ascending array. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

export function summarize(errors: number[]): ErrorSummary {
  const s = [...errors].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), max: s.length > 0 ? s[s.length - 1] : 0 };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

/** Label of the BERT subsets without K wider than 8 bit (where the additive model adds no refetch). */
export const NARROW_KEYS = ' (K <= 8 bit)';

/**
 * One row per (family, hardware, timing), in first-seen order, plus for the BERT families one per
 * subset of workloads whose keys are at most 8 bit wide.
 */
export function groupStats(results: readonly WorkloadComparison[]): GroupStats[] {
  const groups = new Map<string, { family: string; rows: WorkloadComparison[] }>();
  const add = (family: string, r: WorkloadComparison): void => {
    const key = `${family}|${r.hardware}|${r.timing}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { family, rows: [] }));
    g.rows.push(r);
  };
  for (const r of results) add(r.family, r);
  for (const r of results) if (r.family.startsWith('bert') && !r.wideKeys) add(r.family + NARROW_KEYS, r);
  return [...groups.values()].map(({ family, rows: g }) => {
    const layerErrors: number[] = [];
    let exact = 0;
    let worst = { name: '', err: -1 };
    const totals = g.map((r) => {
      r.ours.forEach((o, i) => {
        layerErrors.push(relativeError(o, r.bert[i]));
        if (o === r.bert[i]) exact++;
      });
      const err = relativeError(sum(r.ours), sum(r.bert));
      if (err > worst.err) worst = { name: r.workload, err };
      return err;
    });
    return {
      family,
      hardware: g[0].hardware,
      timing: g[0].timing,
      workloads: g.length,
      layers: layerErrors.length,
      exactLayers: exact,
      perLayer: summarize(layerErrors),
      total: summarize(totals),
      worstWorkload: worst.name,
    };
  });
}

/** A relative error as a percentage with enough digits to tell 0 from tiny. */
export function pct(x: number): string {
  if (x === 0) return '0 %';
  if (x < 1e-4) return `${(x * 100).toExponential(1)} %`;
  return `${(x * 100).toFixed(x < 0.01 ? 3 : 2)} %`;
}
