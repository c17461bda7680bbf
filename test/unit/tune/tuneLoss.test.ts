// The loss `tune` bounds and its intervals, checked by hand: Wilson intervals against the
// closed form (and the encoder's MODEL.md figure), the normal quantile, losses of hand-made
// outcomes, and a seeded bootstrap that repeats exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { absoluteBudget, estimateLoss, normalQuantile, parseBudget, relativeCost, totalCost, wilsonInterval, type InputOutcome } from '../../../src/engine/tune/tuneLoss';
import { InputError } from '../../../src/engine/errors';

const cost = { dramBytes: 10, denseDramBytes: 40, seconds: 1, denseSeconds: 2, energyJoules: 3, denseEnergyJoules: 4 };

function classifier(dense: number, pruned: number): InputOutcome {
  return { rows: 1, agreeRows: dense === pruned ? 1 : 0, klSum: dense === pruned ? 0.001 : 0.5, denseCorrect: dense, prunedCorrect: pruned, cost };
}

test('normal quantile matches the tables', () => {
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.01) + 2.326348) < 1e-6);
});

test('Wilson interval by hand', () => {
  // 583 of 600 (the encoder's dense accuracy in models/encoder/MODEL.md): [0.9551, 0.9822].
  const w = wilsonInterval(583, 600);
  assert.ok(Math.abs(w.low - 0.9551) < 5e-5 && Math.abs(w.high - 0.9822) < 5e-5, JSON.stringify(w));
  // 0 of 10: low 0, high z^2 / (n + z^2) = 3.8415 / 13.8415 = 0.27753.
  const z = wilsonInterval(0, 10);
  assert.equal(z.low, 0);
  assert.ok(Math.abs(z.high - 0.27753) < 1e-4);
  // 5 of 10: centre 0.5, half = z sqrt(0.025 + z^2/400) / (1 + z^2/10) = 0.2366 -> [0.2366, 0.7634].
  const h = wilsonInterval(5, 10);
  assert.ok(Math.abs(h.low - 0.2366) < 1e-4 && Math.abs(h.high - 0.7634) < 1e-4, JSON.stringify(h));
});

test('accuracy loss: dense accuracy minus SpAtten accuracy, with Wilson intervals of both', () => {
  // 100 inputs: dense right on 95, SpAtten right on 93 (two flips), paired.
  const xs = [...Array.from({ length: 93 }, () => classifier(1, 1)), classifier(1, 0), classifier(1, 0), ...Array.from({ length: 5 }, () => classifier(0, 0))];
  const e = estimateLoss('accuracy', xs, { seed: 7 });
  assert.ok(Math.abs(e.loss - 0.02) < 1e-12);
  assert.equal(e.dense, 0.95);
  assert.equal(e.pruned, 0.93);
  assert.deepEqual(e.denseInterval, wilsonInterval(95, 100));
  assert.deepEqual(e.prunedInterval, wilsonInterval(93, 100));
  // The paired bootstrap of a loss that is 0 or 1/n per input stays within [0, 0.06] and brackets 0.02.
  assert.ok(e.interval.low >= 0 && e.interval.low <= 0.02 && e.interval.high >= 0.02 && e.interval.high <= 0.06, JSON.stringify(e.interval));
  assert.deepEqual(estimateLoss('accuracy', xs, { seed: 7 }), e, 'same seed, same interval');
});

test('agreement and KL losses pool rows', () => {
  const xs: InputOutcome[] = [
    { rows: 10, agreeRows: 9, klSum: 0.5, cost },
    { rows: 30, agreeRows: 30, klSum: 0.3, cost },
  ];
  assert.ok(Math.abs(estimateLoss('agreement', xs).loss - 1 / 40) < 1e-12);
  assert.ok(Math.abs(estimateLoss('kl', xs).loss - 0.8 / 40) < 1e-12);
});

test('perplexity loss: pooled exp(mean NLL) of SpAtten minus dense', () => {
  const xs: InputOutcome[] = [
    { rows: 10, agreeRows: 10, klSum: 0, denseNll: 10 * Math.log(4), prunedNll: 10 * Math.log(5), cost },
    { rows: 10, agreeRows: 10, klSum: 0, denseNll: 10 * Math.log(4), prunedNll: 10 * Math.log(5), cost },
  ];
  const e = estimateLoss('perplexity', xs);
  assert.ok(Math.abs(e.dense - 4) < 1e-9 && Math.abs(e.pruned - 5) < 1e-9 && Math.abs(e.loss - 1) < 1e-9);
  assert.ok(Math.abs(e.interval.low - 1) < 1e-9 && Math.abs(e.interval.high - 1) < 1e-9, 'identical inputs: a zero-width interval');
});

test('metrics the outcomes cannot give are refused', () => {
  assert.throws(() => estimateLoss('accuracy', [{ rows: 1, agreeRows: 1, klSum: 0, cost }]), InputError);
  assert.throws(() => estimateLoss('perplexity', [classifier(1, 1)]), /language model/);
});

test('budgets: percentages, absolute values, relative perplexity', () => {
  assert.deepEqual(parseBudget('1%', 'accuracy'), { value: 0.01, relative: false });
  assert.deepEqual(parseBudget('0.02', 'agreement'), { value: 0.02, relative: false });
  assert.deepEqual(parseBudget('0.5', 'perplexity'), { value: 0.5, relative: false });
  const rel = parseBudget('2%', 'perplexity');
  assert.equal(absoluteBudget(rel, 50), 1);
  assert.throws(() => parseBudget('1%', 'kl'), /nats/);
  assert.throws(() => parseBudget('abc', 'accuracy'), InputError);
  assert.throws(() => parseBudget('150%', 'accuracy'), InputError);
  assert.throws(() => parseBudget('0', 'perplexity'), InputError);
});

test('costs sum over inputs and are relative to dense', () => {
  const t = totalCost([classifier(1, 1), classifier(1, 1)]);
  assert.equal(t.dramBytes, 20);
  assert.equal(relativeCost('dram', t), 0.25);
  assert.equal(relativeCost('latency', t), 0.5);
  assert.equal(relativeCost('energy', t), 0.75);
});
