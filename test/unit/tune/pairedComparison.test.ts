// The paired held-out comparison of a tuned policy with the preset, checked by hand: McNemar's
// exact p-values from the binomial, paired bootstrap intervals that collapse when every pair
// differs by the same amount, the sign convention (+ = tuned worse), the non-inferiority verdict
// against the budget, and refusals of unpaired outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePaired, mcnemarExactP, pairedVerdict } from '../../../src/engine/tune/pairedComparison';
import { estimateLoss, type InputOutcome } from '../../../src/engine/tune/tuneLoss';
import { formatPairedComparison } from '../../../src/engine/tune/lossFormat';
import { InputError } from '../../../src/engine/errors';

const cost = { dramBytes: 10, denseDramBytes: 40, seconds: 1, denseSeconds: 2, energyJoules: 3, denseEnergyJoules: 4 };

function classified(pruned: number, dense = 1): InputOutcome {
  return { rows: 1, agreeRows: pruned === dense ? 1 : 0, klSum: 0, denseCorrect: dense, prunedCorrect: pruned, cost };
}

function passage(tokens: number, denseNll: number, prunedNll: number): InputOutcome {
  return { rows: tokens, agreeRows: tokens, klSum: 0, denseNll, prunedNll, cost };
}

test('McNemar exact p by hand', () => {
  // b=3, c=1: 2 x P[Bin(4, 1/2) <= 1] = 2 x (1 + 4) / 16 = 0.625.
  assert.ok(Math.abs(mcnemarExactP(3, 1) - 0.625) < 1e-12);
  assert.equal(mcnemarExactP(1, 3), mcnemarExactP(3, 1), 'symmetric');
  // No discordant pairs: no evidence either way.
  assert.equal(mcnemarExactP(0, 0), 1);
  // b=c: the two-sided tail sums past 1, capped.
  assert.equal(mcnemarExactP(2, 2), 1);
  // b=6, c=0: 2 / 2^6 = 0.03125.
  assert.ok(Math.abs(mcnemarExactP(6, 0) - 0.03125) < 1e-12);
  // b=10, c=2: 2 x (1 + 12 + 66) / 4096 = 0.03857421875.
  assert.ok(Math.abs(mcnemarExactP(10, 2) - 79 / 2048) < 1e-12);
  // Large counts stay finite (log-space sum): b=c=1000 is p=1, b=1000, c=800 is tiny.
  assert.equal(mcnemarExactP(1000, 1000), 1);
  const p = mcnemarExactP(1000, 800);
  assert.ok(p > 0 && p < 1e-4, `${p}`);
  assert.throws(() => mcnemarExactP(-1, 2), InputError);
  assert.throws(() => mcnemarExactP(1.5, 2), InputError);
});

test('accuracy: discordant counts, McNemar, and the difference in the loss sign (+ = tuned worse)', () => {
  // 10 inputs. Tuned right on 0..6, preset right on 0..3 and 7..9 except: pairs (tuned, preset):
  // i=0..3 (1,1); i=4,5,6 (1,0) -> b=3; i=7 (0,1) -> c=1; i=8,9 (0,0).
  const tuned = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0].map((x) => classified(x));
  const preset = [1, 1, 1, 1, 0, 0, 0, 1, 0, 0].map((x) => classified(x));
  const c = comparePaired('accuracy', tuned, preset, 'paper-bert', 0.01, { seed: 3 });
  assert.deepEqual(c.mcnemar, { b: 3, c: 1, p: 0.625 });
  // Tuned accuracy 0.7, preset 0.5: tuned loss is 0.2 lower.
  assert.ok(Math.abs(c.difference - -0.2) < 1e-12, `${c.difference}`);
  assert.ok(Math.abs(c.difference - (estimateLoss('accuracy', tuned).loss - estimateLoss('accuracy', preset).loss)) < 1e-12, 'the difference of the two rows the side-by-side shows');
  // Per-input differences are -1 (x3), +1 (x1), 0 (x6), over n=10: every resample's mean is a
  // multiple of 1/n, and the interval brackets the point; with only 4 discordant inputs it
  // reaches 0 (McNemar agrees: no evidence at p=0.625).
  for (const end of [c.interval.low, c.interval.high]) assert.ok(Math.abs(end * 10 - Math.round(end * 10)) < 1e-9, `${end} is a multiple of 1/n`);
  assert.ok(c.interval.high >= 0, JSON.stringify(c.interval));
  assert.ok(c.interval.low <= c.difference && c.difference <= c.interval.high);
  assert.equal(c.inputs, 10);
  assert.deepEqual(comparePaired('accuracy', tuned, preset, 'paper-bert', 0.01, { seed: 3 }), c, 'seeded: the same interval again');
});

