// Cascade token pruning state: for every token position, how many layers still process it
// ("depth"). A token pruned at layer l has depth l: layers 0..l-1 saw it, layer l and every later
// layer never do again. Because a token alive at layer l is alive at every earlier layer, the
// cascade holds by construction, and it holds across decode steps: a later step can prune a token
// at an earlier layer (depth only ever decreases) but never revive it. New positions (generated
// tokens) start alive at every layer.
import { QuickSelectTopK, type TopKResult } from './quickSelectTopK';

export class CascadeTokenPruning {
  /** [tokens] layers that still process the token (== layers: never pruned). */
  private depth = new Int32Array(0);
  /** [tokens] decode step at which the token was (last) pruned, -2 when never. */
  private stepPruned = new Int32Array(0);
  private length = 0;
  private candidates = new Int32Array(0);
  private protectedFlags = new Uint8Array(0);
  /**
   * Every pruning as flat triples [step, layer, token]: from `step` on, layers >= `layer` no longer
   * see `token`. A token's depth only decreases, so there are at most layers x tokens of them, and
   * they reconstruct the alive set of any (step, layer) exactly.
   */
  private readonly events: number[] = [];

  constructor(private readonly layers: number) {}

  get size(): number {
    return this.length;
  }

  ensure(tokens: number): void {
    if (tokens <= this.length) return;
    if (tokens > this.depth.length) {
      const cap = Math.max(tokens, this.depth.length * 2, 16);
      const d = new Int32Array(cap);
      const s = new Int32Array(cap);
      d.set(this.depth.subarray(0, this.length));
      s.set(this.stepPruned.subarray(0, this.length));
      this.depth = d;
      this.stepPruned = s;
      this.candidates = new Int32Array(cap);
      this.protectedFlags = new Uint8Array(cap);
    }
    this.depth.fill(this.layers, this.length, tokens);
    this.stepPruned.fill(-2, this.length, tokens);
    this.length = tokens;
  }

  isAlive(token: number, layer: number): boolean {
    return this.depth[token] > layer;
  }

  /** Writes the tokens in [0, n) alive at `layer` into `out` (ascending); returns how many. */
  aliveTokens(layer: number, n: number, out: Int32Array): number {
    let m = 0;
    for (let j = 0; j < n; j++) if (this.depth[j] > layer) out[m++] = j;
    return m;
  }

  countAlive(layer: number, n: number): number {
    let m = 0;
    for (let j = 0; j < n; j++) if (this.depth[j] > layer) m++;
    return m;
  }

  /**
   * Runs the cascade top-k for `layer` over the tokens in [0, n) alive there: keeps `keep` of them
   * (or every protected one, if more) by `scores`, protected tokens first (they rank as +Infinity;
   * ties by position), and marks the rest pruned from `layer` on. `scores` is overwritten for
   * protected tokens. Returns the top-k result, or null when nothing had to be pruned.
   */
  prune(
    layer: number,
    n: number,
    keep: number,
    scores: Float64Array,
    isProtected: (token: number) => boolean,
    topK: QuickSelectTopK,
    step: number,
  ): { result: TopKResult; candidates: number } | null {
    const alive = this.aliveTokens(layer, n, this.candidates);
    let protectedAlive = 0;
    for (let i = 0; i < alive; i++) {
      const j = this.candidates[i];
      if (isProtected(j)) {
        scores[j] = Infinity;
        protectedAlive++;
      }
    }
    // Protected tokens are never pruned, even when the schedule's count is smaller.
    const k = Math.max(keep, protectedAlive);
    if (alive <= k) return null;
    const result = topK.select(scores, alive, k, this.candidates);
    // Mark survivors, then prune every other candidate.
    const flags = this.protectedFlags;
    for (let i = 0; i < result.kept.length; i++) flags[result.kept[i]] = 1;
    for (let i = 0; i < alive; i++) {
      const j = this.candidates[i];
      if (flags[j] === 0) {
        this.depth[j] = layer;
        this.stepPruned[j] = step;
        this.events.push(step, layer, j);
      }
    }
    for (let i = 0; i < result.kept.length; i++) flags[result.kept[i]] = 0;
    return { result, candidates: alive };
  }

  /** Per token: the first layer that no longer processes it, or -1 when every layer does. */
  prunedAtLayer(): number[] {
    const out: number[] = [];
    for (let j = 0; j < this.length; j++) out.push(this.depth[j] >= this.layers ? -1 : this.depth[j]);
    return out;
  }

  /** Per token: the decode step of its (last) pruning, -2 when never pruned (-1 = encoder/prompt pass). */
  prunedAtStep(): number[] {
    return Array.from(this.stepPruned.subarray(0, this.length));
  }

  /** The pruning events in order: { step, layer, token } (see `events`). */
  pruneEvents(): { step: number; layer: number; token: number }[] {
    const out: { step: number; layer: number; token: number }[] = [];
    for (let i = 0; i < this.events.length; i += 3) out.push({ step: this.events[i], layer: this.events[i + 1], token: this.events[i + 2] });
    return out;
  }

  /** Tokens in [0, contextLength) that (step, layer) processed: no event with step' <= step and layer' <= layer. */
  aliveAt(step: number, layer: number, contextLength: number): number[] {
    const gone = new Uint8Array(contextLength);
    for (let i = 0; i < this.events.length; i += 3) {
      const j = this.events[i + 2];
      if (this.events[i] <= step && this.events[i + 1] <= layer && j < contextLength) gone[j] = 1;
    }
    const out: number[] = [];
    for (let j = 0; j < contextLength; j++) if (gone[j] === 0) out.push(j);
    return out;
  }

  reset(): void {
    this.length = 0;
    this.events.length = 0;
  }
}
