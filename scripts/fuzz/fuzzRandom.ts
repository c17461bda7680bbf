// The fuzzer's random source: one seeded stream per case (mixSeed(seed, case)), so a case's
// mutation is reproducible from the run's seed and its number alone.
import { mixSeed, seededRandom } from '../../src/engine/seededRandom';

export class FuzzRandom {
  private readonly next: () => number;

  constructor(seed: number, caseIndex: number) {
    this.next = seededRandom(mixSeed(seed, caseIndex));
  }

  float(): number {
    return this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Numbers that break naive code: boundaries, signs, huge, fractional. */
  interestingNumber(): number {
    return this.pick([0, -1, 1, 2, 3, 7, 8, 63, 64, 255, 256, 1023, 1024, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32, -(2 ** 31), 2 ** 53, 1e9, 1e300, -1e300, 1e-300, 0.5, -0.5, 1.5, Number.MAX_SAFE_INTEGER, this.int(100000)]);
  }
}
