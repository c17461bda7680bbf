// `spatten-profile tune` as a user runs it (the built out/cli.js, its worker pool of
// out/tuneWorker.js processes) on small generated fixture models: the result JSON, the Pareto
// flags, determinism with a seed, the HTML page, and the chosen policy file accepted by
// `profile --policy FILE` (the round trip). Bad flags exit 2 or 3 with a clear message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { paretoFront } from '../../../src/engine/tune/pareto';
import { passagesOf } from '../../../src/engine/tune/tuneInputs';
import type { TuneResult } from '../../../src/engine/tune/runTune';
import { scratchDir } from '../scratchDir';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const SENTENCES = [
  'the cat sat on the mat and looked at the dog across the room',
  'a quick brown fox jumps over the lazy dog near the river bank',
  'she sells sea shells by the sea shore every summer morning',
  'rain fell softly on the roof while the children slept upstairs',
  'the old man walked slowly along the road towards the village',
  'birds sang in the trees as the sun rose over the quiet hills',
];

test('tune on a GPT-2 fixture: trials, front, chosen policy round-trips through profile --policy, same seed same result', (t) => {
  const fx = generateFixture('gpt2', 'fp32', { withTokenizer: true });
  const dir = scratchDir('spatten-tune-', t);
  const text = path.join(dir, 'text.txt');
  const content = Array.from({ length: 64 }, (_, i) => `${SENTENCES[i % SENTENCES.length]} ${i}`).join('\n') + '\n';
  writeFileSync(text, content);
  // --passage-chars: shorter passages than the default 512 characters, so more of them.
  const passages = passagesOf(content, 300).length;
  assert.ok(passages > passagesOf(content).length && passages >= 6, `${passages} passages`);
  const args = ['tune', fx.path, '--text-file', text, '--passage-chars', '300', '--budget', '0.5', '--metric', 'perplexity', '--trials', '6', '--seed', '3', '--max-tokens', '24', '--workers', '2'];
  const r = cli(...args, '--json', path.join(dir, 'a.json'), '--html', path.join(dir, 'a.html'), '--policy-out', path.join(dir, 'policy.json'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /paper-gpt2-small/);
  assert.match(r.stdout, /Pareto front/);
  // Progress names the best point so far with its units and where each figure comes from.
  assert.match(r.stderr, /best within budget: trial #\d+, dram [\d.]+ % of dense \(modelled\), perplexity loss [+-][\d.]+ ppl \(measured\)/);
  const a = JSON.parse(readFileSync(path.join(dir, 'a.json'), 'utf8')) as TuneResult;
  // The model is named as the report names it: a generic model.onnx by its folder.
  assert.equal(path.basename(fx.path), 'model.onnx');
  assert.equal(a.model.name, path.basename(path.dirname(fx.path)));
  assert.ok(r.stdout.startsWith(`${a.model.name} (model.onnx): `), r.stdout.slice(0, 120));
  assert.equal(a.kind, 'spatten-tune');
  assert.equal(a.trials.length, 6);
  assert.equal(a.split.calibration.length + a.split.heldOut.length, passages);
  assert.equal(a.baseline.label, 'paper-gpt2-small');
  assert.equal(a.baseline.heldOut.loss.inputs, a.split.heldOut.length);
  const full = a.trials.filter((t) => t.full);
  const front = new Set(paretoFront(full.map((t) => ({ cost: t.relativeCost, loss: t.loss.loss }))).map((i) => full[i].id));
  for (const t of a.trials) assert.equal(t.onFront, front.has(t.id));
  // Dense is a trial: perplexity unchanged (engine = reference within float error; the random
  // fixture's perplexity is ~1e8, so relative), full cost.
  const dense = a.trials.find((t) => t.label === 'dense');
  assert.ok(dense && Math.abs(dense.loss.loss) / dense.loss.dense < 1e-5 && Math.abs(dense.relativeCost - 1) < 1e-9, JSON.stringify(dense?.loss));
  assert.ok(a.chosen, 'dense meets any budget');
  assert.ok(a.chosen.calibration.loss.loss <= a.budget.absolute);
  assert.ok(a.chosen.heldOut.loss.interval.low <= a.chosen.heldOut.loss.loss && a.chosen.heldOut.loss.loss <= a.chosen.heldOut.loss.interval.high);
  // The chosen policy against the preset on the same held-out passages, pair by pair: the
  // difference of the two held-out rows, with a paired interval and a verdict against the budget.
  const paired = a.chosen.heldOutVsBaseline;
  assert.ok(paired, 'a paired comparison with the preset');
  assert.equal(paired.against, 'paper-gpt2-small');
  assert.equal(paired.inputs, a.split.heldOut.length);
  assert.equal(paired.margin, a.budget.absolute);
  assert.ok(Math.abs(paired.difference - (a.chosen.heldOut.loss.loss - a.baseline.heldOut.loss.loss)) <= 1e-9 * Math.max(1, Math.abs(a.baseline.heldOut.loss.loss)), JSON.stringify(paired));
  assert.ok(paired.interval.low <= paired.difference && paired.difference <= paired.interval.high, JSON.stringify(paired));
  assert.equal(paired.mcnemar, undefined, 'McNemar is for accuracy');
  assert.match(r.stdout, /Held-out, paired against paper-gpt2-small \(measured\):\n {2}tuned \(#\d+\): tuned − paper-gpt2-small: [+-]?[\d.]+ ppl \[/);
  assert.match(r.stdout, /non-inferiority with the budget as margin/);

  const html = readFileSync(path.join(dir, 'a.html'), 'utf8');
  assert.match(html, /id="tune-data"/);
  assert.match(html, /Content-Security-Policy/);

  // The chosen policy as a file `profile --policy` accepts, and runs.
  const policy = JSON.parse(readFileSync(path.join(dir, 'policy.json'), 'utf8')) as { name: string };
  const p = cli('profile', fx.path, '--text', SENTENCES[0], '--policy', path.join(dir, 'policy.json'), '--max-tokens', '24', '--json', '-');
  assert.equal(p.code, 0, p.stderr);
  assert.equal(JSON.parse(p.stdout).policy.name, policy.name);

  // Same seed, same trials and choice (timings aside).
  const b = cli(...args, '--json', '-');
  assert.equal(b.code, 0, b.stderr);
  const bj = JSON.parse(b.stdout) as TuneResult;
  assert.deepEqual(bj.trials, a.trials);
  assert.deepEqual(bj.chosen, a.chosen);
});

test('tune on a BERT fixture with --metric agreement and a single worker', (t) => {
  const fx = generateFixture('bert', 'fp32', { withTokenizer: true });
  const dir = scratchDir('spatten-tune-', t);
  const batch = path.join(dir, 'batch.txt');
  writeFileSync(batch, SENTENCES.join('\n') + '\n');
  // --inputs 5: five of the six lines, evenly spaced.
  const r = cli('tune', fx.path, '--batch-file', batch, '--inputs', '5', '--budget', '20%', '--metric', 'agreement', '--objective', 'latency', '--trials', '5', '--workers', '1', '--json', '-');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout) as TuneResult;
  assert.equal(j.baseline.label, 'paper-bert');
  assert.equal(j.objective, 'latency');
  assert.equal(j.trials.length, 5);
  assert.equal(j.search.workers, 1);
  assert.equal(j.split.calibration.length + j.split.heldOut.length, 5);
  if (j.chosen) assert.equal(j.chosen.heldOutVsBaseline?.inputs, j.split.heldOut.length);
});

test('bad tune flags: usage errors exit 2, bad input exits 3 naming it', () => {
  assert.equal(cli('tune', 'm.onnx', '--batch-file', 'x.txt').code, 2, 'no --budget');
  assert.equal(cli('tune', 'm.onnx', '--batch-file', 'x.txt', '--budget', '1%', '--metric', 'bleu').code, 2);
  assert.equal(cli('tune', 'm.onnx', '--text-file', 'x.txt', '--budget', '1%', '--passage-chars', '0').code, 2);
  const b = cli('tune', 'm.onnx', '--batch-file', 'x.txt', '--budget', 'lots');
  assert.equal(b.code, 3);
  assert.match(b.stderr, /--budget/);
  const k = cli('tune', 'm.onnx', '--batch-file', 'x.txt', '--budget', '1%', '--metric', 'kl');
  assert.equal(k.code, 3);
  assert.match(k.stderr, /nats/);
  assert.equal(cli('tune', 'm.onnx', '--batch-file', 'x.txt', '--budget', '1%', '--inputs', '1').code, 2, '--inputs below 2');
  const f = cli('tune', 'missing.onnx', '--batch-file', 'no-such-file.jsonl', '--budget', '1%');
  assert.equal(f.code, 3);
  assert.match(f.stderr, /no-such-file\.jsonl/);
});
