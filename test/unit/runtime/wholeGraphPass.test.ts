// Policy `off` runs as one pass of the unmodified graph with in-graph importance reductions
// (runtime/wholeGraphPass.ts). Its outputs equal a plain onnxruntime run, and the Trace and
// observations equal what the TypeScript core records through the segments (the oracle): every
// count and decision exactly, the measured probabilities and importance within float32 rounding.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { ReferenceModel } from '../../../src/engine/runtime/referenceRun';
import { wholeGraphRefusal } from '../../../src/engine/runtime/wholeGraphPass';
import { CI_FIXTURES, generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { assertSameRecord, spattenCore, tsOnly } from './coreOracle';
import { fp16Tolerance, maxDiff, TOLERANCE } from './logitDiff';

const IDS = [3, 7, 11, 5, 9, 2, 4, 8, 1, 6, 10, 12];

async function checkOff(t: { diagnostic: (s: string) => void }, file: string, ids: number[], fp16: boolean): Promise<void> {
  const loaded = await loadOnnxModel(file);
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  const ref = await ReferenceModel.create(loaded.proto, d);
  const engine = await EngineSession.create(loaded, d);
  try {
    const plain = await ref.run(ids);
    const oracle = spattenCore('off', d);
    const viaCores = await engine.runEncoder(ids, tsOnly(oracle));
    const ortCore = spattenCore('off', d);
    assert.ok(ortCore.densePass, 'policy off offers the dense pass');
    const before = engine.timings().coreMs;
    const whole = await engine.runEncoder(ids, ortCore);
    const refusal = wholeGraphRefusal(d.cores);
    if (refusal !== null) {
      t.diagnostic(`segment path (${refusal})`);
      assert.ok(engine.timings().coreMs > before, 'a graph the whole pass refuses still runs through the cores');
    } else {
      assert.equal(engine.timings().coreMs, before, 'no attention computed in TypeScript');
      assert.equal(maxDiff(whole.logits, plain.logits), 0, 'the whole pass is the unmodified graph');
    }
    const tol = fp16 ? fp16Tolerance(plain.logits) : TOLERANCE;
    assert.ok(maxDiff(whole.logits, viaCores.logits) <= tol);
    // fp16 graphs hand out half-precision probabilities: their sums agree to fp16 rounding.
    assertSameRecord(ortCore, oracle, fp16 ? 4e-3 : 2e-6);
  } finally {
    await ref.release();
    await engine.release();
  }
}

for (const f of CI_FIXTURES) {
  test(`policy off ${f.kind}/${f.variant}: one unmodified pass, the oracle's Trace and observations`, async (t) => {
    await checkOff(t, generateFixture(f.kind, f.variant).path, IDS, f.variant === 'fp16');
  });
}

for (const dir of ['encoder', 'decoder']) {
  test(`policy off models/${dir}: one unmodified pass, the oracle's Trace and observations`, async (t) => {
    const ids = Array.from({ length: 40 }, (_, i) => (i * 37 + 11) % 500);
    await checkOff(t, path.join(REPO_ROOT, 'models', dir, 'model.onnx'), ids, false);
  });
}
