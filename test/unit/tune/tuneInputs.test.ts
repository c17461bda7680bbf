// `tune --inputs N`: N inputs evenly spaced through the file, labels kept with their texts, and
// clear refusals of counts the file cannot give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evenlySpaced } from '../../../src/engine/tune/tuneInputs';
import { InputError } from '../../../src/engine/errors';

test('evenly spaced inputs: floor(k n / count), labels follow their texts', () => {
  const texts = Array.from({ length: 10 }, (_, i) => `t${i}`);
  const labels = texts.map((_, i) => i % 2);
  // n=10, count=4: indices 0, 2 (2.5), 5, 7 (7.5).
  assert.deepEqual(evenlySpaced({ texts, labels }, 4), { texts: ['t0', 't2', 't5', 't7'], labels: [0, 0, 1, 1] });
  assert.deepEqual(evenlySpaced({ texts }, 10), { texts }, 'all of them: the file as it is');
  assert.equal(evenlySpaced({ texts }, 3).labels, undefined);
});

test('counts the file cannot give are refused, naming the flag', () => {
  const texts = ['a', 'b', 'c'];
  assert.throws(() => evenlySpaced({ texts }, 4), (e: unknown) => e instanceof InputError && /--inputs/.test(e.message) && /only 3/.test(e.message));
  assert.throws(() => evenlySpaced({ texts }, 1), InputError);
  assert.throws(() => evenlySpaced({ texts }, 2.5), InputError);
});
