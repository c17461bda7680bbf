import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneLocalValues, valuesKept } from '../../../src/engine/spatten/localVPruning';
import { QuickSelectTopK } from '../../../src/engine/spatten/quickSelectTopK';
import { seededRandom } from '../../../src/engine/seededRandom';
import { assertClose, handCall, handCore } from './handCases';

test('keep fraction 0.5 of 4 keys: the two largest probabilities, not renormalized', () => {
  const core = handCore({ localVPruning: { enabled: true, keepFraction: 0.5 } });
  const out = core.run(handCall(0));
  // Head 0: P = [0.25, 0.125, 0.125, 0.5] keeps tokens 0 and 3: 0.25 x 1 + 0.5 x 4 = 2.25.
  // Head 1: P = [1/6, 1/2, 1/6, 1/6] keeps token 1 and, of the tied 1/6s, the first (token 0):
  //   0.1 / 6 + 0.2 / 2 = 0.116667.
  const h1 = 0.1 / 6 + 0.1;
  assertClose(out, [2.25, 2.25, 2.25, 2.25, h1, h1, h1, h1], 1e-6, 'out');
  const rows = core.trace().rows;
  assert.deepEqual(rows.map((r) => [r.keysFetched, r.valuesFetched, r.localVTopK?.n, r.localVTopK?.k]), [[4, 2, 4, 2], [4, 2, 4, 2]]);
  assert.equal(rows[0].localVTopK?.roundSizes?.[0], 4);
  // Token importance is taken before V pruning: same as the hand case's totals.
  assertClose(core.observations().tokenImportanceByLayer[0], [4 * (0.25 + 1 / 6), 4 * (0.125 + 0.5), 4 * (0.125 + 1 / 6), 4 * (0.5 + 1 / 6)], 1e-5, 'importance');
});

test('valuesKept floors like the traces (0.2 x 921 = 184) and keeps at least one', () => {
  assert.equal(valuesKept(0.2, 921), 184);
  assert.equal(valuesKept(0.2, 102), 20);
  assert.equal(valuesKept(0.2, 3), 1);
  assert.equal(valuesKept(0.2, 0), 0);
  const probs = Float64Array.from([0.1, 0.4, 0.2, 0.3]);
  const r = pruneLocalValues(probs, 4, 0.5, new QuickSelectTopK(seededRandom(1)));
  assert.equal(r.kept, 2);
  assert.deepEqual(Array.from(probs), [0, 0.4, 0, 0.3]);
});
