// The two published SpAtten configurations (REFERENCE.md table, tags [code] / [review]) and the
// resolver that turns a preset name, a parsed JSON object or a JSON file into a HardwareConfig.
import { InputError } from '../errors';
import { INPUT_FILE_KINDS } from '../files/boundedRead';
import { readJsonObjectFile } from '../files/jsonFile';
import { type HardwareConfig, validateHardwareConfig } from './hardwareConfig';

const SPATTEN_1X: HardwareConfig = {
  name: 'spatten-1x',
  clockHz: 1e9, // 1 GHz [review, code]
  technologyNm: 40, // TSMC 40 nm [review]
  headDim: 64, // [code]
  qkMultipliers: 512, // 8 keys x 64 dims per cycle [code, review]
  pvMultipliers: 512, // 8 V rows per cycle [code, review]
  datapathBits: 12, // [code]
  softmaxLanes: 8, // [code]
  topKComparators: 16, // [review, code]
  kSramBytes: 196_608, // "196 KB": 1024 tokens x 64 x 12 b x 2 (double-buffered) [review, code]
  vSramBytes: 196_608,
  hbmChannels: 16, // HBM2 [code]
  channelBytesPerCycle: 32, // 16 x 32 B/cycle x 1 GHz = 512 GB/s [code; bandwidth derived]
  transactionBytes: 32, // [code]
  outstandingPerChannel: 16, // [code]
  maxRequestsInFlight: 16, // BufferManager.Config(numBufferLines, 16) [code: SpAttenController.scala]
  // Not published. Assumed: an open-row HBM2 read through the crossbar. 16 cycles is also the
  // largest latency at which 16 outstanding 32-B requests still sustain 32 B/cycle (Little's law),
  // i.e. the paper's 512 GB/s peak stays reachable; raise it to see the outstanding-request cap bite.
  dramLatencyCycles: 16,
  defaultLsbBits: 4, // 8+4 and 6+4 splits [trace]
  authorsZeroEliminatorWidth: 4, // sizeZE of the authors' analytical model [code]
  latencies: { qk: 11, softmax: 87, requant: 1, pv: 3, convert: 1, topKRound: 3 },
};

const SPATTEN_EIGHTH: HardwareConfig = {
  ...SPATTEN_1X,
  name: 'spatten-1/8',
  qkMultipliers: 64, // 1 key per cycle [code, review]
  pvMultipliers: 64,
  softmaxLanes: 1,
  hbmChannels: 2, // 64 GB/s [code; bandwidth derived]
  latencies: { ...SPATTEN_1X.latencies },
};

export const hardwarePresets: Readonly<Record<string, HardwareConfig>> = Object.freeze({
  'spatten-1x': SPATTEN_1X,
  'spatten-1/8': SPATTEN_EIGHTH,
});

/**
 * A preset name, or a parsed custom-config object (see hardwareConfig.ts for the format).
 * `where` names the source in errors (a file path or setting name).
 */
export function resolveHardwareConfig(nameOrObject: string | object, where = 'hardware'): HardwareConfig {
  if (typeof nameOrObject === 'string') {
    const preset = hardwarePresets[nameOrObject];
    if (!preset) throw new InputError(where, `unknown hardware preset "${nameOrObject}" (known: ${Object.keys(hardwarePresets).join(', ')})`);
    return { ...preset, latencies: { ...preset.latencies } };
  }
  return validateHardwareConfig(nameOrObject, where, hardwarePresets);
}

/** Preset name, else a JSON file path. */
export function loadHardwareConfig(presetOrPath: string): HardwareConfig {
  if (hardwarePresets[presetOrPath]) return resolveHardwareConfig(presetOrPath);
  const notFound = `not a hardware preset (${Object.keys(hardwarePresets).join(', ')}) and not a file`;
  return resolveHardwareConfig(readJsonObjectFile(presetOrPath, INPUT_FILE_KINDS.hardware, { notFound }), presetOrPath);
}
