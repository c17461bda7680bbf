// The hardware configuration of the cycle/energy model: every parameter of the SpAtten design
// (REFERENCE.md, "The hardware") in one typed object, and the JSON format for custom designs.
//
// JSON format (media/hardware/example-custom.json): an object with any of the fields of
// HardwareConfig below, plus an optional "extends": "spatten-1x" | "spatten-1/8" naming the preset
// whose values fill the fields the file leaves out. Without "extends" every field is required.
// "latencies" may be given in part (merged with the base's). Unknown fields are errors (a typo
// must not silently fall back to a default).
import type Ajv from 'ajv';
import { InputError } from '../errors';

export interface PipelineLatencies {
  /** Q x K: SRAM read 1 + multiply 1 + reduction tree 9 [code]. Cycles. */
  qk: number;
  /** Softmax pipeline: dequantize 7 + exp 21 + accumulate 23 + divide 29 + quantize 7 [code]. Cycles. */
  softmax: number;
  /** Progressive-quantization decision (max prob vs threshold) [code]. Cycles. */
  requant: number;
  /** Prob x V: SRAM 1 + multiply 1 + accumulate 1 [code]. Cycles. */
  pv: number;
  /** Bit-width converter (unpack 4/6/8-bit words to 12-bit), runs in lock-step with Q x K. Cycles. */
  convert: number;
  /** Top-k engine per quick-select round: comparators + zero eliminator + FIFO [code]. Cycles. */
  topKRound: number;
}

export interface HardwareConfig {
  name: string;
  /** Clock, Hz. */
  clockHz: number;
  /** Process node the energy table is scaled to, nm. */
  technologyNm: number;
  /**
   * Head dimension the datapath is built for, elements (the RTL's sizeD = 64). One buffer line and
   * one cycle of the multiplier array hold multipliers / headDim vectors; a model head with a
   * smaller D pads, a larger one takes ceil(D / headDim) passes (rowWork.ts).
   */
  headDim: number;
  /** Multipliers of the Q x K unit (512 = 8 keys of 64 dims per cycle). */
  qkMultipliers: number;
  /** Multipliers of the prob x V unit. */
  pvMultipliers: number;
  /** Fixed-point datapath word, bits (SRAM stores converted words of this width). */
  datapathBits: number;
  /** Softmax lanes (elements per cycle). */
  softmaxLanes: number;
  /** Top-k engine comparators (candidates per cycle). */
  topKComparators: number;
  /** Key SRAM and value SRAM, bytes each (double-buffered halves). */
  kSramBytes: number;
  vSramBytes: number;
  /** HBM channels and peak bytes per cycle per channel. */
  hbmChannels: number;
  channelBytesPerCycle: number;
  /** DRAM transaction (burst) size, bytes; every fetch is rounded up to whole transactions. */
  transactionBytes: number;
  /** Requests in flight in the datapath at once (the RTL's BufferManager maxReq = 16). */
  maxRequestsInFlight: number;
  /** Outstanding requests per channel (caps a channel at outstanding x transaction / latency B/cycle). */
  outstandingPerChannel: number;
  /** Cycles from issuing a request to its data (open-row HBM read through the crossbar). */
  dramLatencyCycles: number;
  /** LSB plane width assumed for trace rows that give a total K width (10 or 12) without auto_requant_incre. */
  defaultLsbBits: number;
  /** Zero-eliminator width of the top-k term of the authors' fast model (bert.cpp sizeZE; timing `authors` only). */
  authorsZeroEliminatorWidth: number;
  latencies: PipelineLatencies;
}

/** Peak DRAM bandwidth, bytes per second. */
export function peakBandwidthBytesPerSecond(c: HardwareConfig): number {
  return c.hbmChannels * c.channelBytesPerCycle * c.clockHz;
}

/**
 * Lines of an SRAM whose line feeds `multipliers` multipliers one datapath word each (the RTL's
 * numBufferLines: 196,608 B / (512 x 12 b) = 256 lines of 8 keys on spatten-1x).
 */
export function bufferLines(sramBytes: number, multipliers: number, c: Pick<HardwareConfig, 'datapathBits'>): number {
  return Math.floor((sramBytes * 8) / (multipliers * c.datapathBits));
}

// Every field is bounded: a degenerate value (clockHz 1e-300, a billion multipliers) is refused
// here instead of turning into Infinity seconds or a loop that runs for minutes. The bounds are
// generous: 1000x around the published configurations.
const positiveInt = { type: 'integer', minimum: 1, maximum: 1 << 20 } as const;
const nonNegInt = { type: 'integer', minimum: 0, maximum: 1 << 20 } as const;
const bytes = { type: 'integer', minimum: 1, maximum: 2 ** 40 } as const;

