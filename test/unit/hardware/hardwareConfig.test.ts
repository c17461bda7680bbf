import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../../src/engine/errors';
import { peakBandwidthBytesPerSecond, bufferLines } from '../../../src/engine/hardware/hardwareConfig';
import { hardwarePresets, loadHardwareConfig, resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { channelBytesPerCycle, dramTransferCycles, transactionRoundedBytes } from '../../../src/engine/hardware/hbmChannel';
import { scratchDir } from '../scratchDir';

test('presets carry the paper parameters', () => {
  const x = hardwarePresets['spatten-1x'];
  assert.equal(peakBandwidthBytesPerSecond(x), 512e9);
  assert.equal(peakBandwidthBytesPerSecond(hardwarePresets['spatten-1/8']), 64e9);
  assert.equal(bufferLines(x.kSramBytes, x.qkMultipliers, x), 256); // 196,608 B = 256 lines x 512 x 12 b (the RTL's numBufferLines)
  assert.deepEqual([x.qkMultipliers, x.softmaxLanes, x.topKComparators, x.hbmChannels], [512, 8, 16, 16]);
  const e = hardwarePresets['spatten-1/8'];
  assert.deepEqual([e.qkMultipliers, e.softmaxLanes, e.topKComparators, e.hbmChannels], [64, 1, 16, 2]);
});

test('the documented example file extends a preset', () => {
  const c = loadHardwareConfig(path.resolve(__dirname, '../../../media/hardware/example-custom.json'));
  assert.equal(c.name, 'spatten-2x-bandwidth');
  assert.equal(c.hbmChannels, 32);
  assert.equal(c.latencies.softmax, 60);
  assert.equal(c.latencies.qk, 11);
});

function err(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e;
  }
  assert.fail('expected an InputError');
}

test('invalid configs give clear errors', (t) => {
  assert.match(err(() => resolveHardwareConfig('spatten-2x')).what, /unknown hardware preset "spatten-2x"/);
  assert.match(err(() => resolveHardwareConfig({ extends: 'spatten-1x', hbmChanels: 4 }, 'hw.json')).what, /additional properties "hbmChanels"/);
  assert.match(err(() => resolveHardwareConfig({ extends: 'spatten-1x', hbmChannels: 0 }, 'hw.json')).what, /hbmChannels must be >= 1/);
  assert.match(err(() => resolveHardwareConfig({ extends: 'spatten-1x', latencies: { qk: 'x' } }, 'hw.json')).what, /latencies\.qk must be integer/);
  assert.match(err(() => resolveHardwareConfig({ name: 'partial', clockHz: 1e9 }, 'hw.json')).what, /missing field "technologyNm"/);
  assert.match(err(() => resolveHardwareConfig({ extends: 'nope' }, 'hw.json')).what, /unknown preset "nope"/);
  assert.match(err(() => resolveHardwareConfig({ extends: 'spatten-1x', qkMultipliers: 32 }, 'hw.json')).what, /must be >= headDim/);
  const dir = scratchDir('hw-', t);
  const bad = path.join(dir, 'bad.json');
  writeFileSync(bad, '{ "extends": ');
  assert.equal(err(() => loadHardwareConfig(bad)).where, bad);
  assert.match(err(() => loadHardwareConfig(path.join(dir, 'missing.json'))).what, /not a hardware preset/);
  // Degenerate values are refused, not turned into Infinity seconds.
  assert.match(err(() => resolveHardwareConfig({ extends: 'spatten-1x', clockHz: 1e-300 }, 'hw.json')).what, /clockHz must be >= 1000000/);
  assert.match(err(() => resolveHardwareConfig({ extends: 'spatten-1x', qkMultipliers: 2 ** 40 }, 'hw.json')).what, /qkMultipliers must be <= /);
  assert.match(err(() => resolveHardwareConfig({ extends: 'spatten-1x', channelBytesPerCycle: 1e-300 }, 'hw.json')).what, /channelBytesPerCycle must be >=/);
});

test('a changed preset is named as custom, a UTF-8 BOM is accepted', (t) => {
  assert.equal(resolveHardwareConfig({ extends: 'spatten-1x', clockHz: 5e8 }, 'hw.json').name, 'custom (spatten-1x)');
  assert.equal(resolveHardwareConfig({ extends: 'spatten-1x' }, 'hw.json').name, 'spatten-1x');
  const file = path.join(scratchDir('hw-', t), 'bom.json');
  writeFileSync(file, '\uFEFF{ "extends": "spatten-1/8", "name": "bom" }');
  assert.equal(loadHardwareConfig(file).name, 'bom');
});

test('HBM: transaction rounding, channel interleave, outstanding-request cap', () => {
  const c = resolveHardwareConfig('spatten-1x');
  assert.equal(transactionRoundedBytes(33, c), 64);
  assert.equal(dramTransferCycles(512, c), 1); // 16 tx over 16 channels
  assert.equal(dramTransferCycles(544, c), 2); // 17 tx: one channel takes two
  assert.equal(channelBytesPerCycle(c), 32);
  // 64-cycle latency with 16 outstanding 32-B requests: 8 B/cycle per channel (Little's law).
  const slow = resolveHardwareConfig({ extends: 'spatten-1x', dramLatencyCycles: 64 }, 'x');
  assert.equal(channelBytesPerCycle(slow), 8);
  assert.equal(dramTransferCycles(512, slow), 4);
});
