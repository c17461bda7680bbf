import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importanceRanks, TokenImportance } from '../../../src/engine/spatten/tokenImportance';

test('cumulative and averaged scores, by hand', () => {
  const t = new TokenImportance();
  t.ensure(3);
  // Row 1 sees tokens 0 and 1 with P [0.75, 0.25]; row 2 sees all three with P [0.5, 0.25, 0.25].
  t.addRow(Float64Array.from([0.75, 0.25]), Int32Array.from([0, 1]), 2);
  t.addRow(Float64Array.from([0.5, 0.25, 0.25]), Int32Array.from([0, 1, 2]), 3);
  const cum = new Float64Array(3);
  t.scoresInto(cum, 3, 'cumulative');
  assert.deepEqual(Array.from(cum), [1.25, 0.5, 0.25]);
  // Averages: 1.25 / 2, 0.5 / 2, 0.25 / 1: the newest token is no longer last.
  t.scoresInto(cum, 3, 'average');
  assert.deepEqual(Array.from(cum), [0.625, 0.25, 0.25]);
  t.ensure(5); // growth keeps old sums and starts new tokens at zero
  assert.equal(t.score(0, 'cumulative'), 1.25);
  assert.equal(t.score(4, 'average'), 0);
});

test('ranks: 0 = most important, ties by position', () => {
  assert.deepEqual(importanceRanks([0.2, 0.9, 0.2, 0.5]), [2, 0, 3, 1]);
});
