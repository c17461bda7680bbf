// Pruning schedules: how many tokens and heads each layer keeps.
//
// Token schedules give, per layer, the fraction of the context that layer still processes (keys
// fetched / L). They are absolute fractions of the original context, not of the previous layer,
// so "average K/L" of a schedule is simply the mean of its fractions (0.276 for the GPT-2-small
// trace). The GPT-2 trace schedules were measured on a 1024-token context; the engine applies
// them to the current context length (see keepCount), which is the only meaningful reading for
// the short inputs a profiler sees (a fraction of 1024 would keep everything below ~100 tokens).
import { InputError } from '../errors';

export type TokenSchedule =
  | { kind: 'none' }
  /**
   * BERT ramp: no pruning in the first `noPruneLayers` layers (default ceil(0.15 * layers)), then
   * the prune ratio ramps linearly from `startPrune` (default 0) over the remaining layers, ending
   * at 2 * averagePrune - startPrune (start + end = 2 x average, as in the paper).
   */
  | { kind: 'ramp'; averagePrune: number; startPrune?: number; noPruneLayers?: number }
  /** The authors' GPT-2 traces, stretched over the model's depth by relative layer position. */
  | { kind: 'gpt2-trace'; model: 'gpt2-small' | 'gpt2-medium' }
  /** One keep fraction per layer; the length must equal the model's layer count. */
  | { kind: 'per-layer'; keep: number[] };

export type HeadSchedule =
  | { kind: 'none' }
  /**
   * No head pruning in the first `noPruneLayers` layers (default ceil(0.3 * layers)); then the
   * kept fraction falls linearly so that the mean over all layers is `averageKeep`
   * (1 / 1.1 = "1.1x heads removed on average").
   */
  | { kind: 'ramp'; averageKeep: number; noPruneLayers?: number }
  /** The GPT-2-medium trace's head counts as fractions of 16, stretched over the model's depth. */
  | { kind: 'gpt2-trace'; model: 'gpt2-medium' }
  /** One kept-head fraction per layer (e.g. 13/16); the length must equal the layer count. */
  | { kind: 'per-layer'; keep: number[] };

/** Keep fractions per layer measured from the authors' GPT-2 workload traces (1024-token context). */
export const GPT2_TRACE_KEEP: Record<'gpt2-small' | 'gpt2-medium', readonly number[]> = {
  'gpt2-small': [0.9, 0.7, 0.2, 0.2, 0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
  'gpt2-medium': [1, 1, 0.9, 0.8, 0.8, ...Array<number>(6).fill(0.6), ...Array<number>(13).fill(0.3)],
};

/** Kept-head fractions of the GPT-2-medium trace: 16 heads in layers 0-15, 13 in 16-21, 10 in 22-23. */
export const GPT2_MEDIUM_HEAD_KEEP: readonly number[] = [
  ...Array<number>(16).fill(1),
  ...Array<number>(6).fill(13 / 16),
  ...Array<number>(2).fill(10 / 16),
];

/** Per-layer keep fractions of the context (1 = no pruning), non-increasing is not required. */
export function tokenKeepFractions(schedule: TokenSchedule, layers: number): Float64Array {
  const out = new Float64Array(layers).fill(1);
  switch (schedule.kind) {
    case 'none':
      return out;
    case 'ramp': {
      const start = schedule.startPrune ?? 0;
      const end = 2 * schedule.averagePrune - start;
      if (end < 0 || end >= 1) {
        throw new InputError(
          'policy.tokenPruning.schedule',
          `ramp ends at prune ratio ${end.toFixed(3)} (2 x averagePrune - startPrune); it must be in [0, 1)`,
        );
      }
      const s = schedule.noPruneLayers ?? Math.ceil(0.15 * layers);
      const ramp = layers - s;
      for (let l = s; l < layers; l++) {
        const t = ramp > 1 ? (l - s) / (ramp - 1) : 1;
        out[l] = 1 - (start + (end - start) * t);
      }
      return out;
    }
    case 'gpt2-trace':
      return stretch(GPT2_TRACE_KEEP[schedule.model], layers);
    case 'per-layer':
      return exactLength(schedule.keep, layers, 'policy.tokenPruning.schedule.keep');
  }
}

/** Heads kept per layer (at least 1). */
export function headKeepCounts(schedule: HeadSchedule, layers: number, heads: number): Int32Array {
  const fractions = new Float64Array(layers).fill(1);
  if (schedule.kind === 'ramp') {
    const s = schedule.noPruneLayers ?? Math.ceil(0.3 * layers);
    const ramp = layers - s;
    // Ramp j = 0..ramp-1 keeps 1 - (1 - end)(j + 1)/ramp; its mean over all layers is
    // 1 - (1 - end)(ramp + 1)/(2 layers), solved for `end` to hit averageKeep.
    const drop = ramp > 0 ? (2 * layers * (1 - schedule.averageKeep)) / (ramp + 1) : 0;
    if (drop > 1) {
      throw new InputError(
        'policy.headPruning.schedule',
        `averageKeep ${schedule.averageKeep} cannot be reached after ${s} unpruned layers of ${layers}`,
      );
    }
    for (let j = 0; j < ramp; j++) fractions[s + j] = 1 - (drop * (j + 1)) / ramp;
  } else if (schedule.kind === 'gpt2-trace') {
    fractions.set(stretch(GPT2_MEDIUM_HEAD_KEEP, layers));
  } else if (schedule.kind === 'per-layer') {
    fractions.set(exactLength(schedule.keep, layers, 'policy.headPruning.schedule.keep'));
  }
  const out = new Int32Array(layers);
  for (let l = 0; l < layers; l++) out[l] = Math.max(1, Math.min(heads, Math.floor(fractions[l] * heads + 1e-9)));
  return out;
}

/**
 * Tokens a layer keeps: floor(fraction x base), at least 1 and at most `available`. `base` is the
 * current context length (the trace fractions were of the 1024-token maximum context; see the
 * module comment), or a fixed reference length when the policy sets one.
 */
export function keepCount(fraction: number, base: number, available: number): number {
  return Math.max(1, Math.min(available, Math.floor(fraction * base + 1e-9)));
}

function stretch(source: readonly number[], layers: number): Float64Array {
  const out = new Float64Array(layers);
  for (let l = 0; l < layers; l++) out[l] = source[Math.floor((l * source.length) / layers)];
  return out;
}

function exactLength(keep: number[], layers: number, where: string): Float64Array {
  if (keep.length !== layers) {
    throw new InputError(where, `has ${keep.length} entries but the model has ${layers} layers`);
  }
  return Float64Array.from(keep);
}
