// The search `tune` runs: generations of candidates (NSGA-II-style selection on (cost, loss) with
// the budget as a constraint), each screened on a small rung of the calibration inputs and only
// the promising ones promoted to the whole calibration split (successive halving, eta = 3).
//
//   generation 0   anchors (dense, the paper preset in the space) + seeded random points
//   generation k   children of tournament-chosen parents: one- or two-step coordinate moves on the
//                  grid (policySpace.mutate), or a uniform crossover of two parents plus one move
//   each batch     rung 0: an eighth of the calibration inputs (at least 16); each further rung
//                  has ETA = 3 times as many, the last all of them. From one rung to the next go at
//                  most a third of the candidates, those whose interval still reaches the budget and
//                  whose cost could beat the best point within budget so far (measured on all)
//   result         every trial with its best estimate; the front; the cheapest point whose
//                  calibration loss is within the budget
// The evaluator is injected (the worker pool in production, a function in unit tests); all random
// draws come from one seeded generator and batches are evaluated as a whole, so the result depends
// only on the seed and the measurements, not on the pool's size or timing.
import { seededRandom, mixSeed } from '../seededRandom';
import { candidateKey, crossover, mutate, randomCandidate, type Candidate, type SpaceShape } from './policySpace';
import { cheapestWithinBudget, crowdingDistances, nondominatedRanks, paretoFront, type ObjectivePoint } from './pareto';
import { estimateLoss, relativeCost, totalCost, type CostFigures, type InputOutcome, type LossEstimate, type TuneMetric, type TuneObjective } from './tuneLoss';

export type TrialOrigin = 'anchor' | 'random' | 'mutation' | 'crossover';

export interface Trial {
  /** 1-based, in the order trials were proposed. */
  id: number;
  generation: number;
  origin: TrialOrigin;
  /** Anchors carry a label ("dense", "paper-bert"). */
  label?: string;
  candidate: Candidate;
  key: string;
  /** Successive-halving rung reached (0: screened on the rung-0 inputs only). */
  rung: number;
  /** Measured on the whole calibration split (the last rung). */
  full: boolean;
  loss: LossEstimate;
  cost: CostFigures;
  /** The objective as a fraction of dense (the search minimises it). */
  relativeCost: number;
  /** On the Pareto front of the calibration-measured trials. */
  onFront?: boolean;
}

export interface SearchOptions {
  shape: SpaceShape;
  /** Calibration input indices (already shuffled; rung 0 is their prefix). */
  calibration: number[];
  metric: TuneMetric;
  objective: TuneObjective;
  /** Resolves the absolute loss budget once the dense metric is known (relative perplexity budgets). */
  budgetFor: (denseMetric: number) => number;
  trials: number;
  seed: number;
  anchors: { label: string; candidate: Candidate }[];
  /**
   * The anchor (a paper preset) whose own measured loss is a second level the search also works
   * at: the cheapest point at that loss or better is mutated around and promoted like the best
   * point within budget, so "the preset's savings at the same accuracy" is searched, not only
   * read off whatever the budget search happened to try.
   */
  matchAnchor?: string;
  evaluate: (jobs: { candidate: Candidate; indices: number[] }[]) => Promise<InputOutcome[][]>;
  onTrial?: (t: Trial, best: Trial | undefined, done: number, total: number) => void;
}

export interface SearchResult {
  trials: Trial[];
  /** The cheapest calibration-measured trial within the budget, if any. */
  chosen?: Trial;
  budget: number;
  /** Input evaluations (one input through the engine under one policy) the search spent. */
  inputEvaluations: number;
  rung0Inputs: number;
  /** Calibration inputs at each rung (the last: all). */
  rungSizes: number[];
  /** Per calibration-measured trial (by id): its outcomes on every calibration input, in one order for all. */
  calibrationOutcomes: Map<number, InputOutcome[]>;
}

/** Promotion ratio of successive halving: at most 1 in ETA screened candidates goes on. */
const ETA = 3;

/** Inputs of each rung: an eighth of the calibration inputs (at least 16), times ETA per rung, the last all. */
export function rungSizes(calibration: number): number[] {
  const sizes = [Math.min(calibration, Math.max(16, Math.ceil(calibration / 8)))];
  while (sizes[sizes.length - 1] < calibration) sizes.push(Math.min(calibration, sizes[sizes.length - 1] * ETA));
  return sizes;
}

