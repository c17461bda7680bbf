// Pareto selection on hand-made points: the front, the non-dominated ranks, crowding, and the
// cheapest point within a budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cheapestWithinBudget, crowdingDistances, dominates, nondominatedRanks, paretoFront } from '../../../src/engine/tune/pareto';

// cost, loss: A(0.2, 0.05) B(0.4, 0.01) C(0.5, 0.02: dominated by B) D(1, 0) E(0.2, 0.06: dominated by A) F(0.4, 0.01: duplicate of B)
const P = [
  { cost: 0.2, loss: 0.05 },
  { cost: 0.4, loss: 0.01 },
  { cost: 0.5, loss: 0.02 },
  { cost: 1, loss: 0 },
  { cost: 0.2, loss: 0.06 },
  { cost: 0.4, loss: 0.01 },
];

test('dominates needs no worse in both and better in one', () => {
  assert.ok(dominates(P[1], P[2]));
  assert.ok(!dominates(P[1], P[5]), 'equal points do not dominate each other');
  assert.ok(!dominates(P[0], P[1]) && !dominates(P[1], P[0]));
});

test('the front is the non-dominated points, duplicates included', () => {
  assert.deepEqual(paretoFront(P), [0, 1, 3, 5]);
  assert.deepEqual(paretoFront([]), []);
});

test('ranks peel the fronts off one by one', () => {
  assert.deepEqual(nondominatedRanks(P), [0, 0, 1, 0, 1, 0]);
});

test('crowding: boundary points infinite, inner points by their neighbours', () => {
  const pts = [
    { cost: 0, loss: 1 },
    { cost: 0.5, loss: 0.5 },
    { cost: 1, loss: 0 },
  ];
  const d = crowdingDistances(pts, [0, 0, 0]);
  assert.equal(d[0], Infinity);
  assert.equal(d[2], Infinity);
  // (1 - 0) / 1 for cost plus (1 - 0) / 1 for loss.
  assert.equal(d[1], 2);
});

test('cheapest within budget: lowest cost whose loss <= budget; ties by loss; none: -1', () => {
  assert.equal(cheapestWithinBudget(P, 0.01), 1);
  assert.equal(cheapestWithinBudget(P, 0.05), 0);
  assert.equal(cheapestWithinBudget(P, 0.001), 3);
  assert.equal(cheapestWithinBudget([{ cost: 0.1, loss: 0.5 }], 0.01), -1);
  assert.equal(cheapestWithinBudget([{ cost: 0.3, loss: 0.01 }, { cost: 0.3, loss: 0.005 }], 0.01), 1);
});
