// The SpAtten core with its arithmetic in onnxruntime (runtime/ortAttentionKernel.ts) makes the
// TypeScript core's decisions (kept tokens and heads, refetched rows: the whole Trace but the
// measured max probabilities) and its outputs differ by <= 1e-5, on every fixture and both trained
// models, for the pruning policies and quantization modes. Both kernels: float32 scores (the
// default; measured values within float32 rounding, 1e-5 relative) and float64 scores (within
// float64 rounding, 1e-9).
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../../../src/engine/onnx/onnxModelLoader';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { loadTokenizerForModel } from '../../../src/engine/tokenize/tokenizerForModel';
import type { AttentionCore } from '../../../src/engine/runtime/attentionCore';
import type { SpattenAttentionCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { CI_FIXTURES, generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { assertSameRecord, spattenCore, tsOnly } from './coreOracle';
import { KERNEL_MEASURED_REL, kernelOutputBound, maxDiff } from './logitDiff';

/** Policies whose encoder passes run on the kernel: static and progressive quantization, pruning on. */
const POLICIES: (string | Record<string, unknown>)[] = [
  'paper-bert',
  { extends: 'aggressive', name: 'aggressive-no-local-v', localVPruning: { enabled: false } },
  { extends: 'paper-bert', name: 'progressive-bert', quantization: { mode: 'progressive', keyBits: 6, keyLsbBits: 4, valueBits: 6, threshold: 0.3 } },
  // Local V pruning: the kernel hands over float64 probabilities, each row's top-k runs here.
  'aggressive',
  { extends: 'paper-bert', name: 'bert-local-v', localVPruning: { enabled: true, keepFraction: 0.3 } },
];

/** The kernel path only: the dense-pass shortcut of policy off is tested in wholeGraphPass.test.ts. */
function kernelOnly(core: SpattenAttentionCore): AttentionCore {
  return { run: (call) => core.run(call), kernelPath: core.kernelPath };
}

/** Both kernels against the TypeScript loops, each with its tolerance of the measured values. */
const KERNELS = [
  { kernel: 'onnxruntime', rel: KERNEL_MEASURED_REL.float32 },
  { kernel: 'onnxruntime-float64', rel: KERNEL_MEASURED_REL.float64 },
] as const;

async function checkEncoder(t: { diagnostic: (s: string) => void }, file: string, ids: number[], fp16 = false, kernels: readonly (typeof KERNELS)[number][] = KERNELS): Promise<void> {
  const loaded = await loadOnnxModel(file);
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  for (const { kernel, rel } of kernels) {
    const engine = await EngineSession.create(loaded, d, { attentionKernel: kernel });
    try {
      for (const policy of ['off', ...POLICIES]) {
        const name = `${kernel} ${typeof policy === 'string' ? policy : String(policy.name)}`;
        const oracle = spattenCore(policy as string, d);
        const a = await engine.runEncoder(ids, tsOnly(oracle));
        const ortCore = spattenCore(policy as string, d);
        const before = engine.kernelMs();
        const b = await engine.runEncoder(ids, kernelOnly(ortCore));
        assert.ok(engine.kernelMs() > before, `${name}: the kernel ran`);
        const diff = maxDiff(a.logits, b.logits);
        t.diagnostic(`${name}: max|logit diff| ${diff.toExponential(2)} (bound ${kernelOutputBound(a.logits, fp16).toExponential(2)}), kept tokens at the last layer ${ortCore.observations().keptTokensByLayer.at(-1)?.length}, refetched rows ${ortCore.trace().rows.reduce((s, r) => s + r.refetchedQueries, 0)}`);
        const bound = kernelOutputBound(a.logits, fp16);
        assert.ok(diff <= bound, `${name}: outputs differ by ${diff} (bound ${bound})`);
        assertSameRecord(ortCore, oracle, rel);
      }
    } finally {
      await engine.release();
    }
  }
}

const IDS = [3, 7, 11, 5, 9, 2, 4, 8, 1, 6, 10, 12, 13, 14, 3, 3];

for (const f of CI_FIXTURES) {
  test(`ORT kernel ${f.kind}/${f.variant}: the TypeScript core's decisions, outputs within 1e-5 or float32 rounding`, async (t) => {
    await checkEncoder(t, generateFixture(f.kind, f.variant).path, IDS, f.variant === 'fp16');
  });
}

for (const dir of ['encoder', 'decoder']) {
  test(`ORT kernel models/${dir}: the TypeScript core's decisions, outputs within 1e-5 or float32 rounding`, async (t) => {
    const ids = Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 500);
    await checkEncoder(t, path.join(REPO_ROOT, 'models', dir, 'model.onnx'), ids);
  });
}

// SpAtten's scale on real text: 512 tokens of the encoder's held-out emails and of the decoder's
// held-out Brown text, where near-ties among hundreds of keys would show a float32 decision flip.
const REAL_TEXT = {
  encoder: () => fs.readFileSync(path.join(REPO_ROOT, 'models', 'encoder', 'test.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text).join(' '),
  decoder: () => fs.readFileSync(path.join(REPO_ROOT, 'models', 'decoder', 'heldout.txt'), 'utf8'),
};
for (const dir of ['encoder', 'decoder'] as const) {
  test(`ORT kernel (float32 scores) models/${dir} on 512 tokens of held-out text: the TypeScript core's decisions`, async (t) => {
    const file = path.join(REPO_ROOT, 'models', dir, 'model.onnx');
    const ids = loadTokenizerForModel(file, {}).encode(REAL_TEXT[dir]()).ids.slice(0, 512);
    assert.equal(ids.length, 512);
    await checkEncoder(t, file, ids, false, KERNELS.slice(0, 1));
  });
}
