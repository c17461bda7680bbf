// The extension's profile worker (a child process), driven from plain node (no VS Code): a profile
// runs in the worker with its progress crossing as typed messages, a cancel kills it (at any
// moment, onnxruntime's native work included), the engine's
// InputError crosses as itself, and an out-of-memory or an exit in the worker rejects with an
// EngineCrashError while this thread keeps answering. The extension-host suite repeats the crash
// and responsiveness checks inside VS Code (test/vscode/suite/worker.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { CancelledError, InputError } from '../../../src/engine/errors';
import type { ProfileProgress } from '../../../src/engine/profileRequest';
import { EngineCrashError, liveWorkerCount, runProfileInWorker } from '../../../src/extension/profileWorkerHost';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';

const WORKER = path.join(REPO_ROOT, 'out', 'profileWorker.js');

function workerBundle(): string {
  // `npm test` builds first; a lone `node --test` of this file builds the bundles itself.
  if (!existsSync(WORKER)) assert.equal(spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' }).status, 0);
  return WORKER;
}

/** terminate() is asynchronous: a worker's exit follows its answer shortly. */
async function allWorkersExited(): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (liveWorkerCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return liveWorkerCount() === 0;
}

async function withEnv<T>(vars: Record<string, string>, run: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await run();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('a profile runs in the worker; its progress and result cross the channel', async () => {
  const { onnxPath } = await convertStories260K();
  const stages: ProfileProgress['stage'][] = [];
  const result = await runProfileInWorker(
    { modelPath: onnxPath, texts: ['Once upon a time there was a bear.'], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 4 },
    { workerPath: workerBundle(), onProgress: (p) => stages.push(p.stage) },
  );
  assert.ok(result.report.input.tokens.length > 4);
  assert.ok(result.trace.rows.length > 0);
  assert.ok(stages.includes('engine') && stages.includes('simulate'), stages.join(','));
  assert.ok(await allWorkersExited());
});

test('an InputError from the engine crosses as an InputError', async () => {
  await assert.rejects(
    runProfileInWorker({ modelPath: path.join(REPO_ROOT, 'no-such-model.onnx'), texts: ['x'], policy: 'off', hardware: 'spatten-1x' }, { workerPath: workerBundle() }),
    (e: unknown) => e instanceof InputError && e.where.endsWith('no-such-model.onnx'),
  );
});

test('cancel terminates the worker mid-run', async () => {
  const { onnxPath } = await convertStories260K();
  const abort = new AbortController();
  const run = runProfileInWorker(
    { modelPath: onnxPath, texts: ['Once upon a time there was a bear.'], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 200 },
    { workerPath: workerBundle(), signal: abort.signal, onProgress: (p) => { if (p.stage === 'engine') abort.abort(); } },
  );
  await assert.rejects(run, CancelledError);
  assert.ok(await allWorkersExited());
});

test('10 cancels at staggered moments (native work included) leave no worker behind', async () => {
  const { onnxPath } = await convertStories260K();
  const stages: string[] = [];
  for (let i = 0; i < 10; i++) {
    const abort = new AbortController();
    let stage = 'start';
    const timer = setTimeout(() => abort.abort(), 200 + i * 250);
    await assert.rejects(
      runProfileInWorker(
        { modelPath: onnxPath, texts: ['Once upon a time there was a big bear who liked honey.'], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 300 },
        { workerPath: workerBundle(), signal: abort.signal, onProgress: (p) => (stage = p.stage) },
      ),
      CancelledError,
    );
    clearTimeout(timer);
    stages.push(stage);
  }
  assert.ok(await allWorkersExited(), `workers left after cancels at ${stages.join(', ')}`);
});

for (const hook of ['oom', 'exit'] as const) {
  test(`a worker that dies (${hook}) rejects with an EngineCrashError and this thread keeps running`, async () => {
    const { onnxPath } = await convertStories260K();
    let ticks = 0;
    const probe = setInterval(() => (ticks += 1), 5);
    try {
      const run = withEnv({ SPATTEN_WORKER_TEST_HOOK: hook, SPATTEN_WORKER_HEAP_MB: '64' }, () =>
        runProfileInWorker({ modelPath: onnxPath, texts: ['x'], policy: 'off', hardware: 'spatten-1x' }, { workerPath: workerBundle() }));
      await assert.rejects(run, (e: unknown) => e instanceof EngineCrashError && (hook === 'oom' ? /out of memory/.test(e.message) : /exit code 70/.test(e.message)));
    } finally {
      clearInterval(probe);
    }
    assert.ok(ticks > 0, 'the event loop ran while the worker crashed');
    assert.ok(await allWorkersExited());
  });
}

test('a request holding read-only proxies (as VS Code hands out settings) still reaches the worker', async () => {
  const { onnxPath } = await convertStories260K();
  const readOnly = <T extends object>(o: T): T => new Proxy(o, { set: () => false });
  const result = await runProfileInWorker(
    { modelPath: onnxPath, texts: ['Once upon a time'], policy: readOnly({ extends: 'off' }), hardware: readOnly({ extends: 'spatten-1x', hbmChannels: 8 }), generateTokens: 1 },
    { workerPath: workerBundle() },
  );
  assert.equal(result.report.hardware.settings.hbmChannels, 8);
  assert.ok(await allWorkersExited());
});
