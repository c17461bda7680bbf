// How the parity tests compare logits: the largest absolute difference, and the bound that fp16
// graphs are held to.
import * as assert from 'node:assert/strict';

/** Parity bound for fp32 graphs (DESIGN.md: max |logit diff| <= 1e-4). */
export const TOLERANCE = 1e-4;

export function maxDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/**
 * fp16 graphs: the context the engine hands back is rounded to half precision, as ORT's is, but
 * the two fp32 accumulations before that rounding differ in order, so a value near a rounding
 * boundary lands one half-ulp apart and the difference propagates. Bound: 4 fp16 ulps of the
 * largest logit (measured: 0.5 to 1.7 ulps on the fp16 fixtures).
 */
export function fp16Tolerance(logits: Float32Array): number {
  let m = 1e-3;
  for (const x of logits) m = Math.max(m, Math.abs(x));
  return 4 * 2 ** (Math.floor(Math.log2(m)) - 10);
}

/**
 * Relative tolerance of the measured values (max probabilities, importance, head sums) of the ORT
 * attention kernel against the TypeScript loops. float32 scores carry float32 rounding of the
 * score, about |s| * 2^-24 * sqrt(D): the trained decoder's scores reach a few hundred, and its
 * probabilities differ by up to 1.7e-4 relative. float64 scores differ by float64 rounding.
 */
export const KERNEL_MEASURED_REL = { float32: 1e-3, float64: 1e-9 } as const;

/**
 * The bound on the kernel's outputs against the TypeScript loops: 1e-5, or 4 float32 ulps of the
 * largest logit when that is larger (a logit of 53 has a 3.8e-6 ulp, and float32 scores against
 * float64 move it by 3 ulps); fp16 graphs round the context to half precision, so a value near a
 * rounding boundary moves by an fp16 ulp (fp16Tolerance).
 */
export function kernelOutputBound(logits: Float32Array, fp16: boolean): number {
  if (fp16) return fp16Tolerance(logits);
  let m = 0;
  for (const x of logits) m = Math.max(m, Math.abs(x));
  return Math.max(1e-5, 4 * 2 ** (Math.floor(Math.log2(Math.max(m, 1e-30))) - 23));
}
