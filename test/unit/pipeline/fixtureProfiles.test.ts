// `spatten-profile profile --json -` on every fixture family and export variant (generated with its
// tokenizer): the report describes the model as it was built (family, layers, heads, KV heads,
// head size, causal), and with policy `off` the engine's outputs equal plain ORT's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ALL_FIXTURE_KINDS, generateFixture, REPO_ROOT, type FixtureKind, type FixtureVariant } from '../../fixtures/generateFixture';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const CASES: { kind: FixtureKind; variant: FixtureVariant }[] = [
  ...ALL_FIXTURE_KINDS.map((kind) => ({ kind, variant: 'fp32' as FixtureVariant })),
  { kind: 'bert', variant: 'external' },
  { kind: 'llama', variant: 'external' },
];

for (const { kind, variant } of CASES) {
  test(`profile --json - describes ${kind} (${variant})`, () => {
    const fx = generateFixture(kind, variant, { withTokenizer: true });
    const r = spawnSync(process.execPath, [CLI, 'profile', fx.path, '--text', 'the cat sat on the mat and looked at the dog', '--policy', 'off', '--json', '-'], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const c = fx.config;
    assert.deepEqual(
      [report.model.family, report.model.layers, report.model.heads, report.model.kvHeads, report.model.headDim, report.model.causal],
      [c.family, c.layers, c.heads, c.kvHeads, c.headDim, c.causal],
    );
    assert.equal(report.mode, c.causal ? 'generation' : 'encoder');
    assert.ok(report.accuracy.metrics.maxLogitDiff.value <= 1e-4, `max |logit diff| ${report.accuracy.metrics.maxLogitDiff.value}`);
  });
}