test('a paired bootstrap collapses to a point when every pair differs by the same amount', () => {
  // Accuracy: identical predictions on every input: difference 0, interval [0, 0], no discordant pairs.
  const same = [1, 0, 1, 1, 0].map((x) => classified(x));
  const a = comparePaired('accuracy', same, same.map((o) => ({ ...o })), 'paper-bert', 0.01);
  assert.deepEqual([a.difference, a.interval.low, a.interval.high], [0, 0, 0]);
  assert.deepEqual(a.mcnemar, { b: 0, c: 0, p: 1 });
  assert.equal(a.verdict, 'no-worse-within-budget');
  // Perplexity: passages of equal length whose tuned NLL is each 0.1 nat/token below the preset's
  // (and whose pooled perplexities differ by a fixed amount whichever passages are drawn).
  const tokens = 100;
  const preset = [2, 2, 2, 2].map(() => passage(tokens, tokens * 5, tokens * 5.5));
  const tuned = [2, 2, 2, 2].map(() => passage(tokens, tokens * 5, tokens * 5.4));
  const p = comparePaired('perplexity', tuned, preset, 'paper-gpt2-small', 0.5);
  const expected = Math.exp(5.4) - Math.exp(5.5);
  assert.ok(Math.abs(p.difference - expected) < 1e-9);
  assert.ok(Math.abs(p.interval.low - expected) < 1e-9 && Math.abs(p.interval.high - expected) < 1e-9, JSON.stringify(p.interval));
  assert.equal(p.verdict, 'better');
  assert.equal(p.mcnemar, undefined, 'McNemar is for correct/incorrect pairs only');
});

test('pairing narrows the interval: a shared per-input difficulty cancels', () => {
  // 40 passages whose dense and preset NLL vary a lot from passage to passage; the tuned policy is
  // the preset plus a small constant per token. Unpaired, the two intervals overlap widely; paired,
  // the difference is known to within the constant's variation (none: a point).
  const tokens = 50;
  const preset: InputOutcome[] = [];
  const tuned: InputOutcome[] = [];
  for (let i = 0; i < 40; i++) {
    const nat = 4 + ((i * 37) % 11) / 5;
    preset.push(passage(tokens, tokens * nat, tokens * (nat + 0.05)));
    tuned.push(passage(tokens, tokens * nat, tokens * (nat + 0.06)));
  }
  const c = comparePaired('perplexity', tuned, preset, 'paper-gpt2-small', 0.5, { seed: 1 });
  const single = estimateLoss('perplexity', preset, { seed: 1 });
  assert.ok(c.interval.high - c.interval.low < (single.interval.high - single.interval.low) / 3, `${JSON.stringify(c.interval)} vs ${JSON.stringify(single.interval)}`);
  assert.ok(c.difference > 0, 'tuned is worse here');
});

test('the verdict reads the interval against the budget as a non-inferiority margin', () => {
  const margin = 0.01;
  assert.equal(pairedVerdict({ low: -0.03, high: -0.001 }, margin), 'better');
  assert.equal(pairedVerdict({ low: -0.01, high: 0.005 }, margin), 'no-worse-within-budget');
  // The worse end exactly on the budget (3 of 300 inputs against 1 %) is within it.
  assert.equal(pairedVerdict({ low: -0.01, high: 3 / 300 }, margin), 'no-worse-within-budget');
  assert.equal(pairedVerdict({ low: -0.01, high: 0.0134 }, margin), 'inconclusive');
  assert.equal(pairedVerdict({ low: 0.011, high: 0.03 }, margin), 'worse-beyond-budget');
});

test('the paired line says the difference, its interval, McNemar and n', () => {
  const tuned = [...Array.from({ length: 296 }, () => classified(1)), classified(1), classified(0), classified(0), classified(0)];
  const preset = [...Array.from({ length: 296 }, () => classified(1)), classified(0), classified(1), classified(1), classified(0)];
  const c = comparePaired('accuracy', tuned, preset, 'paper-bert', 0.01, { seed: 1 });
  const line = formatPairedComparison(c);
  assert.match(line, /^tuned − paper-bert: \+0\.33 pp \[[-+]?\d\.\d\d pp, \+\d\.\d\d pp\] paired, 95 % CI, McNemar p=1\.00 \(b=1, c=2\), n=300: /);
  assert.match(line, new RegExp(c.verdict === 'no-worse-within-budget' ? 'no worse than paper-bert within the budget of 1\\.00 pp$' : 'budget of 1\\.00 pp$'));
  // The other verdicts in words.
  assert.match(formatPairedComparison({ ...c, verdict: 'inconclusive' }), /: inconclusive: the CI's worse end is past the budget of 1\.00 pp$/);
  assert.match(formatPairedComparison({ ...c, verdict: 'better' }), /: better than paper-bert$/);
  assert.match(formatPairedComparison({ ...c, verdict: 'worse-beyond-budget' }), /: worse than paper-bert by more than the budget of 1\.00 pp$/);
});

test('outcomes that are not pairs are refused', () => {
  const a = [classified(1), classified(0)];
  assert.throws(() => comparePaired('accuracy', a, [classified(1)], 'paper-bert', 0.01), /same inputs/);
  assert.throws(() => comparePaired('accuracy', [], [], 'paper-bert', 0.01), InputError);
  assert.throws(() => comparePaired('perplexity', [passage(10, 1, 1)], [passage(11, 1, 1)], 'paper-gpt2-small', 0.5), /not the same input/);
  assert.throws(() => comparePaired('perplexity', a, a, 'paper-bert', 0.5), /language model/);
});
