// `npm run bench`: the engine's overhead over plain onnxruntime, as measured ratios (never asserted).
// 1. BERT-base-sized encoder (12 layers, 768 wide, 12 heads; seeded fixture): engine path with the
//    dense core (segments in ORT, attention in TypeScript) vs one plain ORT run, same input.
// 2. stories260K (converted at run time) generation: engine with its KV cache vs plain ORT
//    re-running the full sequence each step (the model has no past inputs), same tokens.
// Both sides run in this process with the same session options; median of N runs after warm-up.
//
// Usage: node --import tsx scripts/bench.ts [--runs N] [--tokens T] [--seq L]

import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import * as fs from 'node:fs';
import { convertLlama2c } from '../src/engine/model/llama2cConverter';
import { discoverTransformer } from '../src/engine/model/transformerDiscovery';
import { denseAttentionCore } from '../src/engine/runtime/denseAttentionCore';
import { EngineSession } from '../src/engine/runtime/engineSession';
import { ReferenceModel } from '../src/engine/runtime/referenceRun';
import { generateFixture } from '../test/fixtures/generateFixture';

const ROOT = path.resolve(__dirname, '..');

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: session first-run allocations, JIT
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

function line(name: string, engineMs: number, ortMs: number, note: string): void {
  console.log(`${name.padEnd(34)} engine ${engineMs.toFixed(1).padStart(8)} ms   plain ORT ${ortMs.toFixed(1).padStart(8)} ms   ratio ${(engineMs / ortMs).toFixed(2)}x   (${note})`);
}

async function benchBert(runs: number, seq: number): Promise<void> {
  const fx = generateFixture('bert', 'fp32', { size: 'base' });
  const d = discoverTransformer(fx.proto, path.basename(fx.path));
  const engine = await EngineSession.create({ proto: fx.proto }, d);
  const ref = await ReferenceModel.create(fx.proto, d);
  const ids = Array.from({ length: seq }, (_, i) => 1 + ((i * 37) % (fx.config.vocab - 1)));
  const before = engine.timings();
  const e = await median(runs, () => engine.runEncoder(ids, denseAttentionCore));
  const after = engine.timings();
  const o = await median(runs, () => ref.run(ids));
  line(`BERT-base encoder, ${seq} tokens`, e, o, `${d.cores.length} layers, ${engine.summary().heads} heads, median of ${runs}`);
  // Mean split of the engine's time over the warm-up and timed runs.
  const n = runs + 1;
  console.log(
    `${''.padEnd(34)} engine split: ORT segments ${((after.segmentMs - before.segmentMs) / n).toFixed(1)} ms, attention cores in TypeScript ${((after.coreMs - before.coreMs) / n).toFixed(1)} ms (mean per run)`,
  );
  await engine.release();
  await ref.release();
}

async function benchStories(runs: number, tokens: number): Promise<void> {
  const shared = path.resolve(ROOT, '../shared/models/stories260K');
  const out = path.join(ROOT, '.test-cache', 'stories260K', 'stories260K.onnx');
  await convertLlama2c(path.join(shared, 'stories260K.bin'), path.join(shared, 'tok512.bin'), out);
  const proto = onnx.ModelProto.decode(fs.readFileSync(out));
  const d = discoverTransformer(proto, 'stories260K.onnx');
  const engine = await EngineSession.create({ proto }, d);
  const ref = await ReferenceModel.create(proto, d);
  const prompt = [1, 403, 407, 261, 378];
  let same = true;
  const e = await median(runs, async () => {
    const g = await engine.generate({ promptIds: prompt, maxNewTokens: tokens, core: denseAttentionCore });
    return g;
  });
  const o = await median(runs, () => ref.generateGreedy(prompt, tokens));
  const g1 = await engine.generate({ promptIds: prompt, maxNewTokens: tokens, core: denseAttentionCore });
  const g2 = await ref.generateGreedy(prompt, tokens);
  same = g1.ids.join() === g2.ids.join();
  line(`stories260K generation, ${tokens} tokens`, e, o, `engine ${engine.decodeMode?.mode}, ORT re-runs the prefix; same tokens: ${same}`);
  await engine.release();
  await ref.release();
}

async function main(): Promise<void> {
  const runs = arg('runs', 5);
  const tokens = arg('tokens', 64);
  const seq = arg('seq', 128);
  console.log(`onnxruntime-node, default session options, ${runs} timed runs after 1 warm-up (wall time, median)`);
  await benchBert(runs, seq);
  await benchStories(runs, tokens);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
