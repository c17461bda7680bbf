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

test('10 runs cancelled at staggered moments leave no ORT session open', { timeout: 30 * 60_000 }, async () => {
  const r = await request();
  // How many progress reports come before the run leaves onnxruntime (the simulate and report
  // stages run no session and finish regardless), so the cancels spread over the ORT part.
  const seen: string[] = [];
  await runProfile({ ...r, generateTokens: 24 }, (p) => void seen.push(p.stage));
  const reports = Math.max(1, seen.findIndex((s) => s === 'simulate'));
  const stages: string[] = [];
  for (let i = 0; i < 10; i++) {
    const abort = new AbortController();
    let progressCalls = 0;
    let stage = '';
    // Cancel on report i/10 of the way through: from loading to the last engine steps.
    const cancelAt = 1 + Math.floor((i * reports) / 10);
    const run = runProfile({ ...r, generateTokens: 24, signal: abort.signal }, (p) => {
      stage = p.stage;
      if (++progressCalls === cancelAt) abort.abort();
    });
    await run.then(() => stages.push('finished'), (e: unknown) => {
      assert.ok(e instanceof CancelledError, String(e));
      stages.push(stage);
    });
  }
  assert.equal(ortSessionCounts().open, 0, `sessions left open after cancels at ${stages.join(', ')}`);
  assert.ok(stages.filter((s) => s !== 'finished').length >= 8, stages.join(', '));
});
