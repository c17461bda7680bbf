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
