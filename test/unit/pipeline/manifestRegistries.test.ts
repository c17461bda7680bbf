// The manifest's setting choices come from the engine's registries: a preset added to the engine
// must appear in package.json (and nowhere else by hand); this test catches a manifest that drifts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { hardwarePresets } from '../../../src/engine/hardware/hardwarePresets';
import { POLICY_PRESET_NAMES } from '../../../src/engine/spatten/policy';
import { AUTO_POLICY } from '../../../src/engine/spatten/autoPolicy';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
const settings = pkg.contributes.configuration.properties;

test('spatten.hardware.preset lists exactly the hardware registry', () => {
  assert.deepEqual([...settings['spatten.hardware.preset'].enum].sort(), Object.keys(hardwarePresets).sort());
  assert.ok(hardwarePresets[settings['spatten.hardware.preset'].default]);
});

test('spatten.policy.preset lists exactly the policy registry plus auto', () => {
  assert.deepEqual([...settings['spatten.policy.preset'].enum].sort(), [AUTO_POLICY, ...POLICY_PRESET_NAMES].sort());
});
