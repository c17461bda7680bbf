// The whole pipeline on real inputs: runProfile on the converted stories260K (real trained
// weights, ../shared) and on a generated BERT classifier with its tokenizer. The report must match
// its JSON Schema, agree with the Trace it came from, and with policy `off` equal the dense run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { profileLimits, runProfile } from '../../../src/engine/profile';
import { ortSessionCounts, resetOrtSessionPeak } from '../runtime/ortSessionCounts';
import { CancelledError, InputError } from '../../../src/engine/errors';
import type { ProfileProgress } from '../../../src/engine/profileRequest';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';
import { generateFixture } from '../../fixtures/generateFixture';
import { parseWorkloadCsv, writeWorkloadCsv } from '../../../src/engine/trace/workloadCsv';
import { simulate } from '../../../src/engine/hardware/simulate';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { assertBracket } from '../hardware/timingBracket';

const schema = JSON.parse(readFileSync(path.join(REPO_ROOT, 'media/schema/profile-report.schema.json'), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const TEXT = readFileSync(path.join(REPO_ROOT, 'media/samples/default.txt'), 'utf8');

test('stories260K, policy off: the engine equals the dense reference', async () => {
  const { onnxPath } = await convertStories260K();
  const { report, trace } = await runProfile({ modelPath: onnxPath, texts: [TEXT.slice(0, 120)], policy: 'off', hardware: 'spatten-1x' });
  const m = report.accuracy.metrics;
  assert.ok(m.maxLogitDiff.value <= 1e-4, `max |logit diff| ${m.maxLogitDiff.value}`);
  assert.equal(m.top1Agreement.value, 1);
  assert.ok(Math.abs(m.perplexityDelta.value) < 1e-3, `perplexity delta ${m.perplexityDelta.value}`);
  assert.equal(report.summary.keysFetched.value, 1);
  assert.equal(report.summary.refetchRate.value, 0);
  assert.ok(trace.rows.every((r) => r.keysFetched === r.sentenceLength && r.valuesFetched === r.sentenceLength));
  // Same work on the same hardware: no speedup, no DRAM saving.
  assert.ok(Math.abs(report.summary.speedup.value - 1) < 1e-9, `speedup ${report.summary.speedup.value}`);
  assert.ok(Math.abs(report.summary.dramReduction.value - 1) < 1e-9);
});

test('stories260K, paper-gpt2-small with generation: a consistent, schema-valid report', async () => {
  const { onnxPath } = await convertStories260K();
  const stages = new Set<string>();
  const details: string[] = [];
  const { report, trace } = await runProfile(
    { modelPath: onnxPath, texts: [TEXT], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 8 },
    (p: ProfileProgress) => {
      stages.add(p.stage);
      if (p.detail) details.push(p.detail);
    },
  );
  assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 5)));
  assert.deepEqual([...stages].sort(), ['engine', 'load', 'reference', 'report', 'simulate']);
  assert.ok(details.some((d) => /layer [1-5] of 5/.test(d)), 'per-layer progress detail');
  const m = report.model;
  assert.deepEqual([m.family, m.layers, m.heads, m.kvHeads, m.headDim, m.hiddenSize], ['llama', 5, 8, 4, 8, 64]);
  const inputTokens = report.input.tokens.filter((t) => t.start >= 0 || t.protected).length;
  assert.equal(report.input.tokens.length, inputTokens + 8, 'input tokens + 8 generated');
  assert.equal(report.accuracy.generated?.length, 8);
  assert.equal(report.layers.length, 5);
  assert.equal(report.tokens.cumulativeImportance.length, 5);
  for (const row of report.tokens.cumulativeImportance) assert.equal(row.length, report.input.tokens.length);
  // The summary agrees with the trace it was computed from.
  const kl = trace.rows.reduce((a, r) => a + r.keysFetched / r.sentenceLength, 0) / trace.rows.length;
  assert.ok(Math.abs(report.summary.keysFetched.value - kl) < 1e-12);
  assert.ok(report.summary.keysFetched.value < 1 && report.summary.valuesFetched.value < report.summary.keysFetched.value);
  assert.ok(report.summary.dramReduction.value > 1, 'pruning and 6-bit K/V must cut DRAM traffic');
  const layerCycles = report.layers.reduce((a, l) => a + l.cycles, 0);
  assert.ok(Math.abs(layerCycles / report.summary.latency.value / report.summary.clock.value - 1) < 1e-9);
  // Every summary number says its unit and where it came from.
  for (const [k, v] of Object.entries(report.summary)) {
    assert.ok(Number.isFinite(v.value), `${k} = ${v.value}`);
    assert.ok(v.unit && ['measured', 'modelled', 'configured'].includes(v.source), k);
  }
  // The generated text is real stories260K output, decoded by its tokenizer.
  assert.ok(report.accuracy.generated!.every((g) => typeof g.text === 'string' && g.id >= 0 && g.id < 512));
  // The timing models bracket each other on the default model (D = 8) too, prompt pass included.
  assert.ok(trace.rows.some((r) => r.step === -1));
  assert.ok(assertBracket(trace, 'stories260K') > 0);
  // The Trace seam is lossless: engine -> workload CSV -> simulate reproduces the profile's figures.
  const replayed = parseWorkloadCsv(writeWorkloadCsv(trace), { fileName: 'engine.csv' });
  const hw = resolveHardwareConfig('spatten-1x');
  const direct = simulate(trace, hw, { timing: 'pipelined', denseBits: 32 });
  const viaCsv = simulate(replayed, hw, { timing: 'pipelined', denseBits: 32 });
  assert.ok(Math.abs(viaCsv.totalCycles / layerCycles - 1) <= 0.01, `cycles ${viaCsv.totalCycles} vs profile ${layerCycles}`);
  assert.ok(Math.abs(viaCsv.totalCycles / direct.totalCycles - 1) <= 0.01);
  assert.ok(Math.abs(viaCsv.denseCycles / direct.denseCycles - 1) <= 0.01, `dense ${viaCsv.denseCycles} vs ${direct.denseCycles}`);
  assert.equal(viaCsv.dramBytes, direct.dramBytes);
  assert.equal(viaCsv.denseDramBytes, direct.denseDramBytes);
});

