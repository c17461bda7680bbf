// The point "at the preset's accuracy": the cheapest calibration-measured trial whose calibration
// loss is not significantly worse than the preset's (paired interval reaching 0), not the cheapest
// whose point estimate is at or below the preset's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchedPoint } from '../../../src/engine/tune/runTune';
import type { SearchResult, Trial } from '../../../src/engine/tune/tuneSearch';
import type { InputOutcome } from '../../../src/engine/tune/tuneLoss';

const cost = { dramBytes: 10, denseDramBytes: 40, seconds: 1, denseSeconds: 2, energyJoules: 3, denseEnergyJoules: 4 };
const classified = (right: boolean): InputOutcome => ({ rows: 1, agreeRows: right ? 1 : 0, klSum: 0, denseCorrect: 1, prunedCorrect: right ? 1 : 0, cost });
/** 40 emails, the first `wrong` misclassified. */
const outcomes = (wrong: number) => Array.from({ length: 40 }, (_, i) => classified(i >= wrong));
const trial = (id: number, relativeCost: number, full: boolean) => ({ id, relativeCost, full }) as Trial;

test('matched point: the cheapest trial not significantly worse than the preset on the same calibration inputs', () => {
  const preset = trial(2, 0.8, true);
  const trials = [
    trial(1, 1, true), // dense
    preset,
    trial(3, 0.5, true), // one email more wrong than the preset: worse by 2.5 pp as a point, not significantly
    trial(4, 0.3, true), // ten more wrong: significantly worse
    trial(5, 0.6, true), // the preset's outcomes exactly, but dearer than trial 3
    trial(6, 0.2, false), // screened only: no calibration outcomes
  ];
  const calibrationOutcomes = new Map<number, InputOutcome[]>([
    [1, outcomes(0)],
    [2, outcomes(4)],
    [3, outcomes(5)],
    [4, outcomes(14)],
    [5, outcomes(4)],
  ]);
  const search = { trials, calibrationOutcomes } as SearchResult;
  assert.equal(matchedPoint(search, preset, 'accuracy', 'paper-bert', 1)?.id, 3);
  // Without trial 3, the next cheapest qualifying one.
  const without3 = { trials: trials.filter((t) => t.id !== 3), calibrationOutcomes } as SearchResult;
  assert.equal(matchedPoint(without3, preset, 'accuracy', 'paper-bert', 1)?.id, 5);
  // Nothing qualifies but the preset itself: none.
  const onlyWorse = { trials: [preset, trial(4, 0.3, true)], calibrationOutcomes } as SearchResult;
  assert.equal(matchedPoint(onlyWorse, preset, 'accuracy', 'paper-bert', 1), undefined);
});
