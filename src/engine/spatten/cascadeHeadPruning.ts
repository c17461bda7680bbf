// Cascade head pruning: head importance g[h] = sum over query rows and dims of |E[h, i, d]|, E the
// head's output (P x V, before the output projection), accumulated across layers (and decode
// steps) per head index. After a whole layer, a top-k over the heads still alive keeps the next
// layer's count; a head pruned at layer l stays pruned for every later layer and step.
import { QuickSelectTopK, type TopKResult } from './quickSelectTopK';

export class CascadeHeadPruning {
  /** [heads] cumulative |output| of each head index. */
  readonly importance: Float64Array;
  /** [heads] layers that still run the head (== layers: never pruned). */
  private readonly depth: Int32Array;
  private readonly candidates: Int32Array;
  private readonly keptFlags: Uint8Array;

  constructor(
    private readonly layers: number,
    readonly heads: number,
  ) {
    this.importance = new Float64Array(heads);
    this.depth = new Int32Array(heads).fill(layers);
    this.candidates = new Int32Array(heads);
    this.keptFlags = new Uint8Array(heads);
  }

  isAlive(head: number, layer: number): boolean {
    return this.depth[head] > layer;
  }

  countAlive(layer: number): number {
    let m = 0;
    for (let h = 0; h < this.heads; h++) if (this.depth[h] > layer) m++;
    return m;
  }

  /** Adds sum |E| over `n` values of one head's output, E = out[offset .. offset + n). */
  accumulate(head: number, out: Float32Array, offset: number, n: number): void {
    let s = 0;
    for (let i = offset, end = offset + n; i < end; i++) s += Math.abs(out[i]);
    this.importance[head] += s;
  }

  /** Adds an already summed |E| of one row of the head's output. */
  accumulateSum(head: number, s: number): void {
    this.importance[head] += s;
  }

  /**
   * After `layer`: if more heads are alive than `keepNext` (the next layer's count), keep the
   * `keepNext` most important (ties by index) and prune the others from layer + 1 on.
   */
  decideAfter(layer: number, keepNext: number, topK: QuickSelectTopK): { result: TopKResult; candidates: number } | null {
    let alive = 0;
    for (let h = 0; h < this.heads; h++) if (this.depth[h] > layer) this.candidates[alive++] = h;
    if (alive <= keepNext) return null;
    const result = topK.select(this.importance, alive, keepNext, this.candidates);
    for (let i = 0; i < result.kept.length; i++) this.keptFlags[result.kept[i]] = 1;
    for (let i = 0; i < alive; i++) {
      const h = this.candidates[i];
      if (this.keptFlags[h] === 0) this.depth[h] = layer + 1;
    }
    this.keptFlags.fill(0);
    return { result, candidates: alive };
  }

  /** Per head index: the first layer that no longer runs it, or -1. */
  prunedAtLayer(): number[] {
    return Array.from(this.depth, (d) => (d >= this.layers ? -1 : d));
  }

  reset(): void {
    this.importance.fill(0);
    this.depth.fill(this.layers);
  }
}
