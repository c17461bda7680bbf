// The paper's speedup breakdown (REFERENCE.md: datapath ~22x over TITAN Xp, + cascade pruning with
// the top-k engine ~3x, pruning without a fast top-k ~nothing, + progressive quantization ~2.8x),
// rebuilt from a pair of traces of the same workload (dense and full SpAtten):
//   0. GPU: the dense workload's roofline on a TITAN Xp (fp32), the reference point;
//   1. datapath: the dense trace on the SpAtten datapath (all keys, all heads, unquantized);
//   2. + pruning, slow top-k: the SpAtten trace's fetch counts (token, head and local V pruning)
//      with quantization stripped, and a top-k engine of 1 comparator (a sequential selection);
//   3. + top-k engine: the same with the configured comparators (16);
//   4. + progressive quantization: the SpAtten trace as recorded (MSBs, LSB refetches).
// Steps 2-4 change one thing each, so each ratio is that technique's contribution on top of the
// previous ones. The pruning decisions are those of the recorded trace: stripping quantization does
// not re-run the functional model (the fetch counts are what the pruned run fetched). Without a
// dense trace, step 1 uses the dense baseline built from the SpAtten trace (denseBaseline.ts),
// which has the same shape as the authors' dense traces (same steps, context lengths, heads).
import type { Trace } from '../trace/trace';
import { denseTrace, withoutQuantization } from './denseBaseline';
import type { HardwareConfig } from './hardwareConfig';
import { platformPresets, rooflineLatency } from './roofline';
import { simulate } from './simulate';
import type { TimingModel } from './simulationResult';

export interface AblationStep {
  name: string;
  description: string;
  seconds: number;
  /** Cycles at the hardware clock (0 for the GPU reference). */
  cycles: number;
  dramBytes: number;
  speedupOverPrevious: number;
  speedupOverGpu: number;
}

export interface AblationOptions {
  timing: TimingModel;
  denseBits: number;
  seed?: number;
  /** Comparators of the slow top-k of step 2 (default 1). */
  slowTopKComparators?: number;
}

export function ablate(spatten: Trace, dense: Trace | undefined, c: HardwareConfig, o: AblationOptions): AblationStep[] {
  const base = { timing: o.timing, denseBits: o.denseBits, seed: o.seed };
  // Without quantization the tensors travel at the dense precision (not the authors' RTL driver's
  // 8-bit reading of "unquantized"): progressive quantization is measured against full precision.
  const fullPrecision = { ...base, unquantizedBits: o.denseBits };
  const denseRun = simulate(dense ?? denseTrace(spatten), c, fullPrecision);
  const unquantized = withoutQuantization(spatten);
  // The slow top-k: the engine's comparators set to the slow value (both models cost the top-k
  // with the RTL's quick-select rounds).
  const slowWidth = o.slowTopKComparators ?? 1;
  const slow = simulate(unquantized, { ...c, topKComparators: slowWidth }, fullPrecision);
  const fast = simulate(unquantized, c, fullPrecision);
  const full = simulate(spatten, c, base);
  // The GPU reference runs the dense workload: its executed FLOPs and its fp32 traffic.
  const fp32Bytes = (denseRun.dramBytes * 32) / o.denseBits;
  const gpu = rooflineLatency(denseRun.flops, fp32Bytes, platformPresets['titan-xp']);
  const rows: Omit<AblationStep, 'speedupOverPrevious' | 'speedupOverGpu'>[] = [
    { name: 'TITAN Xp (roofline)', description: `dense fp32 attention, ${gpu.bound}-bound roofline`, seconds: gpu.seconds, cycles: 0, dramBytes: fp32Bytes },
    { name: 'datapath', description: 'dense trace on the SpAtten datapath', seconds: denseRun.seconds, cycles: denseRun.totalCycles, dramBytes: denseRun.dramBytes },
    {
      name: '+ pruning, slow top-k',
      description: `token/head/local-V pruning, unquantized, ${slowWidth}-comparator top-k`,
      seconds: slow.seconds,
      cycles: slow.totalCycles,
      dramBytes: slow.dramBytes,
    },
    { name: '+ top-k engine', description: `same with the ${c.topKComparators}-comparator top-k engine`, seconds: fast.seconds, cycles: fast.totalCycles, dramBytes: fast.dramBytes },
    { name: '+ progressive quantization', description: 'MSB fetch, LSB refetch where recorded', seconds: full.seconds, cycles: full.totalCycles, dramBytes: full.dramBytes },
  ];
  return rows.map((r, i) => ({
    ...r,
    speedupOverPrevious: i === 0 ? 1 : rows[i - 1].seconds / r.seconds,
    speedupOverGpu: rows[0].seconds / r.seconds,
  }));
}