/** JSON Schema of a custom hardware file (all fields optional here; completeness is checked after "extends"). */
export const HARDWARE_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    extends: { type: 'string' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    clockHz: { type: 'number', minimum: 1e6, maximum: 1e11 },
    technologyNm: { type: 'number', minimum: 1, maximum: 1000 },
    headDim: positiveInt,
    qkMultipliers: positiveInt,
    pvMultipliers: positiveInt,
    datapathBits: { type: 'integer', minimum: 1, maximum: 64 },
    softmaxLanes: positiveInt,
    topKComparators: positiveInt,
    kSramBytes: bytes,
    vSramBytes: bytes,
    hbmChannels: { type: 'integer', minimum: 1, maximum: 4096 },
    channelBytesPerCycle: { type: 'number', minimum: 1 / 1024, maximum: 1 << 20 },
    transactionBytes: { type: 'integer', minimum: 1, maximum: 1 << 16 },
    outstandingPerChannel: positiveInt,
    maxRequestsInFlight: { type: 'integer', minimum: 1, maximum: 65536 },
    dramLatencyCycles: nonNegInt,
    defaultLsbBits: { type: 'integer', minimum: 1, maximum: 16 },
    authorsZeroEliminatorWidth: positiveInt,
    latencies: {
      type: 'object',
      additionalProperties: false,
      properties: {
        qk: nonNegInt,
        softmax: nonNegInt,
        requant: nonNegInt,
        pv: nonNegInt,
        convert: nonNegInt,
        topKRound: nonNegInt,
      },
    },
  },
} as const;

const REQUIRED_FIELDS: (keyof HardwareConfig)[] = [
  'name',
  'clockHz',
  'technologyNm',
  'headDim',
  'qkMultipliers',
  'pvMultipliers',
  'datapathBits',
  'softmaxLanes',
  'topKComparators',
  'kSramBytes',
  'vSramBytes',
  'hbmChannels',
  'channelBytesPerCycle',
  'transactionBytes',
  'outstandingPerChannel',
  'maxRequestsInFlight',
  'dramLatencyCycles',
  'defaultLsbBits',
  'authorsZeroEliminatorWidth',
  'latencies',
];
const LATENCY_FIELDS: (keyof PipelineLatencies)[] = ['qk', 'softmax', 'requant', 'pv', 'convert', 'topKRound'];

let validator: ReturnType<Ajv['compile']> | undefined;

/**
 * Validate a parsed custom hardware JSON object and complete it from its "extends" preset.
 * `where` names the file in errors; `presets` are the named configurations it may extend.
 */
export function validateHardwareConfig(
  input: unknown,
  where: string,
  presets: Readonly<Record<string, HardwareConfig>>,
): HardwareConfig {
  // ajv is loaded on the first custom file, not with this module: most runs name a preset, and
  // require('ajv') takes about 0.1 s of CPU here. A static require, so the bundles still hold it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (see above)
  validator ??= new (require('ajv') as { default: typeof Ajv }).default({ allErrors: false }).compile(HARDWARE_CONFIG_SCHEMA);
  if (!validator(input)) {
    const e = validator.errors?.[0];
    const at = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
    const extra = e?.keyword === 'additionalProperties' ? ` "${(e.params as { additionalProperty: string }).additionalProperty}"` : '';
    throw new InputError(where, `${at} ${e?.message ?? 'is invalid'}${extra}`);
  }
  const obj = input as Partial<HardwareConfig> & { extends?: string };
  let base: HardwareConfig | undefined;
  if (obj.extends !== undefined) {
    base = presets[obj.extends];
    if (!base) throw new InputError(where, `extends: unknown preset "${obj.extends}" (known: ${Object.keys(presets).join(', ')})`);
  }
  const { extends: _ignored, ...fields } = obj;
  void _ignored;
  const merged = { ...(base ?? {}), ...fields, latencies: { ...(base?.latencies ?? {}), ...(fields.latencies ?? {}) } } as HardwareConfig;
  if (!base && merged.name === undefined) merged.name = where.replace(/^.*[\\/]/, '');
  // A changed preset is no longer that preset: the report must not call it "spatten-1x".
  if (base && fields.name === undefined && Object.keys(fields).length > 0) merged.name = `custom (${base.name})`;
  for (const f of REQUIRED_FIELDS) {
    if (merged[f] === undefined) throw new InputError(where, `missing field "${f}" (give it, or "extends" a preset)`);
  }
  for (const f of LATENCY_FIELDS) {
    if (merged.latencies[f] === undefined) throw new InputError(where, `missing field "latencies.${f}"`);
  }
  if (merged.headDim > merged.qkMultipliers || merged.headDim > merged.pvMultipliers) {
    // The datapath reduces one whole head-dim dot product per multiplier row.
    throw new InputError(where, `qkMultipliers and pvMultipliers must be >= headDim (${merged.headDim})`);
  }
  if (bufferLines(merged.kSramBytes, merged.qkMultipliers, merged) < 2 || bufferLines(merged.vSramBytes, merged.pvMultipliers, merged) < 2) {
    throw new InputError(where, 'kSramBytes/vSramBytes too small: each must hold at least two lines of multipliers x datapathBits');
  }
  return merged;
}
