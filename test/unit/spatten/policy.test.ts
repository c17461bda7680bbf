import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../../src/engine/errors';
import { POLICY_PRESET_NAMES, presetPolicy, resolvePolicy } from '../../../src/engine/spatten/policy';
import { substituteAuto } from '../../../src/engine/spatten/autoPolicy';
import { policyArgument } from '../../../src/cli/profileInputs';
import { mergeConfigLayers } from '../../../src/engine/configMerge';

const repo = path.resolve(__dirname, '../../..');

test('every preset resolves and passes its own schema when written back as JSON', () => {
  for (const name of POLICY_PRESET_NAMES) {
    const p = presetPolicy(name);
    assert.equal(p.name, name);
    const { name: _n, ...rest } = p;
    const again = resolvePolicy({ name, ...JSON.parse(JSON.stringify(rest)) });
    assert.deepEqual(again, p);
  }
});

test('paper-gpt2-small carries the trace settings', () => {
  const p = presetPolicy('paper-gpt2-small');
  assert.deepEqual(p.tokenPruning.schedule, { kind: 'gpt2-trace', model: 'gpt2-small' });
  assert.equal(p.tokenPruning.startStep, 1);
  assert.equal(p.localVPruning.keepFraction, 0.2);
  assert.deepEqual(
    [p.quantization.mode, p.quantization.queryBits, p.quantization.keyBits, p.quantization.keyLsbBits, p.quantization.valueBits, p.quantization.threshold],
    ['progressive', 16, 6, 4, 6, 0.05],
  );
  const off = presetPolicy('off');
  assert.equal(off.tokenPruning.enabled || off.headPruning.enabled || off.localVPruning.enabled, false);
  assert.equal(off.quantization.mode, 'off');
});

test('a JSON policy overrides its preset section by section', () => {
  const p = resolvePolicy({ name: 'mine', extends: 'paper-gpt2-small', quantization: { threshold: 0.1 }, tokenPruning: { scoring: 'average', protect: { sinkTokens: 4 } } });
  assert.equal(p.name, 'mine');
  assert.equal(p.quantization.threshold, 0.1);
  assert.equal(p.quantization.keyBits, 6);
  assert.equal(p.tokenPruning.scoring, 'average');
  assert.equal(p.tokenPruning.protect.sinkTokens, 4);
  assert.equal(p.tokenPruning.protect.recentTokens, 0);
  assert.deepEqual(p.tokenPruning.schedule, { kind: 'gpt2-trace', model: 'gpt2-small' });
});

test('bad policies are InputErrors that name the setting', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ quantization: { treshold: 0.1 } }, /quantization: unknown setting "treshold"/],
    [{ quantization: { mode: 'dynamic' } }, /quantization\.mode: must be one of "off", "static", "progressive"/],
    [{ tokenPruning: { schedule: { kind: 'ramp' } } }, /tokenPruning\.schedule.*averagePrune/],
    [{ tokenPruning: { schedule: { kind: 'sometimes' } } }, /tokenPruning\.schedule/],
    [{ localVPruning: { keepFraction: 0 } }, /localVPruning\.keepFraction/],
    [{ extends: 'paper-gpt3' }, /extends: must be one of/],
    [{ tokenPruning: { enabled: true } }, /tokenPruning: enabled with schedule kind "none"/],
  ];
  for (const [input, message] of bad) {
    assert.throws(() => resolvePolicy(input, 'policy.json'), (e: unknown) => e instanceof InputError && e.where.startsWith('policy.json') && message.test(e.message), JSON.stringify(input));
  }
  assert.throws(() => resolvePolicy('fast'), /unknown policy preset "fast"/);
});

/** A policy file as the CLI reads it (--policy FILE), resolved as a profile resolves it. */
const loadPolicyFile = (file: string) => resolvePolicy(substituteAuto(policyArgument(file), 'paper-bert'), file);

test('policy files: the shipped examples load; a broken file names itself', () => {
  const dir = path.join(repo, 'media/policies');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 3);
  for (const f of files) assert.ok(loadPolicyFile(path.join(dir, f)).name.length > 0, f);
  assert.throws(() => loadPolicyFile(path.join(dir, 'no-such.json')), (e: unknown) => e instanceof InputError && /not a policy preset .* and not a file/.test(e.what));
  assert.throws(() => loadPolicyFile(path.join(repo, "tsconfig.json")), (e: unknown) => e instanceof InputError && e.where.endsWith("tsconfig.json") && /unknown setting "compilerOptions"/.test(e.what));
});

test("package.json's per-layer override example merges over a ramp policy file (one merge for CLI and extension)", () => {
  const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
  const description: string = pkg.contributes.configuration.properties['spatten.policy.overrides'].markdownDescription;
  const example = JSON.parse((description.match(/`(\{.*\})`/) ?? [])[1] ?? 'null');
  assert.equal(example.tokenPruning.schedule.kind, 'per-layer');
  const rampFile = JSON.parse(readFileSync(path.join(__dirname, '../../../media/policies/bert-tokens-only.json'), 'utf8'));
  assert.equal(rampFile.tokenPruning.schedule.kind, 'ramp');
  const merged = mergeConfigLayers(rampFile, example);
  const p = resolvePolicy(merged, 'spatten.policy.overrides');
  assert.deepEqual(p.tokenPruning.schedule, example.tokenPruning.schedule);
  // The inputs are untouched: the file's ramp is still a ramp.
  assert.equal(rampFile.tokenPruning.schedule.kind, 'ramp');
});
