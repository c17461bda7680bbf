// Reproducers of bugs the fuzzer (scripts/fuzz.ts) found, rebuilt from the seeds: each must now
// end as a clean refusal (exit 3, one line on stderr, no stack, no "internal error").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateFixture } from '../../fixtures/generateFixture';
import { REPO_ROOT } from '../model/stories260kModel';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');

function assertRefused(args: string[], reason: RegExp): void {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 60_000 });
  assert.equal(r.status, 3, r.stderr);
  const last = r.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('[spatten]'));
  assert.equal(last.length, 1, r.stderr);
  assert.doesNotMatch(last[0], /internal error|\bat .*:\d+:\d+/);
  assert.match(last[0], reason);
}

interface TokenizerJson {
  model: { vocab: Record<string, unknown> };
  post_processor: { single: unknown[] } | Record<string, unknown>;
}

/** Runs `check` on the BERT fixture with its tokenizer.json copied to a fresh folder and `edit`ed; removes the folder after. */
function withEditedBertTokenizer(edit: (tokenizer: TokenizerJson) => void, check: (model: string) => void): void {
  const seed = generateFixture('bert', 'fp32', { withTokenizer: true });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'spatten-fuzz-regression-'));
  try {
    copyFileSync(seed.path, path.join(dir, 'model.onnx'));
    const tokenizer = JSON.parse(readFileSync(path.join(path.dirname(seed.path), 'tokenizer.json'), 'utf8'));
    edit(tokenizer);
    writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
    check(path.join(dir, 'model.onnx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const id of [[2, 0.5], 2.5, -1, 2 ** 31 - 1]) {
  // s2-c3138: 2^31 - 1 hung the tokenizers library for over 30 s (tables as long as the id).
  test(`fuzz s2-c177, s2-c3138: a tokenizer.json vocabulary id of ${JSON.stringify(id)} is refused, naming the token`, () => {
    withEditedBertTokenizer((t) => (t.model.vocab.little = id), (model) =>
      assertRefused(['profile', model, '--text', 'the little girl was playing', '--max-tokens', '16', '--json', '-'], /tokenizer\.json: token "little" has the id .*not an integer in 0\.\.16777216/));
  });
}

for (const id of [null, {}]) {
  test(`fuzz s2-c1290/s2-c1745: a post_processor SpecialToken id of ${JSON.stringify(id)} is refused`, () => {
    withEditedBertTokenizer((t) => ((t.post_processor.single as { SpecialToken: { id: unknown } }[])[0].SpecialToken.id = id), (model) =>
      assertRefused(['profile', model, '--text', 'the little girl was playing', '--max-tokens', '16', '--json', '-'], /tokenizer\.json: post_processor "single" item 0 is .*not \{"SpecialToken": \{"id": "<token>"\}\}/));
  });
}

test('fuzz s1-c429: a post_processor template item that is not an object is refused, naming the item', () => {
  withEditedBertTokenizer((t) => ((t.post_processor.single as unknown[])[1] = '[object Object]'), (model) =>
    assertRefused(['profile', model, '--text', 'the little girl was playing', '--max-tokens', '16', '--json', '-'], /tokenizer\.json: post_processor "single" item 1 is "\[object Object\]", not/));
});

test('a post-processor the tokenizers library fails on at encode time (BertProcessing cls null) is refused as the file\'s fault', () => {
  // Beyond the template checks: any error the library throws on the input is the file's.
  withEditedBertTokenizer((t) => (t.post_processor = { type: 'BertProcessing', cls: null, sep: ['[SEP]', 3] }), (model) =>
    assertRefused(['profile', model, '--text', 'the little girl was playing', '--max-tokens', '16', '--json', '-'], /tokenizer\.json: the tokenizer failed on the input \(.*\); the file's normalizer, pre_tokenizer, post_processor or decoder is malformed/));
});
