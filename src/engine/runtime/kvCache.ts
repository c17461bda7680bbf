// The engine-owned KV cache: per layer, K and V of every position seen so far, [Hkv, cap, D]
// with capacity growing by doubling. A decode step hands the core this storage itself
// (AttentionCoreCall.kvStride = cap): a compact copy of the whole cache per layer and step was
// most of a generation's allocations.

export class LayerKvCache {
  private k: Float32Array;
  private v: Float32Array;
  private cap: number;
  length = 0;
  /** Rows of a full pass not copied in yet ([Hkv, n, D] each): an encoder never needs them. */
  private pending: { k: Float32Array; v: Float32Array; n: number } | null = null;

  /** A cache holding kAll, vAll [Hkv, n, D] (kept by reference until the first append or view). */
  static deferred(kvHeads: number, headDim: number, kAll: Float32Array, vAll: Float32Array, n: number): LayerKvCache {
    const c = new LayerKvCache(kvHeads, headDim, 1);
    c.pending = { k: kAll, v: vAll, n };
    c.length = n;
    return c;
  }

  private materialize(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.length = 0;
    this.cap = Math.max(64, p.n * 2);
    this.k = new Float32Array(this.kvHeads * this.cap * this.headDim);
    this.v = new Float32Array(this.kvHeads * this.cap * this.headDim);
    this.append(p.k, p.v, p.n);
  }

  constructor(
    readonly kvHeads: number,
    readonly headDim: number,
    initialCapacity = 64,
  ) {
    this.cap = Math.max(1, initialCapacity);
    this.k = new Float32Array(kvHeads * this.cap * headDim);
    this.v = new Float32Array(kvHeads * this.cap * headDim);
  }

  private grow(need: number): void {
    let cap = this.cap;
    while (cap < need) cap *= 2;
    if (cap === this.cap) return;
    const { kvHeads: H, headDim: D } = this;
    const k = new Float32Array(H * cap * D);
    const v = new Float32Array(H * cap * D);
    for (let h = 0; h < H; h++) {
      k.set(this.k.subarray(h * this.cap * D, (h * this.cap + this.length) * D), h * cap * D);
      v.set(this.v.subarray(h * this.cap * D, (h * this.cap + this.length) * D), h * cap * D);
    }
    this.k = k;
    this.v = v;
    this.cap = cap;
  }

  /** Appends rows: kNew, vNew [Hkv, n, D]. */
  append(kNew: Float32Array, vNew: Float32Array, n: number): void {
    this.materialize();
    this.grow(this.length + n);
    const { kvHeads: H, headDim: D, cap } = this;
    for (let h = 0; h < H; h++) {
      const dst = (h * cap + this.length) * D;
      this.k.set(kNew.subarray(h * n * D, (h + 1) * n * D), dst);
      this.v.set(vNew.subarray(h * n * D, (h + 1) * n * D), dst);
    }
    this.length += n;
  }

  /**
   * The cached K and V as stored, [Hkv, stride, D] with the first `length` rows of each head in
   * use. Valid until the next append (which may reallocate or write past `length`).
   */
  storage(): { k: Float32Array; v: Float32Array; stride: number } {
    this.materialize();
    return { k: this.k, v: this.v, stride: this.cap };
  }
}
