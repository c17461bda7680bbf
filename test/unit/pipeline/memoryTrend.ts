// How the soak tests judge "memory flat": samples of the process's memory after full GCs, and the
// least-squares trend over them. A single pair of samples is at the mercy of GC and allocator
// timing (heap+external swings by 50 % between runs); a leak grows linearly, so the fitted trend
// over all samples after the warm-up is what it changes. Used by the CLI process soak
// (soak.test.ts) and the extension-host soak (test/vscode/suite/soak.test.ts).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** Memory (MB) after full GCs, with a turn of the event loop between them so finalizers (ORT tensors' native buffers) run. */
export async function memoryAfterGcMb(): Promise<{ heap: number; rss: number }> {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const m = process.memoryUsage();
  return { heap: (m.heapUsed + m.external + m.arrayBuffers) / 2 ** 20, rss: m.rss / 2 ** 20 };
}

/** Least-squares growth over the samples' span, as a fraction of their mean. */
export function trendGrowth(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  return sxx > 0 ? ((sxy / sxx) * (xs[n - 1] - xs[0])) / my : 0;
}
