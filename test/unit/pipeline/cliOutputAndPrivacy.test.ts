// What the CLI leaves behind: every byte of stdout reaches a slow pipe reader before exit (a
// process.exit() racing the pipe used to cut JSON at 64 KiB), a reader that stops early is not an
// error, and a profile leaves no onnxruntime telemetry in the user's home or temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';
import { scratchDir } from '../scratchDir';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const TRACE = path.resolve(REPO_ROOT, '../shared/spatten-traces/gpt2-medium-wikitext2-spatten.csv');
const MiB = 1024 * 1024;

/** Runs the CLI into a bash pipeline; `reader` reads its stdout. Returns the reader's output and the CLI's exit code. */
function piped(args: string[], reader: string) {
  const quoted = [process.execPath, CLI, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('bash', ['-c', `${quoted} 2>/dev/null | ${reader}; echo "\${PIPESTATUS[0]}" >&2`], {
    encoding: 'utf8',
    cwd: REPO_ROOT,
    maxBuffer: 256 * MiB,
    timeout: 120_000,
  });
  return { out: r.stdout, cliExit: Number(r.stderr.trim().split('\n').pop()) };
}

test('simulate --json - into a pipe whose reader starts late: complete, valid JSON', () => {
  // The reader sleeps first, so the pipe's 64 KiB buffer is full long before the CLI is done.
  const r = piped(['simulate', TRACE, '--json', '-'], '(sleep 1; cat)');
  assert.equal(r.cliExit, 0);
  assert.ok(r.out.length > 128 * 1024, `${r.out.length} bytes`);
  assert.equal(JSON.parse(r.out).layers.length, 24);
});

test('simulate --perfetto - writes over 1 MB through a pipe, all of it', () => {
  const r = piped(['simulate', TRACE, '--perfetto', '-'], '(sleep 1; cat)');
  assert.equal(r.cliExit, 0);
  assert.ok(r.out.length >= MiB, `${r.out.length} bytes`);
  assert.ok(JSON.parse(r.out).traceEvents.length > 1000);
});

test('a reader that stops early (head -c) ends the CLI quietly with exit 0', () => {
  const r = piped(['simulate', TRACE, '--perfetto', '-'], 'head -c 100');
  assert.equal(r.out.length, 100);
  assert.equal(r.cliExit, 0);
});

test('a profile leaves no onnxruntime telemetry: nothing under ~/.cache/Microsoft, no mat-debug-* in the temp folder', async (t) => {
  const { onnxPath } = await convertStories260K();
  const home = scratchDir('spatten-home-', t);
  const tmp = scratchDir('spatten-tmp-', t);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TMPDIR: tmp, TMP: tmp, TEMP: tmp };
  delete env.SPATTEN_ORT_TELEMETRY;
  delete env.ORT_DISABLE_TELEMETRY;
  const r = spawnSync(process.execPath, [CLI, 'profile', onnxPath, '--text', 'Once upon a time', '--generate', '2', '--json', '-'], {
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(path.join(home, '.cache', 'Microsoft')), `found ${path.join(home, '.cache', 'Microsoft')}`);
  assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('mat-debug-')), []);
});
