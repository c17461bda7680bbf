// `tune`: the cheapest SpAtten policy for a model within an accuracy budget.
//
//   inputs -> seeded split: calibration / held-out
//     -> search (tuneSearch.ts) over the policy space (policySpace.ts), every trial through the
//        real engine in the worker pool (trialPool.ts), loss measured on calibration inputs
//     -> the chosen policy and the paper preset re-measured on the held-out inputs, with intervals,
//        and each tuned point compared with the preset input by input (pairedComparison.ts)
//     -> TuneResult: every trial (the Pareto front flagged), the chosen policy JSON, the side-by-side
import { InputError } from '../errors';
import { mixSeed, seededRandom } from '../seededRandom';
import { resolvePolicy, type PolicyPresetName } from '../spatten/policy';
import { autoPreset } from '../spatten/autoPolicy';
import { candidatePolicy, denseCandidate, describeCandidate, nearestCandidate, type SpaceShape } from './policySpace';
import { runSearch, type SearchResult, type Trial } from './tuneSearch';
import { startTrialPool } from './trialPool';
import { absoluteBudget, estimateLoss, totalCost, type Budget, type CostFigures, type LossEstimate, type TuneMetric, type TuneObjective } from './tuneLoss';
import type { TrialSetup } from './trialRunner';
import { comparePaired, type PairedComparison } from './pairedComparison';

export interface TuneRequest extends TrialSetup {
  metric: TuneMetric;
  budget: Budget;
  objective: TuneObjective;
  trials: number;
  seed: number;
  /** Fraction of the inputs held out for the final check (default 0.5). */
  heldOutFraction?: number;
  /** Pool size (default: one worker per core). */
  workers?: number;
  /** The preset compared with (default: the paper's for the model, as `auto` picks). */
  baseline?: PolicyPresetName;
  signal?: AbortSignal;
  onProgress?: (p: TuneProgress) => void;
}

export interface TuneProgress {
  done: number;
  total: number;
  stage: 'loading' | 'search' | 'held-out';
  /** The cheapest calibration-measured point within budget so far. */
  best?: { trial: number; relativeCost: number; loss: number };
}

/** One policy's figures on one split: what the side-by-side shows (reductions are dense / SpAtten, modelled). */
export interface PolicyFigures {
  loss: LossEstimate;
  cost: CostFigures;
  dramReduction: number;
  speedup: number;
  energySaving: number;
}

export interface TunedPoint {
  label: string;
  trial?: number;
  policy: Record<string, unknown> | string;
  description: string;
  calibration: PolicyFigures;
  heldOut: PolicyFigures;
  /** Tuned points: this policy against the preset on the same held-out inputs, input by input. */
  heldOutVsBaseline?: PairedComparison;
}

export interface TuneTrialRow extends Trial {
  description: string;
  policy: Record<string, unknown>;
}

export interface TuneResult {
  kind: 'spatten-tune';
  version: 1;
  model: { name: string; fileName: string; layers: number; heads: number; mode: 'encoder' | 'generation' };
  hardware: string;
  metric: TuneMetric;
  objective: TuneObjective;
  budget: { value: number; relative: boolean; absolute: number };
  seed: number;
  split: { calibration: number[]; heldOut: number[]; rung0: number; rungs: number[] };
  trials: TuneTrialRow[];
  /** Absent when no calibration-measured trial met the budget. */
  chosen?: TunedPoint;
  /**
   * The cheapest calibration-measured trial whose loss is not significantly worse than the
   * preset's (SpAtten's savings at the paper's accuracy: matchedPoint), when it is neither the
   * chosen one nor the preset.
   */
  matched?: TunedPoint;
  baseline: TunedPoint;
  search: { inputEvaluations: number; workers: number; wallSeconds: number; coordinatorCpuSeconds: number; workerCpuSeconds: number };
  warnings: string[];
}

export function figures(objectiveLoss: LossEstimate, cost: CostFigures): PolicyFigures {
  return { loss: objectiveLoss, cost, dramReduction: cost.denseDramBytes / cost.dramBytes, speedup: cost.denseSeconds / cost.seconds, energySaving: cost.denseEnergyJoules / cost.energyJoules };
}

