// Soak through the process API: 100 consecutive profiles (runProfile, as the CLI calls it) keep
// memory flat (V8 heap + external buffers and RSS after a GC, run 10 vs run 100, within 10 %) and
// leave no onnxruntime session open; 10 runs cancelled at staggered moments leave none either.
// SPATTEN_SOAK_RUNS changes the count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CancelledError } from '../../../src/engine/errors';
import { runProfile } from '../../../src/engine/profile';
import type { ProfileRequest } from '../../../src/engine/profileRequest';
import { ortSessionCounts } from '../../../src/engine/runtime/ortEnvironment';
import { convertStories260K } from '../model/stories260kModel';

const RUNS = Number(process.env.SPATTEN_SOAK_RUNS ?? 100);
const WARM_RUNS = Math.min(10, RUNS);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function memoryMb(): { heap: number; rss: number } {
  gc();
  const m = process.memoryUsage();
  return { heap: (m.heapUsed + m.external + m.arrayBuffers) / 2 ** 20, rss: m.rss / 2 ** 20 };
}

async function request(): Promise<ProfileRequest> {
  const { onnxPath } = await convertStories260K();
  return { modelPath: onnxPath, texts: ['Once upon a time there was a big bear who liked honey.'], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 2, maxTokens: 64 };
}

test(`${RUNS} consecutive profiles: memory flat within 10 %, no ORT session left open`, { timeout: 60 * 60_000 }, async () => {
  const r = await request();
  let warm = { heap: 0, rss: 0 };
  for (let i = 1; i <= RUNS; i++) {
    await runProfile(r);
    if (i === WARM_RUNS) warm = memoryMb();
  }
  const end = memoryMb();
  const sessions = ortSessionCounts();
  console.log(`soak: ${RUNS} runs, heap+external ${warm.heap.toFixed(1)} -> ${end.heap.toFixed(1)} MB, rss ${warm.rss.toFixed(1)} -> ${end.rss.toFixed(1)} MB, ${sessions.created} ORT sessions created, ${sessions.open} open`);
  assert.equal(sessions.open, 0);
  assert.ok(sessions.created >= RUNS, `${sessions.created} sessions created`);
  assert.ok(end.heap <= warm.heap * 1.1, `heap+external grew from ${warm.heap.toFixed(1)} to ${end.heap.toFixed(1)} MB`);
  assert.ok(end.rss <= warm.rss * 1.1, `rss grew from ${warm.rss.toFixed(1)} to ${end.rss.toFixed(1)} MB`);
});

test('10 runs cancelled at staggered moments leave no ORT session open', { timeout: 30 * 60_000 }, async () => {
  const r = await request();
  const stages: string[] = [];
  for (let i = 0; i < 10; i++) {
    const abort = new AbortController();
    let progressCalls = 0;
    let stage = '';
    // Cancel on the (i+1)-th progress report: from loading to the last engine steps.
    const run = runProfile({ ...r, generateTokens: 24, signal: abort.signal }, (p) => {
      stage = p.stage;
      if (++progressCalls === i + 1) abort.abort();
    });
    await run.then(() => stages.push('finished'), (e: unknown) => {
      assert.ok(e instanceof CancelledError, String(e));
      stages.push(stage);
    });
  }
  assert.equal(ortSessionCounts().open, 0, `sessions left open after cancels at ${stages.join(', ')}`);
  assert.ok(stages.filter((s) => s !== 'finished').length >= 8, stages.join(', '));
});
