// Profiles run in a worker thread: the extension host never loads the engine or onnxruntime-node,
// its event loop keeps answering during a profile (a setInterval drift probe: no block over 50 ms),
// cancel ends the worker, and a crash in the engine (a real out-of-memory of the worker, triggered
// through the test hook SPATTEN_WORKER_TEST_HOOK) fails the run with a message while the host,
// the report already open and the next profile are untouched.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { ProfileReport } from '../../../src/engine/report/profileReport';
import { reproducibleReportJson } from '../../unit/report/reproducibleReport';
import { eventLoopBlocks } from './eventLoopProbe';
import { activateExtension, bundledModelPath, extensionPath, profile, profileDone, waitFor } from './helpers';

const loadedOrt = () => Object.keys(require.cache).filter((k) => k.includes(`${'onnxruntime'}-node`));

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

suite('profile worker', () => {
  test('a profile runs in the worker and the host event loop never blocks over 50 ms', async () => {
    const api = await activateExtension();
    let stage = 'start';
    const listener = api.onDidProgress((p) => (stage = `${p.stage}${p.detail ? ` ${p.detail}` : ''}`));
    const { value: session, blockMs, gapMs, gaps } = await eventLoopBlocks(
      () => profileDone({ modelPath: bundledModelPath(), text: 'Once upon a time there was a big bear who liked honey.', generateTokens: 32 }),
      () => stage,
    ).finally(() => listener.dispose());
    console.log(`      longest event-loop block during the profile: ${blockMs.toFixed(1)} ms (longest raw gap ${gapMs.toFixed(1)} ms)`);
    for (const g of gaps.filter((x) => x.cpuMs > 20)) console.log(`        ${g.ms} ms gap, ${g.cpuMs} ms CPU, at ${g.atMs} ms (${g.during})`);
    assert.ok(session.result.report.input.tokens.length > 32);
    assert.deepEqual(loadedOrt(), [], 'the host itself never loads onnxruntime-node');
    assert.ok(blockMs <= 50, `the extension host was blocked for ${blockMs.toFixed(1)} ms`);
    await waitFor('the worker to exit', () => api.liveProfileWorkers() === 0);
  });

  test('the extension and the CLI give byte-identical reports (timings and timestamps aside)', async () => {
    const text = 'Once upon a time there was a big bear who liked honey.';
    const session = await profileDone({ modelPath: bundledModelPath(), text, policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 5, maxTokens: 64 });
    const cli = spawnSync(process.execPath, [extensionPath('out', 'cli.js'), 'profile', bundledModelPath(), '--text', text, '--policy', 'paper-gpt2-small', '--hardware', 'spatten-1x', '--generate', '5', '--max-tokens', '64', '--json', '-'], {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      // The host may be Electron (desktop VS Code): run it as plain node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    assert.equal(cli.status, 0, cli.stderr);
    assert.equal(reproducibleReportJson(session.result.report), reproducibleReportJson(JSON.parse(cli.stdout) as ProfileReport));
  });

  test('cancel ends the worker', async () => {
    const api = await activateExtension();
    const listener = api.onDidProgress((p) => {
      if (p.stage === 'engine') void vscode.commands.executeCommand('spatten.cancelProfile');
    });
    try {
      const outcome = await profile({ modelPath: bundledModelPath(), text: 'Once upon a time', generateTokens: 200 });
      assert.equal(outcome.status, 'cancelled');
    } finally {
      listener.dispose();
    }
    await waitFor('the cancelled worker to exit', () => api.liveProfileWorkers() === 0);
  });

  for (const hook of ['oom', 'exit'] as const) {
    test(`an engine crash (${hook}) fails the run, and the host and the open report are untouched`, async () => {
      const api = await activateExtension();
      const before = await profileDone({ modelPath: bundledModelPath(), text: 'Before the crash.' });
      assert.ok(api.reportPanelOpen());
      const { value: outcome, blockMs } = await eventLoopBlocks(() =>
        withEnv({ SPATTEN_WORKER_TEST_HOOK: hook, SPATTEN_WORKER_HEAP_MB: '64' }, () => profile({ modelPath: bundledModelPath(), text: 'Crash.' })));
      assert.equal(outcome.status, 'failed');
      if (outcome.status === 'failed') assert.match(outcome.message, hook === 'oom' ? /out of memory/ : /exit code 70/);
      console.log(`      ${hook}: "${outcome.status === 'failed' ? outcome.message : ''}", longest block ${blockMs.toFixed(1)} ms`);
      assert.equal(api.latestReport(), before.result.report, 'the open report is still the one before the crash');
      assert.ok(api.reportPanelOpen(), 'the report panel is still open');
      assert.equal(api.isProfiling(), false);
      await waitFor('the crashed worker to exit', () => api.liveProfileWorkers() === 0);
      // The host still answers commands and runs the next profile.
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes('spatten.profileModel'));
      await profileDone({ modelPath: bundledModelPath(), text: 'After the crash.' });
    });
  }
});
