// Generation: prompt pass, then decode steps with the KV cache pruned as in SpAtten.
// One head, D = 1, every query 0: every row's probabilities are uniform over what it sees, so the
// importance is easy by hand. V at position j is j. Two layers, keep 0.5 of the context per layer.
import type { SpattenObservations } from '../../../src/engine/spatten/observations';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSpattenCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { makeCall } from './coreCallFixtures';
import { assertClose } from './handCases';

/** Token positions that (step, layer) processed: those with no pruning event at or before it. */
function keptTokensAt(o: SpattenObservations, step: number, layer: number): number[] {
  const context = o.contextByStep.find(([s]) => s === step)?.[1];
  if (context === undefined) return [];
  const gone = new Uint8Array(context);
  for (const e of o.tokenPruneEvents) if (e.step <= step && e.layer <= layer && e.token < context) gone[e.token] = 1;
  const out: number[] = [];
  for (let j = 0; j < context; j++) if (gone[j] === 0) out.push(j);
  return out;
}

const dims = { layers: 2, heads: 1, kvHeads: 1, headDim: 1, hiddenSize: 1, ffnSize: 4, mode: 'generation' as const, protectedPositions: [] };

function promptCall(layer: number) {
  return makeCall({ layer, step: -1, heads: 1, kvHeads: 1, headDim: 1, q: [0, 0, 0, 0], k: [0.3, -1, 2, 0.5], v: [0, 1, 2, 3], queryPositions: [0, 1, 2, 3], keyLen: 4, causal: true });
}
function decodeCall(layer: number, step: number) {
  const Lk = 5 + step;
  const k = Array.from({ length: Lk }, (_, j) => Math.cos(j));
  const v = Array.from({ length: Lk }, (_, j) => j);
  return makeCall({ layer, step, heads: 1, kvHeads: 1, headDim: 1, q: [0], k, v, queryPositions: [Lk - 1], keyLen: Lk, causal: true });
}
function runStep(core: ReturnType<typeof createSpattenCore>, step: number): Float32Array[] {
  return [0, 1].map((l) => (step < 0 ? core.run(promptCall(l)) : core.run(decodeCall(l, step))));
}

const policy = { extends: 'off', tokenPruning: { enabled: true, schedule: { kind: 'per-layer', keep: [0.5, 0.5] } } };

