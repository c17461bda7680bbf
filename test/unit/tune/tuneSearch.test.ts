// The search on a synthetic, deterministic evaluator (a closed-form cost and an accuracy that
// falls as pruning gets more aggressive): reproducible from its seed, every trial distinct, the
// chosen point within budget and the cheapest such, the front flagged correctly, successive
// halving spending fewer input runs than measuring every trial on every input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSearch, rungSizes, type SearchOptions } from '../../../src/engine/tune/tuneSearch';
import { denseCandidate, LOCAL_V_GRID, QUANT_GRID, TOKEN_KEEP_GRID, type Candidate, type SpaceShape } from '../../../src/engine/tune/policySpace';
import { paretoFront } from '../../../src/engine/tune/pareto';
import type { InputOutcome } from '../../../src/engine/tune/tuneLoss';

const shape: SpaceShape = { layers: 4, heads: 4 };

/** Aggressiveness in [0, 1): mean token pruning, V pruning and quantization steps. */
function aggressiveness(c: Candidate): number {
  const tok = c.tokenKeep.reduce((s, i) => s + (1 - TOKEN_KEEP_GRID[i]), 0) / c.tokenKeep.length;
  return 0.5 * tok + 0.2 * (1 - LOCAL_V_GRID[c.localV]) + 0.2 * (c.quant / QUANT_GRID.length) + 0.1 * (c.headKeep.reduce((a, b) => a + b, 0) / (4 * 3));
}

function synthetic(c: Candidate, index: number): InputOutcome {
  const a = aggressiveness(c);
  // An input is misclassified once aggressiveness passes its own (fixed, pseudo-random) tolerance.
  const tolerance = 0.3 + ((index * 7919) % 101) / 101;
  const wrong = a > tolerance ? 1 : 0;
  const dram = 100 * (1 - 0.9 * a);
  return { rows: 1, agreeRows: 1 - wrong, klSum: wrong, denseCorrect: 1, prunedCorrect: 1 - wrong, cost: { dramBytes: dram, denseDramBytes: 100, seconds: 1 - a / 2, denseSeconds: 1, energyJoules: 1 - a / 3, denseEnergyJoules: 1 } };
}

function options(seed: number, calls: { jobs: number; inputs: number }): SearchOptions {
  return {
    shape,
    calibration: Array.from({ length: 200 }, (_, i) => (i * 37) % 200),
    metric: 'accuracy',
    objective: 'dram',
    budgetFor: () => 0.01,
    trials: 30,
    seed,
    anchors: [{ label: 'dense', candidate: denseCandidate(shape) }],
    evaluate: async (jobs) => {
      calls.jobs += jobs.length;
      calls.inputs += jobs.reduce((s, j) => s + j.indices.length, 0);
      return jobs.map((j) => j.indices.map((i) => synthetic(j.candidate, i)));
    },
  };
}

test('rungs: an eighth of the inputs (at least 16), x3 per rung, the last all', () => {
  assert.deepEqual(rungSizes(300), [38, 114, 300]);
  assert.deepEqual(rungSizes(10), [10]);
  assert.deepEqual(rungSizes(40), [16, 40]);
});

test('the same seed gives the same trials; another seed other trials', async () => {
  const a = await runSearch(options(5, { jobs: 0, inputs: 0 }));
  const b = await runSearch(options(5, { jobs: 0, inputs: 0 }));
  const c = await runSearch(options(6, { jobs: 0, inputs: 0 }));
  assert.deepEqual(a.trials, b.trials);
  assert.deepEqual(a.chosen, b.chosen);
  assert.notDeepEqual(a.trials.map((t) => t.key), c.trials.map((t) => t.key));
});

test('trials are distinct, counted, and the chosen one is the cheapest within budget', async () => {
  const calls = { jobs: 0, inputs: 0 };
  const r = await runSearch(options(3, calls));
  assert.equal(r.trials.length, 30);
  assert.equal(new Set(r.trials.map((t) => t.key)).size, 30);
  assert.equal(r.trials[0].label, 'dense');
  assert.ok(r.chosen, 'the dense anchor alone is within budget');
  const chosen = r.chosen;
  assert.ok(chosen.full && chosen.loss.loss <= r.budget);
  for (const t of r.trials) if (t.full && t.loss.loss <= r.budget) assert.ok(t.relativeCost >= chosen.relativeCost, `trial ${t.id} is cheaper within budget`);
  assert.ok(chosen.relativeCost < 1, 'the search found something cheaper than dense');
  // Every trial's figures are the synthetic evaluator's on the inputs it saw.
  const inputs = r.rungSizes[chosen.rung];
  assert.equal(chosen.loss.inputs, inputs);
  // Successive halving: fewer input runs than all trials on all calibration inputs.
  assert.equal(r.inputEvaluations, calls.inputs);
  assert.ok(calls.inputs < 30 * 200 / 2, `${calls.inputs} input runs`);
});

