// Stage attribution of a scheduled (step, layer): every cycle goes to exactly one stage, so the
// stages sum to the cycles. A cycle is charged to the busy stage that comes first in the stage
// order (DRAM transfers first: memory time), and to the idle stage when nothing is busy.
import { firstIntervalEndingAfter, type UnitCalendar } from './unitCalendar';

/** One scheduled op: a (step, layer, head) of work on one unit. Times in cycles from the trace start. */
export interface ScheduledOp {
  unit: number;
  stage: number;
  start: number;
  end: number;
  /** Head of the row, or -1 for the per-layer top-ks. */
  head: number;
  /** DRAM bytes moved (DRAM ops), else 0. */
  bytes: number;
}

// Two scratch arrays the covered set (sorted, disjoint intervals [s0, e0, s1, e1, ...]) is merged
// into, unit after unit, one into the other; reused by every call (one per (step, layer)).
let scratchA = new Float64Array(256);
let scratchB = new Float64Array(256);

// The first covered interval ending after the last span's start (freeCycles'): the next span's is
// found by walking on from there, forward for a later span, back for an earlier one (a quarter of
// the pieces on the million-row trace; firstIntervalEndingAfter).
let walkFrom = 0;

/** Cycles of [s, e) that cov[0 .. covLen) does not cover (walkFrom set to 0 before a unit's spans). */
function freeCycles(s: number, e: number, cov: Float64Array, covLen: number): number {
  let from = walkFrom;
  while (from < covLen && cov[from + 1] <= s) from += 2;
  from = firstIntervalEndingAfter(cov, from, s);
  walkFrom = from;
  let free = 0;
  for (let k = from; s < e; k += 2) {
    if (k >= covLen || cov[k] >= e) {
      free += e - s;
      break;
    }
    if (cov[k] > s) free += cov[k] - s;
    if (cov[k + 1] > s) s = cov[k + 1];
  }
  return free;
}

/**
 * Cycles by stage over [start, end), written into `stages` (one per stage): each cycle to the first busy stage in stage order, idle ones
 * to `idleStage`. `units` come in priority order: every stage a unit places comes no later in
 * the stage order than any stage of a unit after it (ties only on the same stage), so a cycle's
 * first busy stage is that of the first unit busy in it. A unit's cycles not covered by the units
 * before it are found from its busy intervals (the first busy unit's all of them, and its
 * intervals are the covered set as they stand, not copied); its pieces of stages other than its
 * first piece's are charged their own, and the first piece's stage what is left (a unit has one or
 * two stages, its pieces several per interval). Then the unit's intervals are merged into the
 * covered set: one pass per unit, no sweep over every unit at every boundary. Every time is a
 * whole cycle, so the sums are exact whatever order they are taken in.
 */
export function attributeStages(units: readonly UnitCalendar[], start: number, end: number, idleStage: number, stages: Float64Array): Float64Array {
  stages.fill(0);
  let cov: Float64Array = scratchA; // the covered set: a scratch array, or the first busy unit's own intervals (only read)
  let covLen = 0;
  let coveredCycles = 0;
  let lastEnd = start; // the last busy cycle (end exclusive): a unit's is its last interval's end
  for (let u = 0; u < units.length; u++) {
    const n = units[u].intervalCount();
    if (n > 0 && units[u].intervals()[n - 1] > lastEnd) lastEnd = units[u].intervals()[n - 1];
  }
  for (let u = 0; u < units.length; u++) {
    const unit = units[u];
    const p = unit.labelled;
    const stageOf = unit.labelledStage;
    const len = 2 * unit.labelledLen;
    const iv = unit.intervals();
    const ivLen = unit.intervalCount();
    if (covLen === 0) {
      for (let i = 0; i < len; i += 2) stages[stageOf[i >> 1]] += p[i + 1] - p[i];
      cov = iv;
      covLen = ivLen;
      coveredCycles += unit.busy; // its intervals' cycles: its pieces never overlap
      continue;
    }
    // The unit's free cycles, from its intervals (what they add to the covered set).
    walkFrom = 0;
    let free = 0;
    for (let k = 0; k < ivLen; k += 2) free += freeCycles(iv[k], iv[k + 1], cov, covLen);
    coveredCycles += free;
    if (len > 0) {
      const first = stageOf[0];
      walkFrom = 0;
      for (let i = 2; i < len; i += 2) {
        const stage = stageOf[i >> 1];
        if (stage === first) continue;
        const own = freeCycles(p[i], p[i + 1], cov, covLen);
        stages[stage] += own;
        free -= own;
      }
      stages[first] += free;
    }
    // The last unit's busy intervals would cover nothing anyone reads.
    if (u + 1 === units.length) break;
    // covered = covered U the unit's busy intervals, into the scratch array the covered set is not.
    if (cov !== scratchA && scratchA.length < covLen + ivLen) scratchA = new Float64Array(2 * (covLen + ivLen));
    if (cov === scratchA && scratchB.length < covLen + ivLen) scratchB = new Float64Array(2 * (covLen + ivLen));
    const merged = cov === scratchA ? scratchB : scratchA;
    let a = 0;
    let b = 0;
    let m = 0;
    while (a < covLen || b < ivLen) {
      let s: number;
      let e: number;
      if (b >= ivLen || (a < covLen && cov[a] <= iv[b])) {
        s = cov[a];
        e = cov[a + 1];
        a += 2;
      } else {
        s = iv[b];
        e = iv[b + 1];
        b += 2;
      }
      if (m > 0 && s <= merged[m - 1]) {
        if (e > merged[m - 1]) merged[m - 1] = e;
      } else {
        merged[m++] = s;
        merged[m++] = e;
      }
    }
    cov = merged;
    covLen = m;
  }
  // Idle: the gaps up to the last busy cycle, and whatever of [start, end) comes after it.
  stages[idleStage] += lastEnd - start - coveredCycles;
  if (end > lastEnd) stages[idleStage] += end - lastEnd;
  return stages;
}