test('BERT classifier fixture with its tokenizer: encoder mode, classifier accuracy', async () => {
  const fx = generateFixture('bert', 'fp32', { withTokenizer: true });
  const { report } = await runProfile({ modelPath: fx.path, texts: ['the quick brown fox jumps over the lazy dog', 'hello world'], policy: 'paper-bert', hardware: 'spatten-1/8' });
  assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 5)));
  assert.equal(report.mode, 'encoder');
  assert.equal(report.accuracy.kind, 'classifier');
  const agree = report.accuracy.metrics.labelAgreement;
  assert.ok(agree.value >= 0 && agree.value <= 1 && agree.source === 'measured');
  assert.match(agree.note ?? '', /mean of 2 inputs, 95% CI/);
  const [low, high] = agree.interval ?? [NaN, NaN];
  assert.ok(low <= agree.value && agree.value <= high, `interval [${low}, ${high}] holds the mean ${agree.value}`);
  assert.equal(report.model.family, 'bert');
  // Gold labels by name through the config.json id2label beside the model.
  writeFileSync(path.join(path.dirname(fx.path), 'config.json'), JSON.stringify({ id2label: { 0: 'negative', 1: 'neutral', 2: 'positive' } }));
  const labelled = await runProfile({ modelPath: fx.path, texts: ['the quick brown fox', 'hello world', 'a lazy dog'], labels: ['positive', 0, 'negative'], policy: 'off', hardware: 'spatten-1x' });
  const m = labelled.report.accuracy.metrics;
  // Policy off: the pruned predictions are the dense ones, so both accuracies are equal.
  assert.equal(m.denseAccuracy.value, m.prunedAccuracy.value);
  assert.ok([0, 1 / 3, 2 / 3, 1].some((v) => Math.abs(v - m.denseAccuracy.value) < 1e-12));
  assert.ok(labelled.report.accuracy.denseTop.every((t) => ['negative', 'neutral', 'positive'].includes(t.label)));
});

test('bad inputs are InputErrors naming what and where; cancellation is a CancelledError', async () => {
  const dir = path.join(REPO_ROOT, '.test-cache', 'bad-models');
  mkdirSync(dir, { recursive: true });
  const junk = path.join(dir, 'junk.onnx');
  writeFileSync(junk, Buffer.from('definitely not a protobuf model file \u0000\u0001\u0002'));
  await assert.rejects(runProfile({ modelPath: junk, texts: ['hi'], policy: 'off', hardware: 'spatten-1x' }), (e) => e instanceof InputError && e.message.includes('junk.onnx'));
  await assert.rejects(runProfile({ modelPath: path.join(dir, 'missing.onnx'), texts: ['hi'], policy: 'off', hardware: 'spatten-1x' }), (e) => e instanceof InputError && e.message.includes('missing.onnx'));
  const { onnxPath } = await convertStories260K();
  await assert.rejects(runProfile({ modelPath: onnxPath, texts: ['x'], policy: 'no-such-policy', hardware: 'spatten-1x' }), (e) => e instanceof InputError && /no-such-policy/.test(e.message));
  await assert.rejects(runProfile({ modelPath: onnxPath, texts: ['x'], policy: 'off', hardware: 'spatten-2x' }), (e) => e instanceof InputError && /spatten-2x/.test(e.message));
  await assert.rejects(runProfile({ modelPath: onnxPath, texts: [], policy: 'off', hardware: 'spatten-1x' }), InputError);
  const controller = new AbortController();
  await assert.rejects(
    runProfile({ modelPath: onnxPath, texts: [TEXT], policy: 'paper-gpt2-small', hardware: 'spatten-1x', generateTokens: 32, signal: controller.signal }, (p) => {
      if (p.stage === 'engine') controller.abort();
    }),
    (e) => e instanceof CancelledError,
  );
});