test('the front flag marks exactly the non-dominated fully measured trials', async () => {
  const r = await runSearch(options(9, { jobs: 0, inputs: 0 }));
  const full = r.trials.filter((t) => t.full);
  const front = new Set(paretoFront(full.map((t) => ({ cost: t.relativeCost, loss: t.loss.loss }))).map((i) => full[i].id));
  for (const t of r.trials) assert.equal(t.onFront, front.has(t.id), `trial ${t.id}`);
  assert.ok(front.size >= 1);
});

test('a budget nothing meets leaves no chosen point (dense anchor absent)', async () => {
  const o = options(2, { jobs: 0, inputs: 0 });
  const r = await runSearch({ ...o, anchors: [], trials: 8, budgetFor: () => -1 });
  assert.equal(r.chosen, undefined);
  assert.equal(r.trials.length, 8);
});

test('a match anchor (the paper preset) makes the search work at its loss too, not only within budget', async () => {
  // Token pruning costs accuracy and saves little; quantization saves much and costs little: a
  // token-heavy preset far over the budget (as paper-gpt2-small is on the trained decoder) can be
  // beaten at its own loss.
  const tok = (c: Candidate) => c.tokenKeep.reduce((s, i) => s + (1 - TOKEN_KEEP_GRID[i]), 0) / c.tokenKeep.length;
  const q = (c: Candidate) => c.quant / (QUANT_GRID.length - 1);
  const evaluate: SearchOptions['evaluate'] = async (jobs) =>
    jobs.map((j) =>
      j.indices.map((index) => {
        const wrong = 0.8 * tok(j.candidate) + 0.1 * q(j.candidate) > 0.2 + ((index * 7919) % 101) / 101 ? 1 : 0;
        const dram = 100 * (1 - 0.3 * tok(j.candidate) - 0.6 * q(j.candidate));
        return { rows: 1, agreeRows: 1 - wrong, klSum: wrong, denseCorrect: 1, prunedCorrect: 1 - wrong, cost: { dramBytes: dram, denseDramBytes: 100, seconds: 1, denseSeconds: 1, energyJoules: 1, denseEnergyJoules: 1 } };
      }),
    );
  const preset: Candidate = { ...denseCandidate(shape), tokenKeep: [5, 5, 5, 5] };
  const run = (matchAnchor?: string) => {
    const o = options(4, { jobs: 0, inputs: 0 });
    return runSearch({ ...o, trials: 40, evaluate, anchors: [...o.anchors, { label: 'preset', candidate: preset }], ...(matchAnchor ? { matchAnchor } : {}) });
  };
  const atPresetLoss = (r: Awaited<ReturnType<typeof run>>) => {
    const p = r.trials.find((t) => t.label === 'preset') as (typeof r.trials)[number];
    assert.ok(p.loss.loss > r.budget, `the preset's loss ${p.loss.loss} is over the budget ${r.budget}`);
    // Fully measured proposals between the budget and the preset's loss: that region searched.
    const region = r.trials.filter((t) => t.full && t.origin !== 'anchor' && t.loss.loss > r.budget && t.loss.loss <= p.loss.loss);
    return { explored: region.length, cheapest: Math.min(p.relativeCost, ...region.map((t) => t.relativeCost)), preset: p.relativeCost };
  };
  const withMatch = atPresetLoss(await run('preset'));
  const without = atPresetLoss(await run());
  assert.ok(withMatch.explored > without.explored, `explored at the preset's loss: ${withMatch.explored} trials with the match anchor, ${without.explored} without`);
  assert.ok(withMatch.cheapest < withMatch.preset, `cheapest at the preset's loss ${withMatch.cheapest} vs the preset ${withMatch.preset}`);
});
