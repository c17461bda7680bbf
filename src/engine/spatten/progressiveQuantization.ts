// Progressive quantization: linear symmetric quantization of Q, K and V, with K stored as an MSB
// plane plus a separate LSB plane (6+4 or 8+4 bits). Attention is first computed from the MSBs;
// only rows whose largest probability is below a threshold (a flat distribution, where the
// quantization error matters most) fetch the LSBs and are recomputed.
//
// Scale granularity is the caller's choice (the SpAtten core uses one scale per token row of a
// head, see quantizedOperands.ts): these functions quantize rows of any length, one scale per row.
//
// The split: K is quantized once to B = msb + lsb bits, code q in [-(2^(B-1) - 1), 2^(B-1) - 1].
// The MSB plane stores hi = floor(q / 2^lsb) (msb bits, two's complement); the LSB plane stores
// q - hi * 2^lsb in [0, 2^lsb) (lsb bits, unsigned), so MSB + LSB reconstructs q exactly. From
// the MSBs alone there are two readings (MsbReading): 'truncate', hi * 2^lsb with the missing
// bits zero, is what the RTL computes with (the fetched MSBs land in the high bits of the
// datapath word, MatrixFetcher.scala); 'mid-bin', hi * 2^lsb + (2^lsb - 1) / 2, is the best
// estimate of q (error at most half an MSB step, like an msb-bit rounding quantizer).

/** How a K element is read from its MSB plane alone (see above). */
export type MsbReading = 'truncate' | 'mid-bin';

/**
 * Adding and subtracting 1.5 x 2^52 rounds a double to the nearest integer (ties to even) for
 * |x| < 2^51; V8 runs it several times faster than Math.round (measured 3 vs 14 ns per value
 * here), and these loops run over every fetched K and V element.
 */
const ROUNDER = 6755399441055744;

/** max |x| over src[from .. from + n). */
function maxAbsOf(src: Float32Array, from: number, n: number): number {
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    const a = Math.abs(src[from + i]);
    if (a > maxAbs) maxAbs = a;
  }
  return maxAbs;
}

/**
 * Linear symmetric quantization of rows, each with its own scale: for row j = rows[r] (r < n), the
 * D values from srcBase + j * D in src are written to dstBase + j * D in dst as
 * round(x / scale) * scale (ties to even), scale = max|x| / (2^(bits-1) - 1); an all-zero row
 * stays zero.
 *
 * One call quantizes many rows, the loops written out in it: per-row functions called from a
 * caller's row loop ran 3-5x slower once TurboFan inlined them there (a generation's first decode
 * step: 5 ms per layer instead of 0.7, measured).
 */
export function quantizeRows(src: Float32Array, srcBase: number, rows: Int32Array, n: number, D: number, bits: number, dst: Float32Array, dstBase: number): void {
  // A split with no LSBs: the MSB reading is the full one (hi = q, step 1), both written to dst.
  splitRows(src, srcBase, rows, n, D, bits, 0, 'truncate', dst, dst, dstBase);
}

/**
 * The MSB/LSB split of rows (see the top of this file): each row quantized as quantizeRows does at
 * B = msbBits + lsbBits with its own scale; msbOut gets the MSB-only reading, fullOut MSB + LSB.
 */
export function splitRows(
  src: Float32Array,
  srcBase: number,
  rows: Int32Array,
  n: number,
  D: number,
  msbBits: number,
  lsbBits: number,
  reading: MsbReading,
  msbOut: Float32Array,
  fullOut: Float32Array,
  dstBase: number,
): void {
  const qMax = 2 ** (msbBits + lsbBits - 1) - 1;
  const step = 2 ** lsbBits;
  const mid = reading === 'mid-bin' ? (step - 1) / 2 : 0;
  for (let r = 0; r < n; r++) {
    const from = (srcBase + rows[r] * D) | 0;
    const to = (dstBase + rows[r] * D) | 0;
    const scale = maxAbsOf(src, from, D) / qMax;
    if (scale === 0) {
      msbOut.fill(0, to, to + D);
      fullOut.fill(0, to, to + D);
      continue;
    }
    const inv = 1 / scale;
    for (let i = 0; i < D; i++) {
      let q = src[from + i] * inv + ROUNDER - ROUNDER;
      if (q > qMax) q = qMax;
      else if (q < -qMax) q = -qMax;
      const hi = (q | 0) >> lsbBits; // floor(q / 2^lsb): q is an integer below 2^23 in magnitude
      msbOut[to + i] = (hi * step + mid) * scale;
      fullOut[to + i] = q * scale;
    }
  }
}