/** A seeded split of n inputs: held-out gets round(n x fraction), at least 1 on each side. */
export function splitInputs(n: number, heldOutFraction: number, seed: number): { calibration: number[]; heldOut: number[] } {
  if (!(heldOutFraction > 0 && heldOutFraction < 1)) throw new InputError('--held-out', `${heldOutFraction} must be a fraction in (0, 1)`);
  if (n < 2) throw new InputError('input', `tune needs at least 2 inputs to split into calibration and held-out (got ${n}); give a --batch-file, or a --text-file of several passages`);
  const order = Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(mixSeed(seed, 0x5e11));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const held = Math.min(n - 1, Math.max(1, Math.round(n * heldOutFraction)));
  return { calibration: order.slice(held), heldOut: order.slice(0, held) };
}

export async function runTune(req: TuneRequest): Promise<TuneResult> {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  if (!(Number.isInteger(req.trials) && req.trials >= 4 && req.trials <= 1000)) throw new InputError('--trials', `${req.trials} must be a whole number in 4..1000`);
  if (!Number.isInteger(req.seed)) throw new InputError('--seed', `${req.seed} must be a whole number`);
  const { calibration, heldOut } = splitInputs(req.texts.length, req.heldOutFraction ?? 0.5, req.seed);
  req.onProgress?.({ done: 0, total: req.trials, stage: 'loading' });
  const pool = await startTrialPool({ modelPath: req.modelPath, texts: req.texts, labels: req.labels, hardware: req.hardware, maxTokens: req.maxTokens }, { size: req.workers, signal: req.signal });
  try {
    const info = pool.info;
    const shape: SpaceShape = { layers: info.layers, heads: info.heads };
    const baselineName = req.baseline ?? autoPreset(info.mode);
    const baselinePolicy = resolvePolicy(baselineName);
    const anchors = [
      { label: 'dense', candidate: denseCandidate(shape) },
      { label: baselineName, candidate: nearestCandidate(baselinePolicy, shape) },
    ];
    const policyOf = (t: { id: number; candidate: Trial['candidate']; label?: string }) => candidatePolicy(t.candidate, shape, `tuned trial ${t.id}${t.label ? ` (${t.label})` : ''}`);
    const search = await runSearch({
      shape,
      calibration,
      metric: req.metric,
      objective: req.objective,
      budgetFor: (dense) => absoluteBudget(req.budget, dense),
      trials: req.trials,
      seed: req.seed,
      anchors,
      matchAnchor: baselineName,
      evaluate: (jobs) => pool.evaluate(jobs.map((j) => ({ policy: candidatePolicy(j.candidate, shape, 'trial'), indices: j.indices }))),
      onTrial: (_t, best, done, total) => req.onProgress?.({ done, total, stage: 'search', ...(best ? { best: { trial: best.id, relativeCost: best.relativeCost, loss: best.loss.loss } } : {}) }),
    });
    // Held-out: the chosen policy and the paper preset itself (by name), same inputs.
    const chosenTrial = search.chosen;
    req.onProgress?.({ done: req.trials, total: req.trials, stage: 'held-out', ...(chosenTrial ? { best: { trial: chosenTrial.id, relativeCost: chosenTrial.relativeCost, loss: chosenTrial.loss.loss } } : {}) });
    const baselineTrial = search.trials.find((t) => t.label === baselineName) as Trial;
    const matchedTrial = matchedPoint(search, baselineTrial, req.metric, baselineName, mixSeed(req.seed, 0xca1));
    const matchedOk = matchedTrial && matchedTrial.id !== chosenTrial?.id ? matchedTrial : undefined;
    const heldJobs = [{ policy: baselineName as string | Record<string, unknown>, indices: heldOut }];
    if (chosenTrial) heldJobs.push({ policy: policyOf(chosenTrial), indices: heldOut });
    if (matchedOk) heldJobs.push({ policy: policyOf(matchedOk), indices: heldOut });
    const held = await pool.evaluate(heldJobs);
    const heldFigures = (k: number) => figures(estimateLoss(req.metric, held[k], { seed: mixSeed(req.seed, 0xbeef, k) }), totalCost(held[k]));
    const calFigures = (t: Trial) => figures(t.loss, t.cost);
    // held[0] is the preset on the same held-out indices, in the same order: the pairs.
    const vsBaseline = (k: number) => ({ heldOutVsBaseline: comparePaired(req.metric, held[k], held[0], baselineName, search.budget, { seed: mixSeed(req.seed, 0xbeef, 0x9a1, k) }) });
    const baseline: TunedPoint = { label: baselineName, trial: baselineTrial.id, policy: baselineName, description: describeCandidate(baselineTrial.candidate, shape), calibration: calFigures(baselineTrial), heldOut: heldFigures(0) };
    const chosen: TunedPoint | undefined = chosenTrial
      ? { label: 'tuned', trial: chosenTrial.id, policy: candidatePolicy(chosenTrial.candidate, shape, `tuned (${info.name}, ${req.metric} budget ${search.budget}, seed ${req.seed})`), description: describeCandidate(chosenTrial.candidate, shape), calibration: calFigures(chosenTrial), heldOut: heldFigures(1), ...vsBaseline(1) }
      : undefined;
    const matched: TunedPoint | undefined = matchedOk
      ? { label: `tuned at ${baselineName} accuracy`, trial: matchedOk.id, policy: policyOf(matchedOk), description: describeCandidate(matchedOk.candidate, shape), calibration: calFigures(matchedOk), heldOut: heldFigures(heldJobs.length - 1), ...vsBaseline(heldJobs.length - 1) }
      : undefined;
    const cpu = process.cpuUsage(cpu0);
    const warnings = [...info.warnings];
    if (!chosen) warnings.push(`no trial met the budget of ${search.budget} on the calibration inputs: raise --budget or --trials`);
    return {
      kind: 'spatten-tune',
      version: 1,
      model: { name: info.name, fileName: info.fileName, layers: info.layers, heads: info.heads, mode: info.mode },
      hardware: info.hardware,
      metric: req.metric,
      objective: req.objective,
      budget: { ...req.budget, absolute: search.budget },
      seed: req.seed,
      split: { calibration, heldOut, rung0: search.rung0Inputs, rungs: search.rungSizes },
      trials: search.trials.map((t) => ({ ...t, description: describeCandidate(t.candidate, shape), policy: policyOf(t) })),
      ...(chosen ? { chosen } : {}),
      ...(matched ? { matched } : {}),
      baseline,
      search: { inputEvaluations: search.inputEvaluations + heldOut.length * heldJobs.length, workers: pool.size, wallSeconds: (performance.now() - t0) / 1000, coordinatorCpuSeconds: (cpu.user + cpu.system) / 1e6, workerCpuSeconds: pool.cpuSeconds() },
      warnings,
    };
  } finally {
    pool.close();
  }
}

