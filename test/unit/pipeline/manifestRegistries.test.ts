// The manifest's setting choices and the policy schema's "extends" come from the engine's
// registries through scripts/manifest.ts (`npm run manifest`): a preset is added in its registry
// alone, and this test fails until the generated files are regenerated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { generatedManifestFiles } from '../../../scripts/manifest';
import { hardwarePresets } from '../../../src/engine/hardware/hardwarePresets';
import { POLICY_PRESET_NAMES } from '../../../src/engine/spatten/policy';
import { AUTO_POLICY } from '../../../src/engine/spatten/autoPolicy';

const ROOT = path.join(__dirname, '../../..');

test('package.json and the policy schema are what npm run manifest generates from the registries', () => {
  for (const f of generatedManifestFiles(ROOT)) {
    assert.ok(readFileSync(path.join(ROOT, f.path), 'utf8') === f.text, `${f.path} is stale: run npm run manifest`);
  }
});

test('the generated choices are the registries', () => {
  const files = Object.fromEntries(generatedManifestFiles(ROOT).map((f) => [f.path, JSON.parse(f.text)]));
  const settings = files['package.json'].contributes.configuration.properties;
  assert.deepEqual(settings['spatten.hardware.preset'].enum, Object.keys(hardwarePresets));
  assert.equal(settings['spatten.hardware.preset'].enumDescriptions.length, Object.keys(hardwarePresets).length);
  assert.ok(hardwarePresets[settings['spatten.hardware.preset'].default]);
  assert.deepEqual(settings['spatten.policy.preset'].enum, [AUTO_POLICY, ...POLICY_PRESET_NAMES]);
  assert.deepEqual(files['media/schema/policy.schema.json'].properties.extends.enum, [AUTO_POLICY, ...POLICY_PRESET_NAMES]);
});
