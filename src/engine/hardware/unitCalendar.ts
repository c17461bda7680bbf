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
// Times are whole cycles. Busy intervals are kept sorted and merged, in typed arrays reused from one
// (step, layer) to the next; a request ready after the last busy cycle (the usual case) is a
// plain append, and one that fills gaps finds its interval by a short walk back from the end
// (firstIntervalEndingAfter). Beside them the calendar keeps every piece with the stage it was placed for,
// in placement order: stage attribution reads those (stageAttribution.ts) instead of sorting one
// event object per piece. (Keeping them in time order cost a shift per gap-filling piece, about a
// third of the million-row trace's placements.)

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

/** A Float64Array holding at least `n` values, `a`'s first `keep` copied over when it grows. */
function ensure(a: Float64Array<ArrayBuffer>, n: number, keep: number): Float64Array<ArrayBuffer> {
  if (n <= a.length) return a;
  const b = new Float64Array(Math.max(n, 2 * a.length));
  b.set(a.subarray(0, keep));
  return b;
}

/**
 * Index (even) of the first of the sorted intervals iv = [s0, e0, s1, e1, ...] ending after t,
 * given `from`, an index no earlier than it (every interval from `from` on ends after t; the
 * interval count for none). A walk back from `from`, not a binary search: the interval sought is
 * mostly near (a request that fills gaps is mostly ready near the calendar's end: on the
 * million-row trace the interval was the last in 38 % of the calls, among the last three in 72 %;
 * a piece stage attribution takes out of time order mostly starts in the same covered interval),
 * and the walk's one mispredicted branch, at its end, beat the search's one per step. Past 8
 * steps it searches: a (step, layer) of many heads holds thousands of intervals.
 */
export function firstIntervalEndingAfter(iv: Float64Array, from: number, t: number): number {
  let i = from;
  for (let steps = 0; i > 0 && iv[i - 1] > t; i -= 2) {
    if (++steps > 8) {
      let lo = 0;
      let hi = (i - 2) >> 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (iv[2 * mid + 1] <= t) lo = mid + 1;
        else hi = mid;
      }
      return 2 * lo;
    }
  }
  return i;
}

export class UnitCalendar {
  /** Sorted, disjoint, non-adjacent busy intervals: iv[0 .. ivLen) = [s0, e0, s1, e1, ...]. */
  private iv = new Float64Array(64);
  private ivLen = 0;
  busy = 0;
  /**
   * The pieces placed, in placement order (they never overlap): labelled[0 .. 2 * labelledLen) =
   * [start0, end0, start1, end1, ...], piece i's stage in labelledStage[i] (an int array of its
   * own: stage attribution indexes the stage sums with it, and a stage read from the float array
   * cost a float-to-int conversion and check per piece).
   */
  labelled = new Float64Array(64);
  labelledStage = new Int32Array(32);
  labelledLen = 0;
  /** The last request's pieces are the labelled ones from this index on (a request's pieces are labelled together, in order). */
  private lastFrom = 0;

  /** Empty the calendar (its arrays are kept: the scheduler runs once per (step, layer), up to millions of times). */
  reset(): void {
    this.ivLen = 0;
    this.busy = 0;
    this.labelledLen = 0;
    this.lastFrom = 0;
  }

  /** Take `duration` free cycles from `ready` on, for `stage` (an index the caller defines); with the pieces. */
  place(ready: number, duration: number, stage = -1): Placement {
    const span = this.placeSpan(ready, duration, stage, { start: 0, end: 0 });
    return { ...span, pieces: this.lastPieces() };
  }

  /** The pieces of the last placement, [start0, end0, ...]. */
  lastPieces(): number[] {
    return Array.from(this.labelled.subarray(2 * this.lastFrom, 2 * this.labelledLen));
  }