/**
 * SpAtten's savings at the preset's own accuracy: the cheapest calibration-measured trial whose
 * calibration loss is at or below the preset's, or worse by an amount the paired 95 % interval of
 * (trial - preset) on the same calibration inputs bounds to a tenth of the budget (a trial 0.005
 * ppl worse than the preset on 50 passages, interval [-0.02, +0.03], is the preset's accuracy as
 * far as the inputs can tell; one 1.67 pp worse on 300 emails is not, though with 5 discordant
 * emails its interval still reaches 0). Picking the cheapest of many trials favours one that was
 * lucky on calibration: the held-out paired comparison (heldOutVsBaseline) checks the choice.
 */
export function matchedPoint(search: SearchResult, baseline: Trial, metric: TuneMetric, baselineName: string, seed: number): Trial | undefined {
  const base = search.calibrationOutcomes.get(baseline.id);
  if (!base) return undefined;
  const tolerance = search.budget / 10;
  let best: Trial | undefined;
  for (const t of search.trials) {
    const mine = search.calibrationOutcomes.get(t.id);
    // Cheapest first; at equal cost the smaller loss, as the budget's choice breaks ties (so a
    // trial tied with the chosen one does not stand beside it as a second point).
    if (!mine || t.id === baseline.id || (best && (t.relativeCost > best.relativeCost || (t.relativeCost === best.relativeCost && t.loss.loss >= best.loss.loss)))) continue;
    const same = t.loss.loss <= baseline.loss.loss || comparePaired(metric, mine, base, baselineName, tolerance, { seed: mixSeed(seed, t.id) }).interval.high <= tolerance;
    if (same) best = t;
  }
  return best;
}
