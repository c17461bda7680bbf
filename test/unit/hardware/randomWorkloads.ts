// Seeded random workloads for the timing-model property tests: BERT-like encoder passes (pruned
// queries, token top-k, local V, refetches) and GPT-2-like decode steps, at head dims 8, 64, 128.
import { seededRandom } from '../../../src/engine/seededRandom';
import type { Trace, TraceRow } from '../../../src/engine/trace/trace';

export function randomWorkload(seed: number): Trace {
  const rand = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const encoder = rand() < 0.5;
  const heads = pick([4, 8, 12, 16]);
  const layers = int(1, 4);
  const headDim = pick([8, 32, 64, 64, 64, 128]);
  const L = encoder ? int(8, 384) : int(16, 1024);
  const bits = pick([[-1, -1], [8, 8], [6, 6], [6, 8], [4, 4], [12, 8]] as const);
  const progressive = bits[0] !== -1 && rand() < 0.5;
  const rows: TraceRow[] = [];
  const steps = encoder ? [0] : [-1, 0, 1];
  for (const step of steps) {
    const context = encoder || step < 0 ? L : L + step + 1;
    let alive = context;
    for (let layer = 0; layer < layers; layer++) {
      const headsAlive = Math.max(1, heads - int(0, layer));
      const queries = encoder || step < 0 ? Math.max(1, Math.min(alive, int(1, alive))) : 1;
      for (let h = 0; h < headsAlive; h++) {
        const values = rand() < 0.5 ? alive : Math.max(1, Math.floor(alive * rand()));
        const refetched = progressive ? int(0, queries) : 0;
        const row: TraceRow = {
          step, layer, head: h, headDim, sentenceLength: context, queries, keysFetched: alive, valuesFetched: values,
          keyBits: bits[0], valueBits: bits[1], queryBits: bits[0] === -1 ? -1 : 16,
          requantThreshold: progressive ? 0.05 : -1, lsbBits: progressive ? 4 : -1, refetchedQueries: refetched,
          accumulateImportance: true, rescaleImportance: false,
        };
        if (values < alive) row.localVTopK = { n: alive, k: values };
        rows.push(row);
      }
      const kept = Math.max(1, Math.floor(alive * (0.5 + rand() / 2)));
      if (kept < alive) rows[rows.length - 1].tokenTopK = { n: alive, k: kept };
      alive = kept;
    }
  }
  return {
    version: 1,
    source: { kind: 'engine', name: `random-${seed}` },
    mode: encoder ? 'encoder' : 'generation',
    model: { name: `random-${seed}`, layers, heads, kvHeads: heads, headDim },
    rows,
  };
}
