import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareClassifier,
  klDivergence,
  matchLength,
  meanWithInterval,
  perplexity,
  studentTQuantile,
  top1Agreement,
} from '../../../src/engine/spatten/accuracyMetrics';
import { tokenLogProb } from '../../../src/engine/numerics';
import { InputError } from '../../../src/engine/errors';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);
const f32 = (x: number[]) => Float32Array.from(x);

test('classifier: agreement, max |logit diff|, KL by hand', () => {
  // Dense logits [0, 0] -> P = [0.5, 0.5]; pruned [0, ln 3] -> Q = [0.25, 0.75].
  // KL(P || Q) = 0.5 ln(0.5 / 0.25) + 0.5 ln(0.5 / 0.75) = 0.5 ln 2 + 0.5 ln(2/3).
  const c = compareClassifier(f32([0, 0]), f32([0, Math.log(3)]));
  close(c.kl, 0.5 * Math.log(2) + 0.5 * Math.log(2 / 3), 1e-7);
  close(c.maxLogitDiff, Math.fround(Math.log(3)));
  assert.equal(c.denseLabel, 0); // first of a tie
  assert.equal(c.prunedLabel, 1);
  assert.equal(c.agree, false);
  assert.equal(klDivergence(f32([1, 2, 3]), f32([1, 2, 3])), 0);
});

test('language model: NLL, perplexity, top-1 agreement, match length', () => {
  // Row 0 logits [0, ln 3]: P(1) = 3/4, NLL = ln(4/3). Row 1 logits [0, 0]: P(0) = 1/2, NLL = ln 2.
  const nll = [-tokenLogProb(f32([0, Math.log(3)]), 1), -tokenLogProb(f32([0, 0]), 0)];
  close(nll[0], Math.log(4 / 3), 1e-7);
  close(nll[1], Math.log(2), 1e-7);
  close(perplexity(nll), Math.exp((Math.log(4 / 3) + Math.log(2)) / 2), 1e-7);
  assert.equal(top1Agreement(f32([0, 1, 1, 0, 5, 6]), f32([0, 2, 0, 1, 9, 1]), 2), 1 / 3);
  assert.equal(matchLength([5, 6, 7, 8], [5, 6, 9, 8]), 2);
  assert.equal(matchLength([1, 2], [1, 2, 3]), 2);
});

test('t quantiles match the tables; the t interval of [1, 2, 3] by hand', () => {
  close(studentTQuantile(0.975, 1), 12.7062, 1e-4);
  close(studentTQuantile(0.975, 2), 4.3027, 1e-4);
  close(studentTQuantile(0.975, 10), 2.2281, 1e-4);
  close(studentTQuantile(0.975, 120), 1.9799, 1e-4);
  // mean 2, sd 1, se 1/sqrt(3); half width 4.3027 / sqrt(3) = 2.4841.
  const ci = meanWithInterval([1, 2, 3]);
  close(ci.mean, 2);
  close(ci.high - ci.mean, 4.302653 / Math.sqrt(3), 1e-5);
  const one = meanWithInterval([7]);
  assert.deepEqual([one.low, one.high], [7, 7]);
  assert.throws(() => meanWithInterval([]), InputError);
});

test('bootstrap interval is seeded and brackets the mean', () => {
  const values = Array.from({ length: 40 }, (_, i) => Math.sin(i) + 2);
  const a = meanWithInterval(values, { method: 'bootstrap', seed: 9 });
  const b = meanWithInterval(values, { method: 'bootstrap', seed: 9 });
  assert.deepEqual(a, b);
  assert.ok(a.low < a.mean && a.mean < a.high);
  const t = meanWithInterval(values);
  // Both estimate the same spread: widths within 30% of each other.
  const wb = a.high - a.low;
  const wt = t.high - t.low;
  assert.ok(Math.abs(wb - wt) / wt < 0.3, `${wb} vs ${wt}`);
});
