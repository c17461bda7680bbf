// The additive timing model: the no-overlap upper bound. The four terms of the authors' fast
// analytical model (spatten_hardware/simulator/src/bert.cpp; FIDELITY.md), with the datapath
// and top-k costs of their RTL, plus the work that model leaves out, all added with no overlap
// between DRAM and compute. Per (step, layer):
//   dram       = per row ceil(Ktx / channels) + ceil(Vtx / channels) transaction slots,
//                Ktx = floor(lines * P * D * kbits / 8 / transaction), P = vectors per line, plus
//                the query vectors (bert.cpp leaves them out; in sentence mode they are L x D x 16 b)
//   fill       = per row queries * Q x K cycles per query (ceil(keys / P) * ceil(D / 64))
//   drain      = once, with the last row's lines: qk + (softmax + lines) + requant + 1 + pv, plus
//                the DRAM round trip of the first K and the last V fetch and the bit-width
//                converter (bert.cpp counts transactions only, a zero-latency DRAM)
//   tokenTopK  = per token top-k, the RTL's quick-select: sum over rounds of ceil(n / 16) + 3
//   localVTopK = per row, per query, the same engine on (keys -> values kept)
//   refetch    = per row whose LSBs are refetched: ceil(LSBtx / channels) slots + refetched queries
//                through Q x K again + the recompute's trip through the pipeline (DRAM latency,
//                convert, qk, softmax + lines, requant): the RTL holds the rows behind it meanwhile
//   headTopK   = the head top-k after the layer
// Bits: the authors' rule, 6-bit widths are billed as 8 (their datapath slots); a 10/12-bit K is
// its 8-bit MSBs plus the refetch term; unquantized tensors at the configured precision. Differences from bert.cpp, because
// the traces carry more than its BERT CSV: V uses the row's own value count (bert.cpp has one
// fetch count for K and V), and "queries" replaces the sentence length in the fill term (equal for
// BERT rows; 1 for a generation step). `authors` (authorsTiming.ts) is bert.cpp exactly.
import type { HardwareConfig } from './hardwareConfig';
import type { RowWork } from './rowWork';
import { datapathPasses, vectorsPerLine } from './rowWork';
import type { TopKTiming } from './topKEngine';

export const ADDITIVE_STAGES = ['dram', 'fill', 'drain', 'tokenTopK', 'localVTopK', 'refetch', 'headTopK'] as const;

export interface AdditiveGroupTiming {
  cycles: number;
  /** Cycles by term (index = ADDITIVE_STAGES). */
  stages: Float64Array;
}

/** 6-bit data fill 8-bit datapath slots in the authors' model; other widths as fetched (rowWork.ts splits 10/12-bit K into MSBs + LSBs). */
function billedBits(b: number): number {
  return b === 6 ? 8 : b;
}

/** One (step, layer): `rows` in head order. */
export function additiveGroupTiming(rows: readonly RowWork[], headTopK: TopKTiming | undefined, c: HardwareConfig): AdditiveGroupTiming {
  const stages = new Float64Array(ADDITIVE_STAGES.length);
  if (rows.length === 0) return { cycles: 0, stages };
  const L = c.latencies;
  const slotCycles = c.transactionBytes / c.channelBytesPerCycle;
  const P = vectorsPerLine(c.qkMultipliers, c);
  const slots = (lines: number, d: number, bits: number): number =>
    Math.ceil(Math.floor((lines * P * d * bits) / 8 / c.transactionBytes) / c.hbmChannels) * slotCycles;
  let lastLines = 0;
  for (const w of rows) {
    const passes = datapathPasses(w.headDim, c);
    const kLines = Math.ceil(w.keys / P);
    const vLines = Math.ceil(w.values / P);
    stages[0] += slots(kLines, w.headDim, billedBits(w.kMsbBits)) + slots(vLines, w.headDim, billedBits(w.vBits));
    stages[0] += Math.ceil(w.bytes.q / c.transactionBytes / c.hbmChannels) * slotCycles;
    stages[1] += w.queries * w.qkPerQuery;
    if (w.tokenTopK) stages[3] += w.tokenTopK.cycles;
    if (w.localVTopK) stages[4] += w.queries * w.localVTopK.cycles;
    if (w.refetchedQueries > 0) {
      // The LSB plane, the queries through Q x K again, and the recompute's own trip through the
      // pipeline (the RTL holds the rows behind a requantizing row until it completes).
      stages[5] += slots(kLines, w.headDim, w.kLsbBits) + w.refetchedQueries * w.qkPerQuery;
      stages[5] += c.dramLatencyCycles + L.convert + L.qk + L.softmax + kLines * passes + L.requant;
    }
    lastLines = kLines * passes;
  }
  stages[2] = L.qk + L.softmax + lastLines + L.requant + 1 + L.pv + 2 * c.dramLatencyCycles + L.convert;
  if (headTopK) stages[6] = headTopK.cycles;
  let cycles = 0;
  for (const v of stages) cycles += v;
  return { cycles, stages };
}
