// What a user types into the sweep command's keep-fraction box, checked before any profile runs.
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import { MAX_SWEEP_POINTS, parseKeepList } from '../../../src/engine/sweepKeeps';

test('comma-separated fractions in (0, 1], spaces and a trailing comma allowed, duplicates dropped', () => {
  assert.deepEqual(parseKeepList('1, 0.8,0.6 , 0.8,'), [1, 0.8, 0.6]);
});

test('bad lists are refused with what is wrong', () => {
  assert.throws(() => parseKeepList(''), (e: unknown) => e instanceof InputError && /no keep fractions/.test(e.message));
  assert.throws(() => parseKeepList('1, 0'), /keep fraction 0 must be in \(0, 1\]/);
  assert.throws(() => parseKeepList('1, abc'), /keep fraction NaN must be in \(0, 1\]/);
  assert.throws(() => parseKeepList('1.5'), /keep fraction 1.5/);
  const many = Array.from({ length: MAX_SWEEP_POINTS + 1 }, (_, i) => (i + 1) / (MAX_SWEEP_POINTS + 1)).join(',');
  assert.throws(() => parseKeepList(many), /over the limit of 64/);
});
