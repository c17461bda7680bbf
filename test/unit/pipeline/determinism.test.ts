// Determinism: the same model, input, policy, hardware and seed give a byte-identical report
// (its reproducible part: everything but generatedAt, timings and measuredBaselines, see
// test/unit/report/reproducibleReport.ts) across runs, through the CLI (out/cli.js --json) and
// through the extension's path (the profile worker process, out/profileWorker.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { runProfile } from '../../../src/engine/profile';
import type { ProfileRequest } from '../../../src/engine/profileRequest';
import type { ProfileReport } from '../../../src/engine/report/profileReport';
import { reproducibleReportJson } from '../report/reproducibleReport';
import { runProfileInWorker } from '../../../src/extension/profileWorkerHost';
import { generateFixture } from '../../fixtures/generateFixture';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const WORKER = path.join(REPO_ROOT, 'out', 'profileWorker.js');

function ensureBuilt(): void {
  if (!existsSync(CLI) || !existsSync(WORKER)) assert.equal(spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: 'ignore' }).status, 0);
}

function cliReport(r: ProfileRequest): ProfileReport {
  const args = ['profile', r.modelPath, '--text', r.texts[0], '--policy', String(r.policy), '--hardware', String(r.hardware), '--generate', String(r.generateTokens ?? 0), '--max-tokens', String(r.maxTokens), '--json', '-'];
  const out = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT, maxBuffer: 256 * 1024 * 1024 });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout) as ProfileReport;
}

async function assertDeterministic(request: ProfileRequest): Promise<void> {
  ensureBuilt();
  const first = await runProfile(request);
  const second = await runProfile(request);
  const expected = reproducibleReportJson(first.report);
  assert.equal(reproducibleReportJson(second.report), expected, 'two runs in one process');
  assert.notEqual(first.report.generatedAt, undefined);
  assert.equal(reproducibleReportJson(cliReport(request)), expected, 'the CLI (--json)');
  const viaWorker = await runProfileInWorker(request, { workerPath: WORKER });
  assert.equal(reproducibleReportJson(viaWorker.report), expected, "the extension's worker process");
}

test('a decoder with generation (stories260K, paper-gpt2-small): byte-identical reports', async () => {
  const { onnxPath } = await convertStories260K();
  await assertDeterministic({ modelPath: onnxPath, texts: ['Once upon a time there was a big bear who liked honey.'], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 6, maxTokens: 64 });
});

test('an encoder with a tokenizer.json (BERT fixture, paper-bert, spatten-1/8): byte-identical reports', async () => {
  const bert = generateFixture('bert', 'fp32', { withTokenizer: true });
  await assertDeterministic({ modelPath: bert.path, texts: ['once upon a time there was a little girl named lily'], policy: 'paper-bert', hardware: 'spatten-1/8', generateTokens: 0, maxTokens: 64 });
});
