// The fuzzer in CI: a seeded 300-case run (scripts/fuzz.ts --cases 300 --seed 1: mutated models,
// tokenizers, texts, policy and hardware JSON, workload CSVs, each through the CLI in a child
// process with a timeout and a heap cap) must find no failure. About 0.55 s of CPU per case, so
// ~90 s on 2 idle cores; SPATTEN_FUZZ_CASES changes the count. Also checks the fuzzer's judge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { judge, processCpuMs, runCliCase } from '../../../scripts/fuzz/runFuzzCase';
import { REPO_ROOT } from '../model/stories260kModel';

const CASES = Number(process.env.SPATTEN_FUZZ_CASES ?? 300);

test('the judge: exits 0/2/3 pass; other codes, signals, timeouts, stacks and internal errors fail', () => {
  const base = { code: 3, signal: null, timedOut: false, ms: 10, stderr: 'spatten-profile: model.onnx: not an ONNX model\n' };
  assert.equal(judge(base), undefined);
  assert.equal(judge({ ...base, code: 0, stderr: '' }), undefined);
  assert.equal(judge({ ...base, code: 2 }), undefined);
  assert.match(judge({ ...base, code: 1 })!, /exit code 1/);
  assert.match(judge({ ...base, code: 134 })!, /exit code 134/);
  assert.match(judge({ ...base, code: null, signal: 'SIGSEGV' })!, /SIGSEGV/);
  assert.match(judge({ ...base, code: null, timedOut: true })!, /timeout/);
  assert.match(judge({ ...base, code: null, timedOut: true, ms: 31_000, cpuMs: 30_020 })!, /timeout after 31000 ms \(30020 ms of CPU\)/);
  assert.match(judge({ ...base, stderr: 'spatten-profile: internal error: TypeError: x\n' })!, /internal error/);
  assert.match(judge({ ...base, stderr: 'RangeError: Invalid array length\n    at parse (/repo/out/cli.js:12:34)\n' })!, /stack/);
});

test('the timeout reads a case\'s CPU time from /proc (a starved case is not a hang)', { skip: process.platform !== 'linux' }, () => {
  // Burn some CPU, then compare /proc's count for this process with node's own.
  const until = process.cpuUsage().user + 200_000;
  while (process.cpuUsage().user < until) Math.sqrt(Math.random());
  const own = process.cpuUsage();
  const fromProc = processCpuMs(process.pid);
  assert.ok(fromProc !== undefined);
  const ownMs = (own.user + own.system) / 1000;
  // /proc counts in 10 ms ticks and is read a moment later.
  assert.ok(Math.abs(fromProc - ownMs) < 50 + 0.1 * ownMs, `/proc says ${fromProc} ms, node says ${ownMs.toFixed(0)} ms`);
  assert.equal(processCpuMs(2 ** 22 + 1), undefined, 'no such process');
});

test('a case over its limits is killed and judged a timeout, with the CPU time it used', { skip: process.platform !== 'linux' }, async () => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'out', 'cli.js')), 'run the build first (npm test does)');
  // A real profile needs far more than 100 ms of CPU (node's start alone takes that); on a loaded
  // machine the stall rule (200 ms without CPU progress) may end it first, which is as good here.
  const model = path.join(REPO_ROOT, 'out', 'models', 'default', 'model.onnx');
  const o = await runCliCase(REPO_ROOT, ['profile', model, '--text', 'Once upon a time', '--generate', '8', '--json', '-'], { timeoutMs: 100, maxOldSpaceMb: 512 });
  assert.equal(o.timedOut, true, JSON.stringify(o));
  assert.ok(o.cpuMs !== undefined && o.cpuMs > 0 && o.ms < 5_000, `${o.cpuMs} ms of CPU in ${o.ms} ms`);
  assert.match(o.failure ?? '', /timeout after \d+ ms \(\d+ ms of CPU\)/);
});

test(`a seeded ${CASES}-case fuzz run finds no failure`, { timeout: 30 * 60_000 }, () => {
  assert.ok(existsSync(path.join(REPO_ROOT, 'out', 'cli.js')), 'run the build first (npm test does)');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/fuzz.ts', '--cases', String(CASES), '--seed', '1', '--jobs', '2'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const summary = r.stdout.trim().split('\n').slice(-12).join('\n');
  assert.equal(r.status, 0, `${summary}\n${r.stderr}\nreproducers: .test-cache/fuzz/failures/`);
  assert.match(r.stdout, new RegExp(`fuzz: ${CASES} cases, 0 failures`));
});
