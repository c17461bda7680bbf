// The accuracy-vs-reduction sweep: the same model and inputs profiled once per token keep fraction,
// so a user can pick a policy for their model. Each point takes the base policy and replaces its
// token schedule by a uniform per-layer keep fraction (keep 1 = token pruning off); everything else
// (head / V pruning, quantization) stays as the base policy sets it.
import type { ProfileRequest, ProfileResult, ProgressSink } from './profileRequest';
import type { ProfileReport, SweepRow } from './report/profileReport';
import { runProfile } from './profile';
import { InputError } from './errors';
import { headlineAccuracy } from './report/accuracySection';
import { sweepKeeps } from './sweepKeeps';

export interface SweepResult {
  rows: SweepRow[];
  /** The full report of each point, same order as rows. */
  reports: ProfileReport[];
  /** The last point's whole result (its report carries the sweep): what a front end shows and exports. */
  last: ProfileResult;
}

function pointPolicy(base: ProfileRequest['policy'], keep: number, layers: number): Record<string, unknown> {
  const extendsPolicy = typeof base === 'string' ? { extends: base } : base;
  return {
    ...extendsPolicy,
    name: `${typeof base === 'string' ? base : String(base.name ?? 'custom')} @ keep ${keep}`,
    tokenPruning: {
      ...((typeof base === 'object' && (base.tokenPruning as object)) || {}),
      enabled: keep < 1,
      schedule: keep < 1 ? { kind: 'per-layer', keep: Array<number>(layers).fill(keep) } : { kind: 'none' },
    },
  };
}

/** The metric a sweep row carries: perplexity delta for language models, label agreement for classifiers, ... */
function metricOf(r: ProfileReport, inputs: number): Pick<SweepRow, 'metricName' | 'metric' | 'metricUnit' | 'metricInputs' | 'metricLow' | 'metricHigh'> {
  const h = headlineAccuracy(r.accuracy.metrics);
  const ci = h?.value.interval;
  return {
    metricName: h?.name ?? 'top-1 agreement',
    metric: h?.value.value ?? NaN,
    ...(h ? { metricUnit: h.value.unit } : {}),
    metricInputs: Math.max(1, inputs),
    ...(ci ? { metricLow: ci[0], metricHigh: ci[1] } : {}),
  };
}

export async function runSweep(base: ProfileRequest, requested: number[], onProgress: ProgressSink = () => undefined): Promise<SweepResult> {
  const keeps = sweepKeeps(requested);
  // The layer count is needed for the per-layer schedule: a dense first run provides it.
  const rows: SweepRow[] = [];
  const reports: ProfileReport[] = [];
  let layers = 0;
  let last: ProfileResult | undefined;
  for (let i = 0; i < keeps.length; i++) {
    const keep = keeps[i];
    const sub: ProgressSink = (p) => onProgress({ ...p, detail: `keep ${keep}: ${p.detail ?? p.stage}`, fraction: (i + (p.fraction ?? 0)) / keeps.length });
    if (layers === 0) {
      const { describeModel } = await import('./modelDescription');
      layers = (await describeModel(base.modelPath)).layers;
      if (layers === 0) throw new InputError(base.modelPath, 'no attention layers found');
    }
    last = await runProfile({ ...base, policy: pointPolicy(base.policy, keep, layers) }, sub);
    const report = last.report;
    reports.push(report);
    rows.push({
      keep,
      policy: report.policy.name,
      keysFetchedFraction: report.summary.keysFetched.value,
      valuesFetchedFraction: report.summary.valuesFetched.value,
      speedup: report.summary.speedup.value,
      dramReduction: report.summary.dramReduction.value,
      ...metricOf(report, base.texts.length),
    });
  }
  for (const r of reports) r.sweep = rows;
  // sweepKeeps refuses an empty list, so the loop ran at least once.
  return { rows, reports, last: last! };
}
