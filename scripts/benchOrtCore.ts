// The engine's attention paths against plain onnxruntime, in one process, interleaved, medians
// (issue 11): per encoder pass at 128 and 512 tokens (policy off: the whole-graph pass; paper-bert:
// the ORT kernel; both "before": the TypeScript core's loops through the segments), and generation
// of 128 prompt + 32 tokens on models/decoder against ORT feeding `present` back as past.
// Prints; asserts nothing. Usage: node --import tsx scripts/benchOrtCore.ts [encoder|base|generation] [n] [no-ts]
import * as path from 'node:path';
import { discoverTransformer } from '../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../src/engine/onnx/onnxModelLoader';
import { EngineSession } from '../src/engine/runtime/engineSession';
import { ReferenceModel } from '../src/engine/runtime/referenceRun';
import type { AttentionCore } from '../src/engine/runtime/attentionCore';
import type { SpattenAttentionCore } from '../src/engine/spatten/spattenAttentionCore';
import { generateFixture } from '../test/fixtures/generateFixture';
import { spattenCore, tsOnly } from '../test/unit/runtime/coreOracle';

/** `no-ts` as the third argument skips the TypeScript-loop cases ("before" of the kernel work). */
const withTs = process.argv[4] !== 'no-ts';
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/**
 * Runs every case once to warm up, then n interleaved rounds; prints per case the median wall time
 * and the median process CPU time (all threads: ORT's pools included) with both ratios against
 * `baseline`. CPU time is the figure to read on a shared machine, where wall time mostly measures
 * the other processes.
 */
async function measure(label: string, runs: Record<string, () => Promise<unknown>>, baseline: string, n: number): Promise<void> {
  for (const f of Object.values(runs)) await f();
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let i = 0; i < n; i++) {
    for (const [k, f] of Object.entries(runs)) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await f();
      const c = process.cpuUsage(c0);
      (wall[k] ??= []).push(performance.now() - t0);
      (cpu[k] ??= []).push((c.user + c.system) / 1000);
    }
  }
  const w0 = median(wall[baseline]);
  const c0 = median(cpu[baseline]);
  for (const k of Object.keys(runs)) {
    const w = median(wall[k]);
    const c = median(cpu[k]);
    console.log(`${label} ${k.padEnd(30)} cpu ${c.toFixed(1).padStart(9)} ms ${(c / c0).toFixed(2).padStart(5)}x   wall ${w.toFixed(1).padStart(9)} ms ${(w / w0).toFixed(2).padStart(5)}x   (vs ${baseline}, n=${n})`);
  }
}

async function bench(label: string, file: string, lengths: number[], n: number, skipTsAbove = Infinity) {
  const loaded = await loadOnnxModel(file);
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  const ref = await ReferenceModel.create(loaded.proto, d);
  const engine = await EngineSession.create(loaded, d);
  for (const L of lengths) {
    const ids = Array.from({ length: L }, (_, i) => 5 + ((i * 37 + 11) % 200));
    const runs: Record<string, () => Promise<unknown>> = {
      ort: () => ref.run(ids),
      'off (whole graph)': () => engine.runEncoder(ids, spattenCore('off', d)),
      'paper-bert (ORT kernel)': () => engine.runEncoder(ids, spattenCore('paper-bert', d)),
    };
    if (L <= skipTsAbove && withTs) {
      runs['off (TS core, before)'] = () => engine.runEncoder(ids, tsOnly(spattenCore('off', d)));
      runs['paper-bert (TS core, before)'] = () => engine.runEncoder(ids, tsOnly(spattenCore('paper-bert', d)));
    }
    await measure(`${label} L=${L}`, runs, 'ort', n);
  }
  await ref.release();
  await engine.release();
}
const before = (core: SpattenAttentionCore): AttentionCore => ({ run: (call) => core.run({ ...call, cachedKeys: undefined }) });
async function benchGeneration(n: number) {
  const dir = path.join(__dirname, '..', 'models', 'decoder');
  const past = await loadOnnxModel(path.join(dir, 'model_with_past.onnx'));
  const ref = await ReferenceModel.create(past.proto, discoverTransformer(past.proto, past.fileName));
  const loaded = await loadOnnxModel(path.join(dir, 'model.onnx'));
  const d = discoverTransformer(loaded.proto, loaded.fileName);
  const engine = await EngineSession.create(loaded, d);
  const prompt = Array.from({ length: 128 }, (_, i) => 5 + ((i * 37 + 11) % 500));
  const G = 32;
  const runs: Record<string, () => Promise<unknown>> = {
    'ORT with past': () => ref.generateGreedyWithPast(prompt, G),
    'paper-gpt2-small (after)': () => engine.generate({ promptIds: prompt, maxNewTokens: G, core: spattenCore('paper-gpt2-small', d, 'generation') }),
    'off (after)': () => engine.generate({ promptIds: prompt, maxNewTokens: G, core: spattenCore('off', d, 'generation') }),
  };
  if (withTs) {
    runs['paper-gpt2-small (before)'] = () => engine.generate({ promptIds: prompt, maxNewTokens: G, core: before(spattenCore('paper-gpt2-small', d, 'generation')) });
    runs['off (before)'] = () => engine.generate({ promptIds: prompt, maxNewTokens: G, core: tsOnly(spattenCore('off', d, 'generation')) });
  }
  await measure(`models/decoder 128+${G}`, runs, 'ORT with past', n);
  await ref.release(); await engine.release();
}

async function main() {
  const which = process.argv[2] ?? 'encoder';
  const n = Number(process.argv[3] ?? 5);
  if (which === 'encoder') await bench('models/encoder', path.join(__dirname, '..', 'models', 'encoder', 'model.onnx'), [128, 512], n);
  if (which === 'base') await bench('bert-base fixture', generateFixture('bert', 'fp32', { size: 'base' }).path, [128, 512], n, 128);
  if (which === 'generation') await benchGeneration(n);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
