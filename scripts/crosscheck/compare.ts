// Run one workload through bert.cpp and through our simulate() with each requested timing model,
// and collect the per-layer cycles side by side.
import { simulate } from '../../src/engine/hardware/simulate';
import type { TimingModel } from '../../src/engine/hardware/simulationResult';
import type { HardwareConfig } from '../../src/engine/hardware/hardwareConfig';
import type { AuthorsTopKMode } from '../../src/engine/hardware/authorsTopK';
import type { Trace } from '../../src/engine/trace/trace';
import { runBertCpp, type BertBinary, type BertPreset } from './bertCpp';
import { bertLayers, toBertInputCsv } from './bertInputCsv';
import type { Family, Workload } from './workloads';

/** 'bert.cpp rerun': bert.cpp's second run against its first (its out-of-bounds read varies with ASLR). */
export const RERUN = 'bert.cpp rerun';

export interface WorkloadComparison {
  workload: string;
  family: Family;
  hardware: string;
  timing: TimingModel | typeof RERUN;
  /** Some row fetches K wider than 8 bit (the additive model reads 10/12 as MSB + always-refetched LSB). */
  wideKeys: boolean;
  layers: number[];
  /** Cycles per layer, bert.cpp and ours (same order as `layers`). */
  bert: number[];
  ours: number[];
}

/**
 * Bits at which our models fetch unquantized (-1) tensors: 8, bert.cpp's billing of -1, so that
 * the additive model is compared on the same bytes (the authors' RTL also bills -1 as 8 bit).
 */
export const UNQUANTIZED_BITS = 8;

function toTrace(w: Workload): Trace {
  const layers = bertLayers(w.rows);
  return {
    version: 1,
    source: { kind: 'engine', name: w.name },
    mode: w.rows[0].queries > 1 ? 'encoder' : 'generation',
    model: { name: w.name, layers: layers.length, heads: w.heads, kvHeads: w.heads, headDim: w.rows[0].headDim },
    rows: w.rows,
  };
}

export function compareWorkload(
  w: Workload,
  preset: BertPreset,
  hw: HardwareConfig,
  bin: BertBinary,
  timings: readonly TimingModel[],
  authorsTopK: AuthorsTopKMode = 'as-built',
  rerun = true,
): WorkloadComparison[] {
  const layers = bertLayers(w.rows);
  const input = toBertInputCsv(w.rows);
  const bert = runBertCpp(bin, input, preset);
  if (bert.length !== layers.length) throw new Error(`${w.name}: bert.cpp reported ${bert.length} layers, expected ${layers.length}`);
  const trace = toTrace(w);
  const base = { workload: w.name, family: w.family, hardware: hw.name, wideKeys: w.rows.some((r) => r.keyBits > 8), layers, bert };
  const out: WorkloadComparison[] = timings.map((timing) => {
    const r = simulate(trace, hw, { timing, denseBits: UNQUANTIZED_BITS, authorsTopK });
    const byLayer = new Map(r.layers.map((l) => [l.layer, l.cycles]));
    return { ...base, timing, ours: layers.map((l) => byLayer.get(l) ?? 0) };
  });
  if (rerun) out.push({ ...base, timing: RERUN, ours: runBertCpp(bin, input, preset) });
  return out;
}