test('a graph without a token input runs on seeded synthetic inputs (vision-style)', async () => {
  const { tinyAttentionModel } = await import('../model/tinyAttentionGraph');
  const { encodeModel } = await import('../../../src/engine/onnx/graphBuilder');
  const dir = path.join(REPO_ROOT, '.test-cache', 'synthetic');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'tiny-vision.onnx');
  writeFileSync(file, encodeModel(tinyAttentionModel()));
  const policy = { extends: 'off', name: 'tokens', tokenPruning: { enabled: true, schedule: { kind: 'per-layer', keep: [0.5] } } };
  const { report } = await runProfile({ modelPath: file, texts: ['ignored'], policy, hardware: 'spatten-1x', syntheticLength: 12 });
  assert.ok(validate(report), JSON.stringify(validate.errors?.slice(0, 5)));
  assert.equal(report.input.tokens.length, 12);
  assert.deepEqual(report.input.tokens.slice(0, 2).map((t) => t.text), ['#0', '#1']);
  assert.ok(report.warnings.some((w) => /synthetic/.test(w)));
  // One layer: its own top-k decides nothing later (no later layer), so K/L stays 1 and the output
  // equals the dense reference on the same seeded input.
  // Its output is hidden states, compared as an embedding (max |diff|, cosine), not as logits.
  assert.equal(report.accuracy.kind, 'embedding');
  assert.ok(report.accuracy.metrics.maxAbsDiff.value <= 1e-4, String(report.accuracy.metrics.maxAbsDiff.value));
});

test('external data: the dense reference from the file, segments reading their weights from the data file', async () => {
  // No model is encoded whole: the dense reference is ORT's load of the file itself, and each
  // segment's proto references its weights at their offsets in the external data file.
  const fx = generateFixture('llama', 'external', { withTokenizer: true });
  const { report } = await runProfile({ modelPath: fx.path, texts: ['the cat sat on the mat'], policy: 'off', hardware: 'spatten-1x' });
  assert.ok(report.accuracy.metrics.maxLogitDiff.value <= 1e-4, String(report.accuracy.metrics.maxLogitDiff.value));
  assert.equal(report.accuracy.metrics.top1Agreement.value, 1);
});

test('the dense reference is released before the engine builds its sessions', async () => {
  const fx = generateFixture('bert', 'fp32', { withTokenizer: true });
  resetOrtSessionPeak();
  const before = ortSessionCounts();
  await runProfile({ modelPath: fx.path, texts: ['the cat sat on the mat'], policy: 'paper-bert', hardware: 'spatten-1x' });
  const after = ortSessionCounts();
  const created = after.created - before.created;
  // One reference session, one per segment (a BERT: one per layer and the tail) and one attention
  // kernel (paper-bert on a masked encoder: one kernel variant, shared by every layer); the
  // reference is never open together with the others.
  assert.equal(created, 1 + fx.config.layers + 1 + 1);
  assert.equal(after.peakOpen - before.open, created - 1, 'the reference was open beside the engine sessions');
  assert.equal(after.open, before.open);
});

test('a batch whose dense outputs pass the budget: the rest run dense and engine side by side, same report', async () => {
  const fx = generateFixture('gpt2', 'fp32', { withTokenizer: true });
  const request = { modelPath: fx.path, texts: ['the cat sat on the mat', 'a dog lay by the door', 'hello there world'], policy: 'paper-gpt2-small', hardware: 'spatten-1x' };
  const withoutTimings = (r: object) => JSON.stringify(r, (k, v) => (k === 'timings' || k === 'generatedAt' || k === 'measuredBaselines' ? undefined : v));
  const held = await runProfile(request);
  const saved = profileLimits.denseOutputsBudgetBytes;
  profileLimits.denseOutputsBudgetBytes = 0;
  resetOrtSessionPeak();
  const before = ortSessionCounts();
  try {
    const sideBySide = await runProfile(request);
    // Input 1 ran dense first (budget 0 is passed after it), inputs 2 and 3 beside the engine.
    const after = ortSessionCounts();
    assert.equal(after.peakOpen - before.open, after.created - before.created, 'the reference stays open beside the engine');
    assert.equal(withoutTimings(sideBySide.report), withoutTimings(held.report));
  } finally {
    profileLimits.denseOutputsBudgetBytes = saved;
  }
});