  /**
   * place() without the pieces, written into `out`: the scheduler reuses one Span per call site
   * instead of allocating a placement per request. A zero duration takes nothing: [ready, ready).
   */
  placeSpan(ready: number, duration: number, stage: number, out: Span): Span {
    this.lastFrom = this.labelledLen;
    if (duration <= 0) {
      out.start = out.end = ready;
      return out;
    }
    const n = this.ivLen;
    // Ready at or after the last busy cycle (requests mostly arrive in order): the request takes
    // [ready, ready + duration) whole, and its piece goes after every piece placed so far.
    if (n === 0 || ready >= this.iv[n - 1]) {
      const end = ready + duration;
      if (n > 0 && this.iv[n - 1] === ready) this.iv[n - 1] = end;
      else {
        this.iv = ensure(this.iv, n + 2, n);
        this.iv[n] = ready;
        this.iv[n + 1] = end;
        this.ivLen = n + 2;
      }
      return this.pieceAfterAll(ready, duration, stage, out);
    }
    // Ready within the last busy interval (the next of a queue of requests ready at once): no gap
    // after `ready`, so the request follows that interval whole and extends it (what placeInGaps
    // would give, without its search).
    if (ready >= this.iv[n - 2]) {
      const s = this.iv[n - 1];
      this.iv[n - 1] = s + duration;
      return this.pieceAfterAll(s, duration, stage, out);
    }
    return this.placeInGaps(ready, duration, stage, out);
  }

  /** The request's one piece [s, s + duration), which comes after every piece placed so far, recorded as the last placement. */
  private pieceAfterAll(s: number, duration: number, stage: number, out: Span): Span {
    const end = s + duration;
    this.label(s, end, stage);
    this.busy += duration;
    out.start = s;
    out.end = end;
    return out;
  }

  /**
   * placeSpan when the request may fill gaps: the first free cycles from `ready` on, over as many
   * gaps as it takes. One walk from the first interval ending after `ready` places each piece and
   * mends the intervals where it stands: a piece that fills a gap whole joins its two neighbours,
   * one touching a single neighbour extends it, one touching neither is inserted.
   */
  private placeInGaps(ready: number, duration: number, stage: number, out: Span): Span {
    const iv = this.iv;
    let n = this.ivLen;
    let left = duration;
    let t = ready;
    let i = firstIntervalEndingAfter(iv, n, t);
    while (left > 0) {
      if (i < n && t >= iv[i]) {
        // Inside interval i: the next gap starts at its end.
        t = iv[i + 1];
        i += 2;
        continue;
      }
      const nextStart = i < n ? iv[i] : Infinity;
      const take = Math.min(left, nextStart - t);
      const e = t + take;
      this.label(t, e, stage);
      left -= take;
      const touchesLeft = i > 0 && iv[i - 1] === t;
      if (e === nextStart) {
        if (touchesLeft) {
          // The gap is filled: intervals i - 2 and i become one, and i is the one after.
          iv[i - 1] = iv[i + 1];
          for (let m = i; m + 2 < n; m++) iv[m] = iv[m + 2];
          n -= 2;
          t = iv[i - 1];
        } else {
          iv[i] = t;
          t = iv[i + 1];
          i += 2;
        }
      } else if (touchesLeft) {
        iv[i - 1] = e;
      } else {
        // Free on both sides (the request's last piece): a new interval at i.
        const grown = (this.iv = ensure(iv, n + 2, n));
        for (let m = n - 1; m >= i; m--) grown[m + 2] = grown[m];
        grown[i] = t;
        grown[i + 1] = e;
        n += 2;
      }
    }
    this.ivLen = n;
    this.busy += duration;
    out.start = this.labelled[2 * this.lastFrom];
    out.end = this.labelled[2 * this.labelledLen - 1];
    return out;
  }

  /** The busy intervals, [s0, e0, s1, e1, ...] in the first intervalCount() values (valid until the next placement). */
  intervals(): Float64Array {
    return this.iv;
  }

  intervalCount(): number {
    return this.ivLen;
  }

  /** Record the piece [s, e) of `stage` (appended: stage attribution takes the pieces in any order). */
  private label(s: number, e: number, stage: number): void {
    const n = this.labelledLen;
    if (n === this.labelledStage.length) {
      this.labelled = ensure(this.labelled, 4 * n, 2 * n);
      const stages = new Int32Array(2 * n);
      stages.set(this.labelledStage);
      this.labelledStage = stages;
    }
    this.labelled[2 * n] = s;
    this.labelled[2 * n + 1] = e;
    this.labelledStage[n] = stage;
    this.labelledLen = n + 1;
  }
}
