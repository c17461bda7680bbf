// Policy `off` must be plain dense attention (<= 1e-6) on random inputs, including grouped-query
// attention, additive masks, causal prompts and decode steps; and the pruning presets must keep
// their invariants (cascade, determinism) on random inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSpattenCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { denseAttention, makeCall, randomArray, seededRandom } from './coreCallFixtures';

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);

function randomCall(random: () => number, o: { H: number; Hkv: number; D: number; Lq: number; Lk: number; causal: boolean; mask: boolean; layer: number; step: number }) {
  let mask: Float32Array | null = null;
  if (o.mask) {
    mask = new Float32Array(o.Lq * o.Lk);
    // A padding-style mask: the last key is hidden from everyone, and a few random entries.
    for (let i = 0; i < o.Lq; i++) {
      mask[i * o.Lk + o.Lk - 1] = -10000;
      if (random() < 0.3) mask[i * o.Lk + Math.floor(random() * (o.Lk - 1))] = -3.4e38;
    }
  }
  return makeCall({
    layer: o.layer,
    step: o.step,
    heads: o.H,
    kvHeads: o.Hkv,
    headDim: o.D,
    q: randomArray(o.H * o.Lq * o.D, random),
    k: randomArray(o.Hkv * o.Lk * o.D, random),
    v: randomArray(o.Hkv * o.Lk * o.D, random),
    queryPositions: Array.from({ length: o.Lq }, (_, i) => o.Lk - o.Lq + i),
    keyLen: o.Lk,
    causal: o.causal,
    mask,
    scale: 1 / Math.sqrt(o.D),
  });
}

test('policy off equals dense attention: MHA, GQA, masks, causal prompt and decode', () => {
  const random = seededRandom(2024);
  const cases = [
    { H: 4, Hkv: 4, D: 8, Lq: 9, Lk: 9, causal: false, mask: true, mode: 'encoder' as const },
    { H: 4, Hkv: 2, D: 8, Lq: 7, Lk: 7, causal: true, mask: false, mode: 'generation' as const },
    { H: 6, Hkv: 2, D: 4, Lq: 1, Lk: 12, causal: true, mask: false, mode: 'generation' as const },
    { H: 8, Hkv: 1, D: 16, Lq: 5, Lk: 5, causal: true, mask: true, mode: 'generation' as const },
  ];
  for (const c of cases) {
    const core = createSpattenCore('off', { layers: 3, heads: c.H, kvHeads: c.Hkv, headDim: c.D, hiddenSize: c.H * c.D, ffnSize: 4 * c.H * c.D, mode: c.mode, protectedPositions: [0] });
    for (let layer = 0; layer < 3; layer++) {
      const call = randomCall(random, { ...c, layer, step: c.Lq === 1 ? 0 : -1 });
      const d = maxDiff(core.run(call), denseAttention(call));
      assert.ok(d <= 1e-6, `${JSON.stringify(c)} layer ${layer}: max diff ${d}`);
    }
    const t = core.trace();
    assert.ok(t.rows.every((r) => r.keyBits === -1 && r.refetchedQueries === 0 && r.tokenTopK === undefined));
    assert.ok(t.layerSteps!.every((s) => s.attentionFlops === s.denseAttentionFlops && s.fcFlops === s.denseFcFlops));
  }
});

function runEncoder(policy: string, seed: number) {
  const random = seededRandom(seed);
  const dims = { layers: 6, heads: 4, kvHeads: 2, headDim: 8, hiddenSize: 32, ffnSize: 128, mode: 'encoder' as const, protectedPositions: [0] };
  const core = createSpattenCore(policy, dims);
  const outs: Float32Array[] = [];
  for (let layer = 0; layer < 6; layer++) {
    outs.push(core.run(randomCall(random, { H: 4, Hkv: 2, D: 8, Lq: 24, Lk: 24, causal: false, mask: false, layer, step: -1 })));
  }
  return { core, outs };
}

test('paper-bert and aggressive on random inputs: cascade, protection, savings, determinism', () => {
  for (const policy of ['paper-bert', 'aggressive']) {
    const { core, outs } = runEncoder(policy, 11);
    const t = core.trace();
    const steps = t.layerSteps!;
    for (let l = 1; l < steps.length; l++) {
      assert.ok(steps[l].tokensIn <= steps[l - 1].tokensIn, `${policy}: tokens must not come back`);
      assert.equal(steps[l].tokensIn, steps[l - 1].tokensKept);
      assert.ok(steps[l].headsKept <= steps[l - 1].headsKept);
    }
    assert.ok(steps.at(-1)!.tokensIn < 24, `${policy} pruned some tokens`);
    assert.equal(core.observations().tokenPrunedAtLayer[0], -1, '[CLS] is protected');
    const sum = (k: 'attentionFlops' | 'denseAttentionFlops' | 'fcFlops' | 'denseFcFlops') => steps.reduce((a, s) => a + s[k], 0);
    assert.ok(sum('attentionFlops') < sum('denseAttentionFlops'));
    assert.ok(sum('fcFlops') < sum('denseFcFlops'));
    // Pruned query rows and pruned heads are exactly zero in the output.
    const pruned = core.observations().tokenPrunedAtLayer;
    const last = outs[5];
    for (let j = 0; j < 24; j++) if (pruned[j] !== -1 && pruned[j] <= 5) for (let d = 0; d < 8; d++) assert.equal(last[j * 8 + d], 0);
    const again = runEncoder(policy, 11);
    assert.deepEqual(again.core.trace(), t, `${policy} is deterministic`);
  }
});

test('bad calls are InputErrors naming the layer', () => {
  const core = createSpattenCore('off', { layers: 2, heads: 2, kvHeads: 1, headDim: 2, hiddenSize: 4, ffnSize: 8, mode: 'encoder', protectedPositions: [] });
  const ok = makeCall({ layer: 0, step: -1, heads: 2, kvHeads: 1, headDim: 2, q: new Float32Array(8), k: new Float32Array(4), v: new Float32Array(4), queryPositions: [0, 1], keyLen: 2 });
  assert.doesNotThrow(() => core.run(ok));
  assert.throws(() => core.run({ ...ok, layer: 2 }), /layer 2.*layer must be an integer in \[0, 2\)/);
  assert.throws(() => core.run({ ...ok, k: new Float32Array(3) }), /k has 3 elements, expected 4 \(\[Hkv, Lk, D\]\)/);
  assert.throws(() => core.run({ ...ok, shape: { ...ok.shape, heads: 4 } }), /does not match the model/);
  assert.throws(() => core.run({ ...ok, queryPositions: Int32Array.from([0, 5]) }), /queryPositions\[1\] = 5/);
  assert.throws(() => createSpattenCore('off', { layers: 2, heads: 2, kvHeads: 4, headDim: 2, hiddenSize: 4, ffnSize: 8, mode: 'encoder', protectedPositions: [] }), /kvHeads \(4\) exceeds heads/);
  assert.throws(() => createSpattenCore({ tokenPruning: { enabled: true, schedule: { kind: 'per-layer', keep: [1] } } }, { layers: 2, heads: 2, kvHeads: 1, headDim: 2, hiddenSize: 4, ffnSize: 8, mode: 'encoder', protectedPositions: [] }), /has 1 entries but the model has 2 layers/);
});
