// A small seeded PRNG (mulberry32) so that every random choice of the engine (the top-k engine's
// pivots, the cycle model's estimated top-k rounds, bootstrap resampling) is reproducible from a seed: the same input and policy always give
// the same Trace, which the golden tests and the cycle model rely on.

/** Added to the state before each draw (mulberry32's increment). */
export const RANDOM_INCREMENT = 0x6d2b79f5;

/** The uniform float in [0, 1) of one mulberry32 state (after its increment). */
export function uniformOfState(state: number): number {
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Returns a function yielding uniform floats in [0, 1), fully determined by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + RANDOM_INCREMENT) >>> 0;
    return uniformOfState(state);
  };
}

function mixPart(h: number, p: number): number {
  h = Math.imul(h ^ (p & 0xffff), 0x01000193);
  return Math.imul(h ^ (p >>> 16), 0x01000193);
}

const MIX_START = 0x811c9dc5;

/** Mix small integers into a seed (so each estimate is independent of the order of evaluation). */
export function mixSeed(...parts: number[]): number {
  let h = MIX_START;
  for (const p of parts) h = mixPart(h, p);
  return h >>> 0;
}

/** mixSeed(a, b, c, d, e) with no argument array: the cycle model mixes one per trace row. */
export function mixSeed5(a: number, b: number, c: number, d: number, e: number): number {
  return mixPart(mixPart(mixPart(mixPart(mixPart(MIX_START, a), b), c), d), e) >>> 0;
}
