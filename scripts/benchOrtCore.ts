// The engine's attention paths against plain onnxruntime, in one process, interleaved, medians
// (issue 11): per encoder pass at 128 and 512 tokens (policy off: the whole-graph pass; paper-bert:
// the ORT kernel; both "before": the TypeScript core's loops through the segments), and generation
// of 128 prompt + 32 tokens on models/decoder against ORT feeding `present` back as past.
// Prints; asserts nothing. Usage: node --import tsx scripts/benchOrtCore.ts [encoder|base|generation] [n]
import * as path from 'node:path';
import { discoverTransformer } from '../src/engine/model/transformerDiscovery';
import { loadOnnxModel } from '../src/engine/onnx/onnxModelLoader';
import { EngineSession } from '../src/engine/runtime/engineSession';
import { ReferenceModel } from '../src/engine/runtime/referenceRun';
import type { AttentionCore } from '../src/engine/runtime/attentionCore';
import type { SpattenAttentionCore } from '../src/engine/spatten/spattenAttentionCore';
import { generateFixture } from '../test/fixtures/generateFixture';
import { spattenCore, tsOnly } from '../test/unit/runtime/coreOracle';

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
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
    if (L <= skipTsAbove) {
      runs['off (TS core, before)'] = () => engine.runEncoder(ids, tsOnly(spattenCore('off', d)));
      runs['paper-bert (TS core, before)'] = () => engine.runEncoder(ids, tsOnly(spattenCore('paper-bert', d)));
    }
    for (const f of Object.values(runs)) await f(); // warm-up
    const times: Record<string, number[]> = {};
    for (let i = 0; i < n; i++) {
      for (const [k, f] of Object.entries(runs)) {
        const t0 = performance.now();
        await f();
        (times[k] ??= []).push(performance.now() - t0);
      }
    }
    const base = median(times.ort);
    for (const [k, t] of Object.entries(times)) console.log(`${label} L=${L} ${k.padEnd(30)} ${median(t).toFixed(1).padStart(9)} ms  ${(median(t) / base).toFixed(2)}x ORT`);
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
    'paper-gpt2-small (before)': () => engine.generate({ promptIds: prompt, maxNewTokens: G, core: before(spattenCore('paper-gpt2-small', d, 'generation')) }),
    'off (after)': () => engine.generate({ promptIds: prompt, maxNewTokens: G, core: spattenCore('off', d, 'generation') }),
    'off (before)': () => engine.generate({ promptIds: prompt, maxNewTokens: G, core: tsOnly(spattenCore('off', d, 'generation')) }),
  };
  for (const f of Object.values(runs)) await f();
  const times: Record<string, number[]> = {};
  for (let i = 0; i < n; i++) for (const [k, f] of Object.entries(runs)) { const t0 = performance.now(); await f(); (times[k] ??= []).push(performance.now() - t0); }
  const base = median(times['ORT with past']);
  for (const [k, t] of Object.entries(times)) console.log(`models/decoder 128+${G} ${k.padEnd(28)} ${median(t).toFixed(1).padStart(9)} ms  ${(median(t) / base).toFixed(2)}x ORT`);
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
