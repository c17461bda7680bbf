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
// dozen, so a linear walk from a binary-searched start is cheap. Beside them the calendar keeps
// every piece with the stage it was placed for, in time order: stage attribution sweeps those
// (stageAttribution.ts) instead of sorting one event object per piece.

/** The cycles one request got: its first and last busy cycle (end exclusive). */
export interface Span {
  start: number;
  end: number;
}

/** A Span and its busy pieces. */
export interface Placement extends Span {
  /** [start0, end0, start1, end1, ...]: the busy pieces, in order. */
  pieces: number[];
}

export class UnitCalendar {
  /** Sorted, disjoint, non-adjacent busy intervals: [s0, e0, s1, e1, ...]. */
  private iv: number[] = [];
  busy = 0;
  /** The pieces placed, in time order (they never overlap): [start0, end0, stage0, start1, ...]. */
  labelled: number[] = [];
  /** The last request's pieces: last[0 .. lastCount). */
  private last: number[] = [];
  private lastCount = 0;

  reset(): void {
    // Fresh arrays: cheaper than truncating (setting an array's length is a runtime call).
    this.iv = [];
    this.busy = 0;
    this.labelled = [];
  }

  /** Take `duration` free cycles from `ready` on, for `stage` (an index the caller defines); with the pieces. */
  place(ready: number, duration: number, stage = -1): Placement {
    const span = this.placeSpan(ready, duration, stage, { start: 0, end: 0 });
    return { ...span, pieces: this.lastPieces() };
  }

  /** The pieces of the last placement, [start0, end0, ...]. */
  lastPieces(): number[] {
    return this.last.slice(0, this.lastCount);
  }

  /**
   * place() without the pieces, written into `out`: the scheduler reuses one Span per call site
   * instead of allocating a placement per request. A zero duration takes nothing: [ready, ready).
   */
  placeSpan(ready: number, duration: number, stage: number, out: Span): Span {
    this.lastCount = 0;
    if (duration <= 0) {
      out.start = out.end = ready;
      return out;
    }
    const iv = this.iv;
    const pieces = this.last;
    let k = 0;
    let left = duration;
    let t = ready;
    // First interval that ends after t.
    let i = this.firstEndingAfter(t);
    while (left > 0) {
      const nextStart = i < iv.length ? iv[i] : Infinity;
      if (t < nextStart) {
        const take = Math.min(left, nextStart - t);
        pieces[k++] = t;
        pieces[k++] = t + take;
        left -= take;
        t += take;
      }
      if (left > 0) {
        t = Math.max(t, iv[i + 1]);
        i += 2;
      }
    }
    for (let p = 0; p < k; p += 2) {
      this.insert(pieces[p], pieces[p + 1]);
      this.label(pieces[p], pieces[p + 1], stage);
    }
    this.lastCount = k;
    this.busy += duration;
    out.start = pieces[0];
    out.end = pieces[k - 1];
    return out;
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

  /** Record [s, e) for `stage` in time order (mostly an append: requests mostly arrive in order). */
  private label(s: number, e: number, stage: number): void {
    const l = this.labelled;
    let i = l.length;
    while (i > 0 && l[i - 3] > s) i -= 3;
    if (i === l.length) l.push(s, e, stage);
    else l.splice(i, 0, s, e, stage);
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
