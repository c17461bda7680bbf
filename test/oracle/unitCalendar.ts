// The busy calendar of one hardware unit (the DRAM channels, Q x K, softmax, the top-k engine,
// prob x V) within one (step, layer): which cycles are taken.
//
// A request is placed in the first free cycles at or after the cycle its input is ready, filling
// gaps that earlier-placed requests left. That is how the RTL behaves where it matters: a request
// whose data are not there yet does not hold the unit, so a later request that is ready (a
// prefetched key row, a requantization re-queued with priority) runs in the meantime
// (SpAttenController.scala: per-request buffer lines, round-robin K/V fetch arbitration, the
// requant re-queue). A request may be split over several gaps: the units work on fragments (one
// buffer line, one 32-B transaction), not on whole requests.
//
// Times are whole cycles. Busy intervals are kept sorted and merged; a (step, layer) holds a few
// dozen, so a linear walk from a binary-searched start is cheap.

/** The cycles one request got: its first and last busy cycle (end exclusive) and the pieces. */
export interface Placement {
  start: number;
  end: number;
  /** [start0, end0, start1, end1, ...]: the busy pieces, in order. */
  pieces: number[];
}

export class UnitCalendar {
  /** Sorted, disjoint, non-adjacent busy intervals: [s0, e0, s1, e1, ...]. */
  private iv: number[] = [];
  busy = 0;

  reset(): void {
    this.iv.length = 0;
    this.busy = 0;
  }

  /** Take `duration` free cycles from `ready` on. A zero duration takes nothing and returns [ready, ready). */
  place(ready: number, duration: number): Placement {
    if (duration <= 0) return { start: ready, end: ready, pieces: [] };
    const iv = this.iv;
    const pieces: number[] = [];
    let left = duration;
    let t = ready;
    // First interval that ends after t.
    let i = this.firstEndingAfter(t);
    while (left > 0) {
      const nextStart = i < iv.length ? iv[i] : Infinity;
      if (t < nextStart) {
        const take = Math.min(left, nextStart - t);
        pieces.push(t, t + take);
        left -= take;
        t += take;
      }
      if (left > 0) {
        t = Math.max(t, iv[i + 1]);
        i += 2;
      }
    }
    for (let p = 0; p < pieces.length; p += 2) this.insert(pieces[p], pieces[p + 1]);
    this.busy += duration;
    return { start: pieces[0], end: pieces[pieces.length - 1], pieces };
  }

  private firstEndingAfter(t: number): number {
    const iv = this.iv;
    let lo = 0;
    let hi = iv.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (iv[2 * mid + 1] <= t) lo = mid + 1;
      else hi = mid;
    }
    return 2 * lo;
  }

  /** Mark [s, e) busy (free before), merging with touching neighbours. */
  private insert(s: number, e: number): void {
    const iv = this.iv;
    // First interval ending at or after s: it either ends exactly at s (touches on the left) or
    // starts at or after e, since [s, e) is free.
    const i = this.firstEndingAfter(s - 1);
    if (i < iv.length && iv[i + 1] === s) {
      iv[i + 1] = e;
      if (i + 2 < iv.length && iv[i + 2] === e) {
        iv[i + 1] = iv[i + 3];
        iv.splice(i + 2, 2);
      }
    } else if (i < iv.length && iv[i] === e) {
      iv[i] = s;
    } else {
      iv.splice(i, 0, s, e);
    }
  }
}
