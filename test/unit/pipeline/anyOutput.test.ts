// Exports whose output is not [batch, seq, vocab] logits profile cleanly (the CLI as a user runs
// it): last-token logits ([batch, vocab], scored and generated), a BERT embedding export with two
// outputs (last_hidden_state, pooled [CLS]), each compared by what it is; the default policy
// follows the model and says so; a decoder's prompt + generated tokens are fitted to its position
// table with a warning on stderr. Every report validates against the (versioned) schema.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const TEXT = 'the cat sat on the mat and looked at the dog';
const validate = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(path.join(REPO_ROOT, 'media/schema/profile-report.schema.json'), 'utf8')));

interface Run {
  status: number | null;
  stderr: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  report: any;
}

export function profileJson(args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, 'profile', ...args, '--json', '-'], { encoding: 'utf8', timeout: 120_000 });
  const report = r.status === 0 ? JSON.parse(r.stdout) : undefined;
  if (report) assert.ok(validate(report), JSON.stringify(validate.errors));
  return { status: r.status, stderr: r.stderr, report };
}

test('last-token logits: policy off equals ORT, perplexity is defined, generation runs', () => {
  const fx = generateFixture('gpt2-last-token', 'fp32', { withTokenizer: true });
  const off = profileJson([fx.path, '--text', TEXT, '--policy', 'off', '--generate', '4']);
  assert.equal(off.status, 0, off.stderr);
  const m = off.report.accuracy.metrics;
  assert.equal(off.report.accuracy.kind, 'language-model');
  assert.ok(m.maxLogitDiff.value <= 1e-4, `max |logit diff| ${m.maxLogitDiff.value}`);
  assert.ok(Math.abs(m.perplexityDelta.value) <= 1e-3 * m.perplexityDense.value, `perplexity ${m.perplexityDense.value} vs ${m.perplexityPruned.value}`);
  assert.equal(m.generatedMatch.value, 4);
  assert.deepEqual(off.report.accuracy.outputs.map((o: { name: string; kind: string }) => [o.name, o.kind]), [['logits', 'last-token-logits']]);

  const auto = profileJson([fx.path, '--text', TEXT, '--generate', '4']);
  assert.equal(auto.status, 0, auto.stderr);
  assert.deepEqual([auto.report.policy.name, auto.report.policy.source], ['paper-gpt2-small', 'auto']);
  assert.match(auto.report.policy.reason, /decoder/);
  for (const k of ['perplexityDense', 'perplexityPruned', 'top1Agreement']) assert.ok(Number.isFinite(auto.report.accuracy.metrics[k].value), k);
});

test('pooled embeddings: both outputs compared by max |diff| and cosine; encoder -> paper-bert', () => {
  const fx = generateFixture('bert-pooled', 'fp32', { withTokenizer: true });
  const off = profileJson([fx.path, '--text', TEXT, '--policy', 'off']);
  assert.equal(off.status, 0, off.stderr);
  const a = off.report.accuracy;
  assert.deepEqual([a.kind, a.primaryOutput, a.denseTop], ['embedding', 'pooler_output', []]);
  assert.deepEqual(a.outputs.map((o: { name: string; kind: string; dims: number[] }) => [o.name, o.kind, o.dims.length]), [['last_hidden_state', 'embedding', 3], ['pooler_output', 'embedding', 2]]);
  assert.ok(a.metrics.maxAbsDiff.value <= 1e-4 && a.metrics.cosineSimilarity.value > 0.99999, JSON.stringify(a.metrics));

  const auto = profileJson([fx.path, '--text', TEXT]);
  assert.equal(auto.status, 0, auto.stderr);
  assert.deepEqual([auto.report.policy.name, auto.report.policy.source], ['paper-bert', 'auto']);
  const cos = auto.report.accuracy.metrics.cosineSimilarity.value;
  assert.ok(cos > 0 && cos <= 1 + 1e-9, `cosine ${cos}`);
  assert.equal(auto.report.summary.accuracyImpact.unit, 'cosine');
});

test('prompt + generate beyond the position table: the prompt is trimmed from the front, with a warning', () => {
  const fx = generateFixture('gpt2', 'fp32', { withTokenizer: true });
  const table = fx.config.maxPositions;
  const long = Array.from({ length: 8 }, () => TEXT).join(' ');
  const r = profileJson([fx.path, '--text', long, '--generate', '8', '--policy', 'off']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: input: \d+ prompt tokens \+ 8 generated exceed the model's position table \(transformer\.wpe\.weight, 64 positions\)/);
  assert.ok(r.report.warnings.some((w: string) => /position table/.test(w)));
  assert.equal(r.report.input.tokens.length, table, 'prompt + generated fill the table exactly');
  // The trimmed prompt is the end of the text: its last token ends where the text ends.
  const tokens = r.report.input.tokens.filter((t: { start: number }) => t.start >= 0);
  assert.equal(tokens[tokens.length - 1].end, long.length);
});

test('an explicit --policy is reported as requested', () => {
  const fx = generateFixture('bert', 'fp32', { withTokenizer: true });
  const r = profileJson([fx.path, '--text', TEXT, '--policy', 'paper-gpt2-small']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual([r.report.policy.name, r.report.policy.source], ['paper-gpt2-small', 'request']);
});
