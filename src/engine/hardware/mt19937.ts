// The C++ standard library's std::mt19937 and libstdc++'s std::uniform_int_distribution<int>, bit
// for bit, so that the authors' analytical model (bert.cpp, which draws its top-k data and pivots
// from them) can be replayed exactly: same seed, same numbers, same quick-select rounds.
//
// mt19937 is fully specified by the standard ([rand.eng.mt], [rand.predef]: the 10000th output of
// a default-constructed engine is 4123659995). uniform_int_distribution is not: each standard
// library maps generator outputs to a range its own way. libstdc++ (GCC 11 and later, checked in
// GCC 12's bits/uniform_int_dist.h) downscales a 32-bit generator with Lemire's "nearly
// divisionless" multiply-shift: product = x * range in 64 bits; reject while the low 32 bits fall
// below (2^32 - range) mod range (checked only when they fall below range); the result is the high
// 32 bits. Here range = b - a + 1.

const N = 624;
const M = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const TWO_32 = 4294967296;

/** std::mt19937: 32-bit Mersenne Twister, seeded like the standard's single-integer constructor. */
export class Mt19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: number) {
    const s = this.state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1] ^ (s[i - 1] >>> 30);
      s[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
  }

  /** Next output in 0..2^32-1. */
  next(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & UPPER_MASK) | (s[(i + 1) % N] & LOWER_MASK);
      s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.index = 0;
  }
}

/** High and low 32 bits of the 64-bit product of two numbers in 0..2^32 (exact: split in 16-bit halves). */
function mul64(x: number, r: number): { high: number; low: number } {
  const a = (x >>> 16) * r; // < 2^48
  const b = (x & 0xffff) * r; // < 2^48
  const aLow16 = a % 65536;
  const lowSum = aLow16 * 65536 + b; // < 2^49, exact
  const high = Math.floor(a / 65536) + Math.floor(lowSum / TWO_32);
  return { high, low: lowSum % TWO_32 };
}

/**
 * libstdc++'s std::uniform_int_distribution<int>(a, b)(gen) for a 32-bit generator: a uniform
 * integer in a..b inclusive. Defaults are the distribution's: a = 0, b = INT_MAX.
 */
export function uniformInt(gen: Mt19937, a = 0, b = 0x7fffffff): number {
  const range = b - a + 1; // 1..2^32
  if (range >= TWO_32) return a + gen.next(); // the generator's range equals the requested one
  let p = mul64(gen.next(), range);
  if (p.low < range) {
    const threshold = (TWO_32 - range) % range;
    while (p.low < threshold) p = mul64(gen.next(), range);
  }
  return a + p.high;
}
