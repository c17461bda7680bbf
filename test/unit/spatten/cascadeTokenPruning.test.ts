import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose, handCall, handCore } from './handCases';

const tokensPolicy = { tokenPruning: { enabled: true, schedule: { kind: 'per-layer', keep: [1, 0.75] } } };

test('encoder: the lowest cumulative importance (token 2) is pruned after layer 0', () => {
  const core = handCore(tokensPolicy);
  const out0 = core.run(handCall(0));
  // Nothing is pruned before the first top-k: the dense outputs of the hand case.
  assertClose(out0, [2.875, 2.875, 2.875, 2.875, 1.4 / 6, 1.4 / 6, 1.4 / 6, 1.4 / 6], 1e-6, 'layer 0 out');
  assertClose(core.observations().tokenImportanceByLayer[0], [4 * (0.25 + 1 / 6), 4 * (0.125 + 0.5), 4 * (0.125 + 1 / 6), 4 * (0.5 + 1 / 6)], 1e-5, 'importance');
  // keep floor(0.75 x 4) = 3 for layer 1: token 2 (1.1667) goes.
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [-1, -1, 1, -1]);
  const trace = core.trace();
  assert.deepEqual(trace.rows[1].tokenTopK?.n, 4);
  assert.deepEqual(trace.rows[1].tokenTopK?.k, 3);
  assert.equal(trace.rows[0].tokenTopK, undefined, 'the top-k runs after the last head of the layer');

  const out1 = core.run(handCall(1));
  // Layer 1 sees tokens {0, 1, 3}. Head 0: exp [2, 1, 4] / 7 -> (2 x 1 + 1 x 2 + 4 x 4) / 7 = 20 / 7.
  // Head 1: exp [1, 3, 1] / 5 -> (0.1 + 0.6 + 0.4) / 5 = 0.22. The pruned row 2 is not computed.
  assertClose(out1, [20 / 7, 20 / 7, 0, 20 / 7, 0.22, 0.22, 0, 0.22], 1e-6, 'layer 1 out');
  const rows = core.trace().rows.filter((r) => r.layer === 1);
  assert.deepEqual(rows.map((r) => [r.queries, r.keysFetched, r.valuesFetched, r.sentenceLength]), [[3, 3, 3, 4], [3, 3, 3, 4]]);
  const steps = core.trace().layerSteps!;
  assert.deepEqual(steps.map((s) => [s.tokensIn, s.tokensKept]), [[4, 3], [3, 3]]);
  // FC work: 3 tokens instead of 4 in layer 1. Attention: 2 heads x 3 rows x (2 x 1 x 3) x 2 = 72 vs dense 2 x 4 x 8 x 2 = 128.
  assert.equal(steps[1].fcFlops * 4, steps[1].denseFcFlops * 3);
  assert.equal(steps[1].attentionFlops, 72);
  assert.equal(steps[1].denseAttentionFlops, 128);
  assert.deepEqual(core.observations().keptTokensByLayer, [[0, 1, 2, 3], [0, 1, 3]]);
});

test('a protected position is never pruned: token 0 goes instead of token 2', () => {
  const core = handCore(tokensPolicy, [2]);
  core.run(handCall(0));
  // Without token 2 in the race the lowest is token 0 (1.6667).
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [1, -1, -1, -1]);
});

test('policy protect.positions and sinkTokens protect too', () => {
  const a = handCore({ tokenPruning: { ...tokensPolicy.tokenPruning, protect: { positions: [2] } } });
  a.run(handCall(0));
  assert.deepEqual(a.observations().tokenPrunedAtLayer, [1, -1, -1, -1]);
  const b = handCore({ tokenPruning: { ...tokensPolicy.tokenPruning, protect: { sinkTokens: 3 } } });
  b.run(handCall(0));
  assert.deepEqual(b.observations().tokenPrunedAtLayer, [-1, -1, -1, 1]);
});

test('resetForNewInput forgets the pruning', () => {
  const core = handCore(tokensPolicy);
  core.run(handCall(0));
  core.run(handCall(1));
  core.resetForNewInput();
  assert.equal(core.trace().rows.length, 0);
  core.run(handCall(0));
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [-1, -1, 1, -1]);
  assert.equal(core.trace().rows.length, 2);
});

test('protected tokens survive even when the schedule keeps fewer', () => {
  // keep floor(0.25 x 4) = 1, but tokens 0 and 2 are protected: both stay, 1 and 3 go.
  const core = handCore({ tokenPruning: { enabled: true, schedule: { kind: 'per-layer', keep: [1, 0.25] }, protect: { positions: [0, 2] } } });
  core.run(handCall(0));
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [-1, 1, -1, 1]);
});