test('first generated token fetches all; pruning starts at step 1 and can hit layer 0', () => {
  const core = createSpattenCore(policy, dims);
  runStep(core, -1);
  // Prompt (causal, uniform): token j gets sum_{i >= j} 1 / (i + 1) per layer:
  //   [2.0833, 1.0833, 0.5833, 0.25] x 2 layers = [4.1667, 2.1667, 1.1667, 0.5].
  assertClose(core.observations().tokenImportanceByLayer[1], [25 / 6, 13 / 6, 7 / 6, 0.5], 1e-6, 'after prompt');
  runStep(core, 0);
  // Step 0 (query at 4 sees 5 tokens, 1/5 each, 2 layers): + 0.4 each.
  assertClose(core.observations().tokenImportanceByLayer[1], [25 / 6 + 0.4, 13 / 6 + 0.4, 7 / 6 + 0.4, 0.9, 0.4], 1e-6, 'after step 0');
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [-1, -1, -1, -1, -1], 'step 0 fetches everything');
  const out1 = runStep(core, 1);
  // Step 1, layer 0: keep floor(0.5 x 6) = 3 = the new token 5 (protected) + tokens 0 and 1.
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [-1, -1, 0, 0, 0, -1]);
  assertClose(out1[0], [(0 + 1 + 5) / 3], 1e-6, 'step 1 layer 0 output');
  const t = core.trace();
  // The top-k that decided step 1 / layer 0 runs after the last row of step 0 (authors' convention).
  const lastOfStep0 = t.rows.filter((r) => r.step === 0).at(-1)!;
  assert.deepEqual([lastOfStep0.layer, lastOfStep0.tokenTopK?.n, lastOfStep0.tokenTopK?.k], [1, 6, 3]);
  assert.deepEqual(t.rows.filter((r) => r.step >= 0).map((r) => [r.step, r.layer, r.keysFetched]), [[0, 0, 5], [0, 1, 5], [1, 0, 3], [1, 1, 3]]);
  // Prompt rows: 4 queries, all 4 keys fetched once (causal masking happens in the datapath).
  assert.deepEqual(t.rows.filter((r) => r.step === -1).map((r) => [r.queries, r.keysFetched, r.valuesFetched]), [[4, 4, 4], [4, 4, 4]]);
  // Attention FLOPs of the prompt are causal: (1 + 2 + 3 + 4) keys x 2 (Q x K) x 2 (P x V) x D 1 = 40 per layer.
  assert.equal(t.layerSteps![0].attentionFlops, 40);

  runStep(core, 2);
  // Step 2, layer 0: Lk = 7, keep 3; alive {0, 1, 5, 6}, 6 protected. Scores: token 0 25/6 + 0.4 + 2/3,
  // token 1 13/6 + 0.4 + 2/3, token 5 2 x 1/3 = 0.667: token 5 goes, pruned at layer 0 in step 2.
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [-1, -1, 0, 0, 0, 0, -1]);
  assert.deepEqual(core.observations().tokenPrunedAtStep, [-2, -2, 1, 1, 1, 2, -2]);
  assert.deepEqual(core.observations().keptTokensByLayer, [[0, 1, 6], [0, 1, 6]]);
  const steps = core.trace().layerSteps!.filter((s) => s.step === 2);
  assert.deepEqual(steps.map((s) => [s.tokensIn, s.tokensKept]), [[4, 3], [3, 3]]);
  // Any earlier (step, layer) is reconstructed from the pruning events.
  assert.deepEqual(keptTokensAt(core.observations(), 0, 1), [0, 1, 2, 3, 4]);
  assert.deepEqual(keptTokensAt(core.observations(), 1, 0), [0, 1, 5]);
  assert.deepEqual(keptTokensAt(core.observations(), 2, 1), [0, 1, 6]);
  assert.deepEqual(keptTokensAt(core.observations(), -1, 0), [0, 1, 2, 3]);
  assert.deepEqual(core.observations().tokenPruneEvents, [
    { step: 1, layer: 0, token: 2 },
    { step: 1, layer: 0, token: 3 },
    { step: 1, layer: 0, token: 4 },
    { step: 2, layer: 0, token: 5 },
  ]);
});

test('LLM variant: averaged scores and protected recent tokens', () => {
  const core = createSpattenCore(
    { ...policy, tokenPruning: { ...policy.tokenPruning, scoring: 'average', protect: { recentTokens: 2 } } },
    dims,
  );
  for (const s of [-1, 0, 1]) runStep(core, s);
  // Step 1, layer 0: tokens 4 and 5 are recent. Averages (sum / rows that saw the token):
  // token 0: 4.5667 / 10 = 0.457, token 1: 2.5667 / 8 = 0.321, token 2: 1.5667 / 6 = 0.261,
  // token 3: 0.9 / 4 = 0.225. Keep 3 = {4, 5} + token 0.
  assert.deepEqual(core.observations().tokenPrunedAtLayer, [-1, 0, 0, 0, -1, -1]);
  assert.equal(core.trace().rows[0].rescaleImportance, true);
  assert.deepEqual(core.protectedPositions(6), [4, 5]);
});

test('a pruned token stays pruned: later steps never fetch it at that layer', () => {
  const core = createSpattenCore(policy, dims);
  for (const s of [-1, 0, 1, 2, 3, 4]) runStep(core, s);
  const pruned = core.observations().tokenPrunedAtLayer;
  assert.deepEqual(pruned.slice(2, 6), [0, 0, 0, 0]);
  const rows = core.trace().rows.filter((r) => r.step >= 1);
  // keep floor(0.5 x Lk) at every layer; Lk = 6 .. 9.
  assert.deepEqual(rows.map((r) => r.keysFetched), [3, 3, 3, 3, 4, 4, 4, 4]);
});

