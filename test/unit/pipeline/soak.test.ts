// Soak through the process API: 100 consecutive profiles (runProfile, as the CLI calls it) keep
// memory flat (V8 heap + external buffers and RSS after a GC, sampled every 10 runs: the fitted
// trend grows less than 10 % over the soak) and
// leave no onnxruntime session open; 10 runs cancelled at staggered moments leave none either.
// SPATTEN_SOAK_RUNS changes the count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../../../src/engine/errors';
import { runProfile } from '../../../src/engine/profile';
import type { ProfileRequest } from '../../../src/engine/profileRequest';
import { ortSessionCounts } from '../runtime/ortSessionCounts';
import { convertStories260K } from '../model/stories260kModel';
import { memoryAfterGcMb, trendGrowth } from './memoryTrend';

const RUNS = Number(process.env.SPATTEN_SOAK_RUNS ?? 100);
// Runs before sampling: the native allocator and onnxruntime's arenas settle first.
const WARM_RUNS = Math.min(20, RUNS);

async function request(): Promise<ProfileRequest> {
  const { onnxPath } = await convertStories260K();
  return { modelPath: onnxPath, texts: ['Once upon a time there was a big bear who liked honey.'], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 2, maxTokens: 64 };
}

test(`${RUNS} consecutive profiles: memory flat within 10 %, no ORT session left open`, { timeout: 60 * 60_000 }, async () => {
  const r = await request();
  // Memory after a GC every 10 runs from the warm-up on. A single pair of samples is at the mercy
  // of GC and allocator timing (heap+external swings by 50 % between runs here): the trend over all
  // samples is what a leak changes.
  const at: number[] = [];
  const heap: number[] = [];
  const rss: number[] = [];
  for (let i = 1; i <= RUNS; i++) {
    await runProfile(r);
    if (i >= WARM_RUNS && (i - WARM_RUNS) % 10 === 0) {
      const m = await memoryAfterGcMb();
      at.push(i);
      heap.push(m.heap);
      rss.push(m.rss);
    }
  }
  const sessions = ortSessionCounts();
  const heapGrowth = trendGrowth(at, heap);
  const rssGrowth = trendGrowth(at, rss);
  console.log(`soak: ${RUNS} runs, heap+external ${heap.map((h) => h.toFixed(1)).join(' ')} MB (trend ${(100 * heapGrowth).toFixed(1)} %), rss ${rss.map((h) => h.toFixed(1)).join(' ')} MB (trend ${(100 * rssGrowth).toFixed(1)} %), ${sessions.created} ORT sessions created, ${sessions.open} open`);
  assert.equal(sessions.open, 0);
  assert.ok(sessions.created >= RUNS, `${sessions.created} sessions created`);
  assert.ok(heapGrowth <= 0.1, `heap+external grows ${(100 * heapGrowth).toFixed(1)} % over the soak: ${heap.join(', ')}`);
  assert.ok(rssGrowth <= 0.1, `rss grows ${(100 * rssGrowth).toFixed(1)} % over the soak: ${rss.join(', ')}`);
});

/**
 * An AbortSignal that counts how often the run asks whether it is aborted and aborts on read
 * `abortOnRead` (that read already answers true). The engine asks at the same points on every run
 * of the same input, so a cancel lands at the same place however fast the machine is; counting
 * progress reports instead depended on their 50 ms throttle, and a warm run that sent fewer reports
 * than the cold one it was calibrated on finished before its cancel.
 */
function countingSignal(abortOnRead = Infinity): { signal: AbortSignal; reads: () => number } {
  const abort = new AbortController();
  let reads = 0;
  const aborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get as (this: AbortSignal) => boolean;
  Object.defineProperty(abort.signal, 'aborted', {
    get(this: AbortSignal) {
      if (++reads === abortOnRead) abort.abort();
      return aborted.call(this);
    },
  });
  return { signal: abort.signal, reads: () => reads };
}

test('10 runs cancelled at staggered moments leave no ORT session open', { timeout: 30 * 60_000 }, async () => {
  const r = await request();
  // How often the run checks for a cancel before it leaves onnxruntime (the simulate and report
  // stages run no session), so the cancels spread over the ORT part: loading, the reference run and
  // every engine step.
  const calibration = countingSignal();
  let checksBeforeSimulate = 0;
  await runProfile({ ...r, generateTokens: 24, signal: calibration.signal }, (p) => {
    if (p.stage === 'simulate' && checksBeforeSimulate === 0) checksBeforeSimulate = calibration.reads();
  });
  assert.ok(checksBeforeSimulate >= 10, `only ${checksBeforeSimulate} cancel checks before the simulation`);
  const stages: string[] = [];
  for (let i = 0; i < 10; i++) {
    // Cancel on check i/10 of the way through the ORT part.
    const { signal } = countingSignal(1 + Math.floor((i * checksBeforeSimulate) / 10));
    let stage = 'start';
    await assert.rejects(runProfile({ ...r, generateTokens: 24, signal }, (p) => (stage = p.stage)), CancelledError);
    stages.push(stage);
  }
  console.log(`cancels at ${stages.join(', ')}`);
  assert.equal(ortSessionCounts().open, 0, `sessions left open after cancels at ${stages.join(', ')}`);
  assert.ok(new Set(stages).size >= 3, `the cancels did not spread over the run: ${stages.join(', ')}`);
});
