import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, handCall, handCore } from './handCases';

test('head 1 (importance 0.9333 < 11.5) is pruned after layer 0 and outputs zeros after', () => {
  const core = handCore({ headPruning: { enabled: true, schedule: { kind: 'per-layer', keep: [1, 0.5] } } });
  core.run(handCall(0));
  // Head importance = sum |P x V| over the 4 rows: 4 x 2.875 and 4 x 1.4 / 6.
  assertClose(core.observations().headImportanceByLayer[0], [11.5, (4 * 1.4) / 6], 1e-5, 'head importance');
  assert.deepEqual(core.observations().headPrunedAtLayer, [-1, 1]);
  const out1 = core.run(handCall(1));
  assertClose(out1, [2.875, 2.875, 2.875, 2.875, 0, 0, 0, 0], 1e-6, 'layer 1 out');
  const t = core.trace();
  assert.deepEqual(t.rows.map((r) => [r.layer, r.head]), [[0, 0], [0, 1], [1, 0]]);
  assert.deepEqual(t.layerSteps!.map((s) => s.headsKept), [2, 1]);
  assert.deepEqual({ n: t.layerSteps![0].headTopK?.n, k: t.layerSteps![0].headTopK?.k }, { n: 2, k: 1 });
  assert.equal(t.layerSteps![1].headTopK, undefined);
  // The pruned head also stops accumulating: its importance stays at layer 0's value.
  assertClose(core.observations().headImportanceByLayer[1], [23, (4 * 1.4) / 6], 1e-5, 'after layer 1');
  // Head pruning saves the head's Q/O and (its own KV group here) K/V projections.
  assert.ok(t.layerSteps![1].fcFlops < t.layerSteps![1].denseFcFlops);
});

test('token importance only counts unpruned heads', () => {
  const core = handCore({ headPruning: { enabled: true, schedule: { kind: 'per-layer', keep: [1, 0.5] } } });
  core.run(handCall(0));
  core.run(handCall(1));
  // Layer 1 adds only head 0's 4 x [0.25, 0.125, 0.125, 0.5] to layer 0's totals.
  const l0 = [4 * (0.25 + 1 / 6), 4 * (0.125 + 0.5), 4 * (0.125 + 1 / 6), 4 * (0.5 + 1 / 6)];
  assertClose(core.observations().tokenImportanceByLayer[1], [l0[0] + 1, l0[1] + 0.5, l0[2] + 0.5, l0[3] + 2], 1e-5, 'importance');
});
