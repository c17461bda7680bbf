// Dynamic energy of the SpAtten datapath and memories: operation counts x per-operation energy.
//
// One table, with sources. Logic and SRAM figures are 45 nm, 0.9 V (M. Horowitz, "Computing's
// Energy Problem (and what we can do about it)", ISSCC 2014, Fig. "Rough energy costs"), scaled
// to the configured node linearly in feature size (switched capacitance ~ feature size at roughly
// the same supply voltage, 45 -> 40 nm). The HBM figure is per bit transferred off chip and is not
// scaled with the logic node. Leakage, clock tree and control are not modelled: these are the
// dynamic energies the techniques change (the paper's 8.30 W total includes them).
import type { HardwareConfig } from './hardwareConfig';

export interface EnergyConstant {
  /** Picojoules at `nm` (before scaling). */
  pj: number;
  nm: number;
  /** Whether the figure scales with the logic node. */
  scales: boolean;
  source: string;
}

export const ENERGY_TABLE = {
  /** 12-bit fixed multiply: 8-bit int multiply 0.2 pJ x (12/8)^2 (array multiplier energy ~ bits^2). */
  multiply12b: { pj: 0.2 * (12 / 8) ** 2, nm: 45, scales: true, source: 'Horowitz ISSCC 2014: 8b int mult 0.2 pJ; scaled (12/8)^2' },
  /** 12-bit fixed add (reduction tree / accumulator): 8-bit add 0.03 pJ x 12/8. */
  add12b: { pj: 0.03 * (12 / 8), nm: 45, scales: true, source: 'Horowitz ISSCC 2014: 8b int add 0.03 pJ; scaled 12/8' },
  /**
   * Softmax per element: exp by 5th-order Taylor (5 mult + 5 add), dequantize (1 mult), accumulate
   * (1 add), scale by the row's reciprocal (1 mult): 7 fp16 mult x 1.1 pJ + 6 fp16 add x 0.4 pJ.
   */
  softmaxElement: { pj: 7 * 1.1 + 6 * 0.4, nm: 45, scales: true, source: 'Horowitz ISSCC 2014: fp16 mult 1.1 pJ, fp16 add 0.4 pJ; op count of the softmax unit [code]' },
  /** Top-k comparison: a 12-bit compare ~ a 12-bit add. */
  compare12b: { pj: 0.03 * (12 / 8), nm: 45, scales: true, source: 'Horowitz ISSCC 2014: 8b int add 0.03 pJ; scaled 12/8' },
  /** SRAM access per byte: 32 KB bank, 64-bit access 20 pJ -> 2.5 pJ/B (the 196 KB buffers are banked). */
  sramByte: { pj: 20 / 8, nm: 45, scales: true, source: 'Horowitz ISSCC 2014: 32 KB SRAM 64-bit read 20 pJ' },
  /** HBM2 per bit read (DRAM core + I/O). */
  hbmBit: { pj: 3.9, nm: 0, scales: false, source: "O'Connor et al., Fine-Grained DRAM, MICRO 2017: HBM2 ~3.9 pJ/bit" },
} satisfies Record<string, EnergyConstant>;

export type EnergyOp = keyof typeof ENERGY_TABLE;

/** Joules per operation at the configured node. */
export type EnergyPerOp = Record<EnergyOp, number>;

export function energyPerOp(c: HardwareConfig): EnergyPerOp {
  const out = {} as EnergyPerOp;
  for (const [k, v] of Object.entries(ENERGY_TABLE) as [EnergyOp, EnergyConstant][]) {
    out[k] = (v.scales ? v.pj * (c.technologyNm / v.nm) : v.pj) * 1e-12;
  }
  return out;
}

/** Operation counts of some work (a row, a layer, a run). */
export interface EnergyCounts {
  /** Multiply-accumulates (Q x K incl. recompute, prob x V). */
  macs: number;
  softmaxElements: number;
  comparisons: number;
  /** SRAM bytes written (fetched data, as datapath words) and read (per query use). */
  sramBytes: number;
  /** DRAM bytes moved (transaction-rounded). */
  dramBytes: number;
}

export interface EnergyBreakdown {
  compute: number;
  softmax: number;
  topK: number;
  sram: number;
  dram: number;
  total: number;
}

/** Joules of `n` by component. */
export function energyOf(n: EnergyCounts, e: EnergyPerOp): EnergyBreakdown {
  const compute = n.macs * (e.multiply12b + e.add12b);
  const softmax = n.softmaxElements * e.softmaxElement;
  const topK = n.comparisons * e.compare12b;
  const sram = n.sramBytes * e.sramByte;
  const dram = n.dramBytes * 8 * e.hbmBit;
  return { compute, softmax, topK, sram, dram, total: compute + softmax + topK + sram + dram };
}
