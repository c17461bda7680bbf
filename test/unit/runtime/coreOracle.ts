// The TypeScript SpAtten core is the oracle of the engine's onnxruntime paths: these helpers run
// one model both ways and compare what the report is built from (Trace, observations, outputs).
import * as assert from 'node:assert/strict';
import type { AttentionCore } from '../../../src/engine/runtime/attentionCore';
import type { DiscoveredTransformer } from '../../../src/engine/model/transformerDiscovery';
import { layerFfnSize } from '../../../src/engine/model/layerFfnSize';
import { createSpattenCore, type SpattenAttentionCore, type SpattenCoreDims } from '../../../src/engine/spatten/spattenAttentionCore';

export function coreDimsOf(d: DiscoveredTransformer, mode: 'encoder' | 'generation'): SpattenCoreDims {
  const s = d.summary;
  const ffn = layerFfnSize(d);
  return { layers: s.layers, heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim, hiddenSize: s.hiddenSize, ffnSize: ffn.ffnSize, ffnMatrices: ffn.ffnMatrices, mode, protectedPositions: [0], modelName: s.fileName };
}

export function spattenCore(policy: string, d: DiscoveredTransformer, mode: 'encoder' | 'generation' = 'encoder'): SpattenAttentionCore {
  return createSpattenCore(policy, coreDimsOf(d, mode));
}

/** The TypeScript core behind nothing but run(): the engine must call it per core (the oracle path). */
export function tsOnly(core: SpattenAttentionCore): AttentionCore {
  return { run: (call) => core.run(call) };
}

/**
 * Deep equality where integers, strings and structure must match exactly and non-integer numbers
 * within `rel` of the larger magnitude (float32 vs float64 arithmetic of the same quantity).
 */
export function assertClose(actual: unknown, expected: unknown, rel: number, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected) && Number.isInteger(actual) && rel === 0) {
      assert.equal(actual, expected, path);
      return;
    }
    const scale = Math.max(Math.abs(expected), Math.abs(actual), 1e-30);
    assert.ok(Math.abs(actual - expected) <= rel * scale || actual === expected, `${path}: ${actual} vs ${expected} (rel ${rel})`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${path}.length`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, rel, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    assert.ok(actual && typeof actual === 'object', `${path}: not an object`);
    assert.deepEqual(Object.keys(actual as object).sort(), Object.keys(expected).sort(), `${path} keys`);
    for (const k of Object.keys(expected)) assertClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], rel, `${path}.${k}`);
    return;
  }
  assert.deepEqual(actual, expected, path);
}

/** Trace and observations of two cores: counts and decisions exact, measured floats within `rel`. */
export function assertSameRecord(ort: SpattenAttentionCore, oracle: SpattenAttentionCore, rel: number): void {
  const a = ort.trace();
  const b = oracle.trace();
  const exact = (t: typeof a) => ({ ...t, rows: t.rows.map((r) => ({ ...r, maxProbability: 0 })) });
  assert.deepEqual(exact(a), exact(b), 'trace (every field but maxProbability)');
  assertClose(a.rows.map((r) => r.maxProbability), b.rows.map((r) => r.maxProbability), rel, 'maxProbability');
  const oa = ort.observations();
  const ob = oracle.observations();
  const { tokenImportanceByLayer: ia, headImportanceByLayer: ha, refetch: ra, ...restA } = oa;
  const { tokenImportanceByLayer: ib, headImportanceByLayer: hb, refetch: rb, ...restB } = ob;
  assert.deepEqual(restA, restB, 'observations: kept tokens, pruning, contexts');
  const { events: ea, ...countsA } = ra;
  const { events: eb, ...countsB } = rb;
  assert.deepEqual(countsA, countsB, 'refetch counts and max-probability histogram');
  assertClose(ea, eb, rel, 'refetch events');
  assertClose(ia, ib, rel, 'token importance');
  assertClose(ha, hb, rel, 'head importance');
}