interface Entry {
  trial: Trial;
  outcomes: InputOutcome[];
}

export async function runSearch(o: SearchOptions): Promise<SearchResult> {
  if (!(o.trials >= o.anchors.length + 1)) throw new Error(`tune needs at least ${o.anchors.length + 1} trials`);
  const random = seededRandom(o.seed);
  const sizes = rungSizes(o.calibration.length);
  const rung0 = o.calibration.slice(0, sizes[0]);
  const last = sizes.length - 1;
  const entries: Entry[] = [];
  const seen = new Set<string>();
  let budget = NaN;
  let inputEvaluations = 0;
  const popSize = Math.max(6, Math.ceil(o.trials / 6));

  const estimate = (outcomes: InputOutcome[], id: number, rung: number) => estimateLoss(o.metric, outcomes, { seed: mixSeed(o.seed, id, rung) });
  const point = (t: Trial): ObjectivePoint => ({ cost: t.relativeCost, loss: t.loss.loss });
  const cheapestAt = (level: number): Trial | undefined => {
    const full = entries.filter((e) => e.trial.full).map((e) => e.trial);
    const i = cheapestWithinBudget(full.map(point), level);
    return i >= 0 ? full[i] : undefined;
  };
  const bestWithinBudget = () => cheapestAt(budget);
  /** The match anchor's loss as measured so far (NaN before it is). */
  const matchLevel = (): number => entries.find((e) => e.trial.label !== undefined && e.trial.label === o.matchAnchor)?.trial.loss.loss ?? NaN;
  const bestAtMatch = (): Trial | undefined => (Number.isNaN(matchLevel()) ? undefined : cheapestAt(matchLevel()));

  const propose = (): { candidate: Candidate; origin: TrialOrigin } => {
    const parents = entries.map((e) => e.trial);
    for (let attempt = 0; attempt < 50; attempt++) {
      let candidate: Candidate;
      let origin: TrialOrigin;
      const incumbent = bestWithinBudget();
      const matched = bestAtMatch();
      const draw = parents.length < 2 ? 0 : random();
      if (parents.length < 2) {
        candidate = randomCandidate(o.shape, random);
        origin = 'random';
      } else if (incumbent && draw < 0.35) {
        // Coordinate descent around the best point within budget so far.
        candidate = mutate(incumbent.candidate, o.shape, random, 1);
        origin = 'mutation';
      } else if (matched && matched !== incumbent && draw < 0.5) {
        // ... and around the cheapest point at the match anchor's loss or better.
        candidate = mutate(matched.candidate, o.shape, random, 1);
        origin = 'mutation';
      } else if (random() < 0.6) {
        candidate = mutate(tournament(parents, budget, random).candidate, o.shape, random, random() < 0.7 ? 1 : 2);
        origin = 'mutation';
      } else {
        candidate = mutate(crossover(tournament(parents, budget, random).candidate, tournament(parents, budget, random).candidate, random), o.shape, random, 1);
        origin = 'crossover';
      }
      if (!seen.has(candidateKey(candidate))) return { candidate, origin };
    }
    return { candidate: randomCandidate(o.shape, random), origin: 'random' };
  };

  let generation = 0;
  const pending = [...o.anchors];
  while (entries.length < o.trials) {
    // The batch: anchors first, then proposals; duplicates of earlier trials are skipped.
    const batch: { candidate: Candidate; origin: TrialOrigin; label?: string }[] = [];
    const size = Math.min(generation === 0 ? Math.max(popSize, o.anchors.length + 2) : popSize, o.trials - entries.length);
    while (batch.length < size) {
      const anchor = pending.shift();
      const next = anchor ? { candidate: anchor.candidate, origin: 'anchor' as const, label: anchor.label } : generation === 0 ? { candidate: randomCandidate(o.shape, random), origin: 'random' as const } : propose();
      const key = candidateKey(next.candidate);
      if (seen.has(key)) continue;
      seen.add(key);
      batch.push(next);
    }
    const screened = await o.evaluate(batch.map((b) => ({ candidate: b.candidate, indices: rung0 })));
    inputEvaluations += batch.length * rung0.length;
    const fresh: Entry[] = batch.map((b, k) => {
      const id = entries.length + k + 1;
      const loss = estimate(screened[k], id, 0);
      const cost = totalCost(screened[k]);
      return { outcomes: screened[k], trial: { id, generation, origin: b.origin, ...(b.label ? { label: b.label } : {}), candidate: b.candidate, key: candidateKey(b.candidate), rung: 0, full: last === 0, loss, cost, relativeCost: relativeCost(o.objective, cost) } };
    });
    if (Number.isNaN(budget)) budget = o.budgetFor(fresh[0].trial.loss.dense);
    entries.push(...fresh);

    // Successive halving: promote the candidates that may be within budget and cheaper, rung by rung.
    let survivors = fresh;
    for (let rung = 1; rung <= last && survivors.length > 0; rung++) {
      const bar = bestWithinBudget()?.relativeCost ?? Infinity;
      const level = matchLevel();
      const matchBar = bestAtMatch()?.relativeCost ?? Infinity;
      const mayWin = (t: Trial) => (t.loss.interval.low <= budget && t.relativeCost < bar) || (t.loss.interval.low <= level && t.relativeCost < matchBar);
      const hopeful = survivors
        .filter((e) => e.trial.origin === 'anchor' || mayWin(e.trial))
        .sort((a, b) => Number(b.trial.origin === 'anchor') - Number(a.trial.origin === 'anchor') || a.trial.relativeCost - b.trial.relativeCost || a.trial.id - b.trial.id);
      const anchors = hopeful.filter((e) => e.trial.origin === 'anchor').length;
      survivors = hopeful.slice(0, anchors + Math.ceil((survivors.length - anchors) / ETA));
      if (survivors.length === 0) break;
      const more = o.calibration.slice(sizes[rung - 1], sizes[rung]);
      const measured = await o.evaluate(survivors.map((e) => ({ candidate: e.trial.candidate, indices: more })));
      inputEvaluations += survivors.length * more.length;
      survivors.forEach((e, k) => {
        e.outcomes = [...e.outcomes, ...measured[k]];
        e.trial.rung = rung;
        e.trial.full = rung === last;
        e.trial.loss = estimate(e.outcomes, e.trial.id, rung);
        e.trial.cost = totalCost(e.outcomes);
        e.trial.relativeCost = relativeCost(o.objective, e.trial.cost);
      });
    }
    for (const e of fresh) o.onTrial?.(e.trial, bestWithinBudget(), entries.length, o.trials);
    generation++;
  }

  const trials = entries.map((e) => e.trial);
  const measured = trials.filter((t) => t.full);
  const front = new Set(paretoFront(measured.map(point)).map((i) => measured[i].id));
  for (const t of trials) t.onFront = front.has(t.id);
  const calibrationOutcomes = new Map(entries.filter((e) => e.trial.full).map((e) => [e.trial.id, e.outcomes]));
  return { trials, chosen: bestWithinBudget(), budget, inputEvaluations, rung0Inputs: sizes[0], rungSizes: sizes, calibrationOutcomes };
}

/**
 * Binary tournament with the budget as a constraint (Deb's rules): a point within budget beats one
 * over it; two within budget compare by front rank, then crowding (wider first); two over budget by
 * front rank, then the smaller loss (so the front over budget, where a preset's own accuracy may
 * lie, stays in the population). Calibration-measured and screened trials compete on their best
 * estimates.
 */
function tournament(pool: Trial[], budget: number, random: () => number): Trial {
  const points = pool.map((t) => ({ cost: t.relativeCost, loss: t.loss.loss }));
  const ranks = nondominatedRanks(points);
  const crowd = crowdingDistances(points, ranks);
  const a = Math.floor(random() * pool.length);
  const b = Math.floor(random() * pool.length);
  const fa = points[a].loss <= budget;
  const fb = points[b].loss <= budget;
  if (fa !== fb) return pool[fa ? a : b];
  if (ranks[a] !== ranks[b]) return pool[ranks[a] < ranks[b] ? a : b];
  if (!fa) return pool[points[a].loss <= points[b].loss ? a : b];
  return pool[crowd[a] >= crowd[b] ? a : b];
}