test('decode steps that re-run the whole prefix count only the new row (same decisions as with a KV cache)', () => {
  const cached = createSpattenCore(policy, dims);
  const prefix = createSpattenCore(policy, dims);
  for (const s of [-1, 0, 1, 2]) runStep(cached, s);
  [0, 1].forEach((l) => prefix.run(promptCall(l)));
  for (const step of [0, 1, 2]) {
    for (const layer of [0, 1]) {
      const one = decodeCall(layer, step);
      const Lk = one.shape.keyLen;
      // The whole prefix as queries; every query is 0, like the cached run's rows.
      const full = { ...one, shape: { ...one.shape, queryLen: Lk }, q: new Float32Array(Lk), queryPositions: Int32Array.from({ length: Lk }, (_, i) => i) };
      const out = prefix.run(full);
      // The new row equals the cached run's single row.
      if (step === 2 && layer === 0) assertClose([out[Lk - 1]], [7 / 3], 1e-6, 'new row');
    }
  }
  assert.deepEqual(prefix.observations().tokenPrunedAtLayer, cached.observations().tokenPrunedAtLayer);
  assert.deepEqual(prefix.observations().tokenImportanceByLayer, cached.observations().tokenImportanceByLayer);
  const rows = (c: typeof cached) => c.trace().rows.map((r) => [r.step, r.layer, r.queries, r.keysFetched, r.tokenTopK?.roundSizes]);
  assert.deepEqual(rows(prefix), rows(cached));
  const flops = (c: typeof cached) => c.trace().layerSteps!.map((s) => [s.attentionFlops, s.fcFlops]);
  assert.deepEqual(flops(prefix), flops(cached));
});

test('local V pruning skips the prompt pass unless inPromptPass is set', () => {
  const withV = (inPromptPass: boolean) => {
    const core = createSpattenCore({ extends: 'off', localVPruning: { enabled: true, keepFraction: 0.5, inPromptPass } }, dims);
    const prompt = runStep(core, -1);
    runStep(core, 0);
    return { prompt, rows: core.trace().rows };
  };
  const skip = withV(false);
  // Prompt rows: no local-V top-k, every visible V row kept: query i (uniform over i + 1 keys,
  // V[j] = j) outputs i / 2, exactly dense attention.
  assertClose(skip.prompt[0], [0, 0.5, 1, 1.5], 1e-6, 'prompt output undisturbed');
  assert.deepEqual(skip.rows.filter((r) => r.step === -1).map((r) => [r.valuesFetched, r.localVTopK]), [[4, undefined], [4, undefined]]);
  // Decode step 0 prunes: 5 keys visible, keep 0.5 -> 2 values, one top-k call of n = 5, k = 2.
  assert.deepEqual(skip.rows.filter((r) => r.step === 0).map((r) => [r.valuesFetched, r.localVTopK?.n, r.localVTopK?.k]), [[2, 5, 2], [2, 5, 2]]);
  const all = withV(true);
  // In the prompt pass too: query 3 sees 4 keys at 1/4 each, keeps 2 (ties broken by position:
  // V rows 0 and 1, probabilities not renormalized) -> (0 + 1) / 4 = 0.25.
  assert.equal(all.prompt[0][3], 0.25);
  assert.ok(all.rows.filter((r) => r.step === -1).every((r) => r.localVTopK !== undefined));
});

test('the trace records the kept token ids of every (step, layer)', () => {
  const core = createSpattenCore(policy, dims);
  for (const s of [-1, 0, 1, 2]) runStep(core, s);
  const kept = core.trace().layerSteps!.map((s) => [s.step, s.layer, s.keptTokens]);
  // Same decisions as the first test: step 1 keeps {0, 1, 5}; step 2 keeps {0, 1, 6}.
  assert.deepEqual(kept.filter(([s]) => (s as number) >= 1), [
    [1, 0, [0, 1, 5]],
    [1, 1, [0, 1, 5]],
    [2, 0, [0, 1, 6]],
    [2, 1, [0, 1, 6]],
  ]);
  assert.deepEqual(kept[0], [-1, 0, [0, 1, 2, 3]]);
});
