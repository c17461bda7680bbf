// The visible window of the timeline, [v0, v1] cycles within the run's [t0, t1]: zoom around a
// cycle (never narrower than 4 cycles, never wider than the run) and pan (clamped to the run).
export class TimelineWindow {
  v0: number;
  v1: number;

  constructor(readonly t0: number, readonly t1: number) {
    this.v0 = t0;
    this.v1 = t1;
  }

  get mid(): number {
    return (this.v0 + this.v1) / 2;
  }

  /** Scales the span by `factor` keeping `anchor` at the same place (Infinity = the whole run). */
  zoom(factor: number, anchor: number): void {
    const span = Math.min(this.t1 - this.t0, Math.max(4, (this.v1 - this.v0) * factor));
    const f = (anchor - this.v0) / (this.v1 - this.v0);
    this.v0 = Math.max(this.t0, Math.min(this.t1 - span, anchor - f * span));
    this.v1 = this.v0 + span;
  }

  pan(cycles: number): void {
    const span = this.v1 - this.v0;
    this.v0 = Math.max(this.t0, Math.min(this.t1 - span, this.v0 + cycles));
    this.v1 = this.v0 + span;
  }

  /** The cycle at a fraction (0 = left edge, 1 = right edge) of the plot. */
  cycleAt(fraction: number): number {
    return this.v0 + fraction * (this.v1 - this.v0);
  }
}
