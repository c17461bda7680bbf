// Issue 13's repros, run as a user runs the CLI (the built out/cli.js in a child process): each
// hostile or careless input ends with exit 2 (usage) or 3 (bad input) and exactly one line on
// stderr: no stack, no "internal error", no hang, nothing created outside an existing folder.
//
// "No hang" is judged by the child's CPU time, not the wall clock, through the fuzzer's runner
// (scripts/fuzz/runFuzzCase.ts): a refusal may use 5 s of CPU, start-up included; a child blocked
// without working (a FIFO opened for reading) is killed once its CPU time stops advancing for twice
// that. At load 37 the wall clock of a refusal exceeded start-up + 5 s while its CPU time stayed
// well under a second; a real hang still fails either way (busy: the CPU limit; blocked: the stall).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCliCase, type CaseOutcome } from '../../../scripts/fuzz/runFuzzCase';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';
import { scratchDir } from '../scratchDir';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
/** CPU time (ms) a refusal may use. */
const REFUSAL_CPU_MS = 5000;
/** CPU time (ms) the one full profile here (stories260K with a BOM policy) may use: a real run. */
const PROFILE_CPU_MS = 60_000;
const HEAP_MB = 2048;
const HEADER =
  'iteration_id,layer_id,head_id,embedding_length_D,sentence_length_L,key_fetch_num,quant_key_bit,quant_query_bit,auto_requant_thres,if_requant,auto_requant_incre,value_fetch_num,quant_value_bit,if_accumulate_importance,if_rescale_previous_importance,if_topk,topk';

const dir = scratchDir('spatten-hostile-');

function cli(args: string[], cpuMs = REFUSAL_CPU_MS): Promise<CaseOutcome> {
  return runCliCase(REPO_ROOT, args, { timeoutMs: cpuMs, maxOldSpaceMb: HEAP_MB });
}

/** A clean refusal: exit 2 or 3, one stderr line matching `reason`, no stack, within the CPU limit. */
async function assertRefused(args: string[], reason: RegExp): Promise<void> {
  const r = await cli(args);
  assert.ok(!r.timedOut, `no answer: ${r.ms} ms of wall clock, ${r.cpuMs} ms of CPU (limit ${REFUSAL_CPU_MS} ms of CPU)`);
  assert.ok(r.code === 2 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.doesNotMatch(lines[0], /internal error|\bat .*:\d+:\d+/);
  assert.match(lines[0], reason);
}

function fifo(name: string): string {
  const p = path.join(dir, name);
  const made = spawnSync('mkfifo', [p]);
  assert.equal(made.status, 0, 'mkfifo is needed for the FIFO repros');
  return p;
}

let model: string;
test.before(async () => {
  model = (await convertStories260K()).onnxPath;
  assert.ok(existsSync(CLI), `${CLI} missing: run npm run build`);
});

test('simulate: a one-row CSV with head_id=100000000 is refused, naming line, column and limit', async () => {
  const csv = path.join(dir, 'huge-head.csv');
  writeFileSync(csv, `${HEADER}\n0,0,100000000,64.0,993,993,-1,-1,-1,False,-1,993,-1,True,False,False,-1\n`);
  await assertRefused(['simulate', csv], /huge-head\.csv:2: head_id \(column 3\) is 100000000, over the limit of 1023/);
});

test('--text-file on a folder', async () => {
  const folder = path.join(dir, 'a-folder');
  mkdirSync(folder);
  await assertRefused(['profile', model, '--text-file', folder], /a-folder: not a regular file \(a directory\)/);
});

test('--batch-file /dev/zero', async () => {
  await assertRefused(['profile', model, '--batch-file', '/dev/zero'], /\/dev\/zero: not a regular file \(a character device\)/);
});

test('--text-file on a FIFO does not hang', { skip: process.platform === 'win32' }, async () => {
  await assertRefused(['profile', model, '--text-file', fifo('text.fifo')], /text\.fifo: not a regular file \(a FIFO\)/);
});

test('--policy on a FIFO does not hang', { skip: process.platform === 'win32' }, async () => {
  await assertRefused(['profile', model, '--text', 'hello', '--policy', fifo('policy.fifo')], /policy\.fifo: not a regular file \(a FIFO\)/);
});

test('--hardware /dev/zero', async () => {
  await assertRefused(['profile', model, '--text', 'hello', '--hardware', '/dev/zero'], /\/dev\/zero: not a regular file/);
});

test('--csv /proc/x is refused before anything runs', { skip: process.platform !== 'linux' }, async () => {
  await assertRefused(['profile', model, '--text', 'hello', '--csv', '/proc/x'], /\/proc\/x: cannot write under \/proc/);
});

test('--json /proc/x/r.json', { skip: process.platform !== 'linux' }, async () => {
  await assertRefused(['profile', model, '--text', 'hello', '--json', '/proc/x/r.json'], /\/proc\/x\/r\.json: cannot write: the folder \/proc\/x does not exist/);
});

test('--json into a missing folder creates nothing', async () => {
  const missing = path.join(dir, 'nonexistent', 'dir');
  await assertRefused(['profile', model, '--text', 'hello', '--json', path.join(missing, 'x.json')], /cannot write: the folder .*nonexistent\/dir does not exist/);
  assert.ok(!existsSync(path.join(dir, 'nonexistent')), 'no folder was created');
});

test('sweep --keep with 2,000 values is refused at once', async () => {
  const keeps = Array.from({ length: 2000 }, (_, i) => ((i + 1) / 2000).toString()).join(',');
  await assertRefused(['sweep', model, '--text', 'hello', '--keep', keeps], /--keep: 2000 distinct keep fractions, over the limit of 64/);
});

test('a policy file saved with a UTF-8 BOM is accepted', async () => {
  const policy = path.join(dir, 'bom-policy.json');
  writeFileSync(policy, '\uFEFF{ "extends": "paper-gpt2-small", "name": "with a BOM" }\n');
  const json = path.join(dir, 'bom-report.json');
  const r = await cli(['profile', model, '--text', 'Once upon a time, there was a little dog.', '--policy', policy, '--json', json], PROFILE_CPU_MS);
  assert.ok(!r.timedOut, `no answer: ${r.ms} ms of wall clock, ${r.cpuMs} ms of CPU (limit ${PROFILE_CPU_MS} ms of CPU)`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(readFileSync(json, 'utf8')) as { policy: { name: string } }).policy.name, 'with a BOM');
});
