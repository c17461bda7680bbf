// The SpAtten core with its arithmetic in onnxruntime (runtime/ortAttentionKernel.ts) makes the
// TypeScript core's decisions (kept tokens and heads, refetched rows: the whole Trace but the
// measured max probabilities, which agree to float64 rounding) and its outputs differ by <= 1e-5,
// on every fixture and both trained models, for the pruning policies and quantization modes.
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as path from 'node:path';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import type { AttentionCore } from '../../../src/engine/runtime/attentionCore';
import type { SpattenAttentionCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { CI_FIXTURES, generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { assertSameRecord, spattenCore, tsOnly } from './coreOracle';
import { maxDiff } from './logitDiff';

/** Policies whose encoder passes run on the kernel: static and progressive quantization, pruning on. */
const POLICIES: (string | Record<string, unknown>)[] = [
  'paper-bert',
  { extends: 'aggressive', name: 'aggressive-no-local-v', localVPruning: { enabled: false } },
  { extends: 'paper-bert', name: 'progressive-bert', quantization: { mode: 'progressive', keyBits: 6, keyLsbBits: 4, valueBits: 6, threshold: 0.3 } },
];

/** The kernel path only: the dense-pass shortcut of policy off is tested in wholeGraphPass.test.ts. */
function kernelOnly(core: SpattenAttentionCore): AttentionCore {
  return { run: (call) => core.run(call), kernelPath: core.kernelPath };
}

async function checkEncoder(t: { diagnostic: (s: string) => void }, file: string, ids: number[]): Promise<void> {
  const loaded = await loadOnnxModel(file);
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  const engine = await EngineSession.create(loaded, d);
  try {
    for (const policy of ['off', ...POLICIES]) {
      const name = typeof policy === 'string' ? policy : String(policy.name);
      const oracle = spattenCore(policy as string, d);
      const a = await engine.runEncoder(ids, tsOnly(oracle));
      const ortCore = spattenCore(policy as string, d);
      const before = engine.kernelMs();
      const b = await engine.runEncoder(ids, kernelOnly(ortCore));
      assert.ok(engine.kernelMs() > before, `${name}: the kernel ran`);
      const diff = maxDiff(a.logits, b.logits);
      t.diagnostic(`${name}: max|logit diff| ${diff.toExponential(2)}, kept tokens at the last layer ${ortCore.observations().keptTokensByLayer.at(-1)?.length}, refetched rows ${ortCore.trace().rows.reduce((s, r) => s + r.refetchedQueries, 0)}`);
      assert.ok(diff <= 1e-5, `${name}: outputs differ by ${diff}`);
      assertSameRecord(ortCore, oracle, 1e-9);
    }
  } finally {
    await engine.release();
  }
}

const IDS = [3, 7, 11, 5, 9, 2, 4, 8, 1, 6, 10, 12, 13, 14, 3, 3];

for (const f of CI_FIXTURES) {
  test(`ORT kernel ${f.kind}/${f.variant}: the TypeScript core's decisions, outputs within 1e-5`, async (t) => {
    await checkEncoder(t, generateFixture(f.kind, f.variant).path, IDS);
  });
}

for (const dir of ['encoder', 'decoder']) {
  test(`ORT kernel models/${dir}: the TypeScript core's decisions, outputs within 1e-5`, async (t) => {
    const ids = Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 500);
    await checkEncoder(t, path.join(REPO_ROOT, 'models', dir, 'model.onnx'), ids);
  });
}
