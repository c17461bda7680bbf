// A small seeded PRNG (mulberry32) so that every random choice of the engine (the top-k engine's
// pivots, the cycle model's estimated top-k rounds, bootstrap resampling) is reproducible from a seed: the same input and policy always give
// the same Trace, which the golden tests and the cycle model rely on.

/** Returns a function yielding uniform floats in [0, 1), fully determined by `seed`. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix small integers into a seed (so each estimate is independent of the order of evaluation). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p & 0xffff), 0x01000193);
    h = Math.imul(h ^ (p >>> 16), 0x01000193);
  }
  return h >>> 0;
}
