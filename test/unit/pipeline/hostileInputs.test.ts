// Issue 13's repros, run as a user runs the CLI (the built out/cli.js in a child process): each
// hostile or careless input ends within 5 s (beyond the CLI's start-up) with exit 2 (usage) or 3 (bad input) and exactly one
// line on stderr: no stack, no "internal error", no hang, nothing created outside an existing folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const LIMIT_MS = 5000;
const HEADER =
  'iteration_id,layer_id,head_id,embedding_length_D,sentence_length_L,key_fetch_num,quant_key_bit,quant_query_bit,auto_requant_thres,if_requant,auto_requant_incre,value_fetch_num,quant_value_bit,if_accumulate_importance,if_rescale_previous_importance,if_topk,topk';

const dir = mkdtempSync(path.join(os.tmpdir(), 'spatten-hostile-'));

function cli(...args: string[]) {
  const t0 = Date.now();
  // The timeout is a safety net well above the limit, so a hang fails the assertion below, not the runner.
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 4 * LIMIT_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/**
 * The CLI's own start-up on this machine right now (node, the bundle, commander): `--version`.
 * On a loaded machine start-up alone can take seconds, so the 5 s limit applies to the time beyond it.
 */
function startupMs(): number {
  const times = [0, 1, 2].map(() => cli('--version').ms);
  return Math.min(...times);
}

/** A clean refusal: exit 2 or 3, one stderr line matching `reason`, no stack, within the limit. */
function assertRefused(r: ReturnType<typeof cli>, reason: RegExp): void {
  const startup = startupMs();
  assert.ok(r.ms - startup < LIMIT_MS, `took ${r.ms} ms (start-up alone ${startup} ms)`);
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

test('simulate: a one-row CSV with head_id=100000000 is refused, naming line, column and limit', () => {
  const csv = path.join(dir, 'huge-head.csv');
  writeFileSync(csv, `${HEADER}\n0,0,100000000,64.0,993,993,-1,-1,-1,False,-1,993,-1,True,False,False,-1\n`);
  assertRefused(cli('simulate', csv), /huge-head\.csv:2: head_id \(column 3\) is 100000000, over the limit of 1023/);
});

test('--text-file on a folder', () => {
  const folder = path.join(dir, 'a-folder');
  mkdirSync(folder);
  assertRefused(cli('profile', model, '--text-file', folder), /a-folder: not a regular file \(a directory\)/);
});

test('--batch-file /dev/zero', () => {
  assertRefused(cli('profile', model, '--batch-file', '/dev/zero'), /\/dev\/zero: not a regular file \(a character device\)/);
});

test('--text-file on a FIFO does not hang', { skip: process.platform === 'win32' }, () => {
  assertRefused(cli('profile', model, '--text-file', fifo('text.fifo')), /text\.fifo: not a regular file \(a FIFO\)/);
});

test('--policy on a FIFO does not hang', { skip: process.platform === 'win32' }, () => {
  assertRefused(cli('profile', model, '--text', 'hello', '--policy', fifo('policy.fifo')), /policy\.fifo: not a regular file \(a FIFO\)/);
});

test('--hardware /dev/zero', () => {
  assertRefused(cli('profile', model, '--text', 'hello', '--hardware', '/dev/zero'), /\/dev\/zero: not a regular file/);
});

test('--csv /proc/x is refused before anything runs', { skip: process.platform !== 'linux' }, () => {
  assertRefused(cli('profile', model, '--text', 'hello', '--csv', '/proc/x'), /\/proc\/x: cannot write under \/proc/);
});

test('--json /proc/x/r.json', { skip: process.platform !== 'linux' }, () => {
  assertRefused(cli('profile', model, '--text', 'hello', '--json', '/proc/x/r.json'), /\/proc\/x\/r\.json: cannot write: the folder \/proc\/x does not exist/);
});

test('--json into a missing folder creates nothing', () => {
  const missing = path.join(dir, 'nonexistent', 'dir');
  assertRefused(cli('profile', model, '--text', 'hello', '--json', path.join(missing, 'x.json')), /cannot write: the folder .*nonexistent\/dir does not exist/);
  assert.ok(!existsSync(path.join(dir, 'nonexistent')), 'no folder was created');
});

test('sweep --keep with 2,000 values is refused at once', () => {
  const keeps = Array.from({ length: 2000 }, (_, i) => ((i + 1) / 2000).toString()).join(',');
  assertRefused(cli('sweep', model, '--text', 'hello', '--keep', keeps), /--keep: 2000 distinct keep fractions, over the limit of 64/);
});

test('a policy file saved with a UTF-8 BOM is accepted', () => {
  const policy = path.join(dir, 'bom-policy.json');
  writeFileSync(policy, '\uFEFF{ "extends": "paper-gpt2-small", "name": "with a BOM" }\n');
  const r = cli('profile', model, '--text', 'Once upon a time, there was a little dog.', '--policy', policy, '--json', '-');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).policy.name, 'with a BOM');
});
