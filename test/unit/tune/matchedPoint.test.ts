// The point "at the preset's accuracy": the cheapest calibration-measured trial whose calibration
// loss is at or below the preset's, or worse by an amount the paired interval on the same inputs
// bounds to a tenth of the budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchedPoint } from '../../../src/engine/tune/runTune';
import type { SearchResult, Trial } from '../../../src/engine/tune/tuneSearch';
import { estimateLoss, type InputOutcome, type TuneMetric } from '../../../src/engine/tune/tuneLoss';

const cost = { dramBytes: 10, denseDramBytes: 40, seconds: 1, denseSeconds: 2, energyJoules: 3, denseEnergyJoules: 4 };
const classified = (right: boolean): InputOutcome => ({ rows: 1, agreeRows: right ? 1 : 0, klSum: 0, denseCorrect: 1, prunedCorrect: right ? 1 : 0, cost });
/** 40 emails, the first `wrong` misclassified. */
const emails = (wrong: number) => Array.from({ length: 40 }, (_, i) => classified(i >= wrong));
/** 30 passages of 100 tokens, dense NLL 500 nats each, pruned `extra` nats more (passage i adds i/100 more, so the pairs vary). */
const passages = (extra: number) => Array.from({ length: 30 }, (_, i): InputOutcome => ({ rows: 100, agreeRows: 100, klSum: 0, denseNll: 500, prunedNll: 500 + extra + i / 100, cost }));

function search(metric: TuneMetric, budget: number, points: [id: number, relativeCost: number, outcomes: InputOutcome[] | null][]): { search: SearchResult; trial: (id: number) => Trial } {
  const trials = points.map(([id, relativeCost, outcomes]) => ({ id, relativeCost, full: outcomes !== null, loss: estimateLoss(metric, outcomes ?? emails(0)) }) as Trial);
  const calibrationOutcomes = new Map(points.filter((p) => p[2] !== null).map(([id, , o]) => [id, o as InputOutcome[]]));
  return { search: { trials, calibrationOutcomes, budget } as SearchResult, trial: (id) => trials.find((t) => t.id === id) as Trial };
}

test("matched point (accuracy): at or below the preset's calibration loss; one email worse is not the same accuracy", () => {
  const { search: s, trial } = search('accuracy', 0.01, [
    [1, 1, emails(0)], // dense
    [2, 0.8, emails(4)], // the preset
    [3, 0.5, emails(4)], // the preset's outcomes, cheaper
    [4, 0.3, emails(14)], // ten more wrong
    [7, 0.4, emails(5)], // one more wrong: 2.5 pp worse; its interval reaches 0 but not within 0.1 pp
    [5, 0.6, emails(4)], // same as 3, dearer
    [6, 0.2, null], // screened only: no calibration outcomes
  ]);
  assert.equal(matchedPoint(s, trial(2), 'accuracy', 'paper-bert', 1)?.id, 3);
  // A tie in cost goes to the smaller loss, as the budget's choice breaks it.
  const { search: tie, trial: tt } = search('accuracy', 0.01, [[2, 0.8, emails(4)], [3, 0.5, emails(4)], [8, 0.5, emails(3)]]);
  assert.equal(matchedPoint(tie, tt(2), 'accuracy', 'paper-bert', 1)?.id, 8);
  const { search: worse, trial: t2 } = search('accuracy', 0.01, [[2, 0.8, emails(4)], [4, 0.3, emails(14)], [7, 0.4, emails(5)]]);
  assert.equal(matchedPoint(worse, t2(2), 'accuracy', 'paper-bert', 1), undefined);
});

test("matched point (perplexity): a hair worse on every passage, bounded within a tenth of the budget, is the preset's accuracy", () => {
  const { search: s, trial } = search('perplexity', 0.5, [
    [2, 0.05, passages(20)], // the preset
    [18, 0.04, passages(20.01)], // 0.01 nats more per passage: ~0.0002 ppl worse, tightly bounded
    [9, 0.03, passages(40)], // clearly worse
  ]);
  assert.ok(trial(18).loss.loss > trial(2).loss.loss, 'worse as a point estimate');
  assert.equal(matchedPoint(s, trial(2), 'perplexity', 'paper-gpt2-small', 1)?.id, 18);
});
