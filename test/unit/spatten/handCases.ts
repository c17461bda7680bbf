// The hand-checked 4-token, 2-head layer shared by the per-technique tests (D = 1, scale 1).
//
// K head 0 = [ln 2, 0, 0, ln 4], K head 1 = [0, ln 3, 0, 0]; every query is 1 in both heads.
// Head 0 scores exp: [2, 1, 1, 4] / 8 -> P = [0.25, 0.125, 0.125, 0.5] for every row.
// Head 1 scores exp: [1, 3, 1, 1] / 6 -> P = [1/6, 1/2, 1/6, 1/6] for every row.
// V head 0 = [1, 2, 3, 4] -> head 0 output 0.25 + 0.25 + 0.375 + 2 = 2.875.
// V head 1 = [0.1, 0.2, 0.3, 0.4] -> head 1 output (0.1 + 0.6 + 0.3 + 0.4) / 6 = 1.4 / 6 = 0.2333.
// Token importance after the layer (4 rows x 2 heads):
//   token 0: 4 x (0.25 + 1/6) = 1.6667, token 1: 4 x (0.125 + 0.5) = 2.5,
//   token 2: 4 x (0.125 + 1/6) = 1.1667, token 3: 4 x (0.5 + 1/6) = 2.6667.
// Head importance after the layer: head 0: 4 x 2.875 = 11.5, head 1: 4 x 0.2333 = 0.9333.
import { createSpattenCore, type SpattenCoreDims } from '../../../src/engine/spatten/spattenAttentionCore';
import { makeCall } from './coreCallFixtures';

export const LN2 = Math.log(2);
export const LN3 = Math.log(3);
export const LN4 = Math.log(4);

export const handDims: SpattenCoreDims = {
  layers: 2,
  heads: 2,
  kvHeads: 2,
  headDim: 1,
  hiddenSize: 2,
  ffnSize: 8,
  mode: 'encoder',
  protectedPositions: [],
};

export function handCall(layer: number) {
  return makeCall({
    layer,
    step: -1,
    heads: 2,
    kvHeads: 2,
    headDim: 1,
    q: [1, 1, 1, 1, 1, 1, 1, 1],
    k: [LN2, 0, 0, LN4, 0, LN3, 0, 0],
    v: [1, 2, 3, 4, 0.1, 0.2, 0.3, 0.4],
    queryPositions: [0, 1, 2, 3],
    keyLen: 4,
  });
}

export function handCore(policy: Record<string, unknown>, protectedPositions: number[] = []) {
  return createSpattenCore({ extends: 'off', ...policy }, { ...handDims, protectedPositions });
}

export function assertClose(actual: ArrayLike<number>, expected: number[], eps = 1e-6, what = ''): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= eps)) {
      throw new Error(`${what}[${i}]: ${actual[i]} != ${expected[i]} (eps ${eps}); got [${Array.from(actual).join(', ')}]`);
    }
  }
}
