// Stage attribution of a scheduled (step, layer): every cycle goes to exactly one stage, so the
// stages sum to the cycles. A cycle is charged to the busy stage that comes first in the stage
// order (DRAM transfers first: memory time), and to the idle stage when nothing is busy.
import type { UnitCalendar } from './unitCalendar';

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

// Reused by every call (one per (step, layer)).
let cursor = new Int32Array(8);

/**
 * Cycles by stage over [start, end): each cycle to the first busy stage in stage order, idle ones
 * to `idleStage`. Reads the calendars' labelled pieces: a unit does one thing at a time, so a
 * sweep over the units' time-ordered pieces finds the busy stages without sorting anything.
 * Every time is a whole cycle, so the sums are exact whatever order they are taken in.
 */
export function attributeStages(units: readonly UnitCalendar[], start: number, end: number, stageCount: number, idleStage: number): Float64Array {
  const stages = new Float64Array(stageCount);
  const at = cursor.length >= units.length ? cursor.fill(0) : (cursor = new Int32Array(units.length)); // per unit: its first piece not yet over
  let t = start;
  for (;;) {
    let next = Infinity;
    let stage = idleStage;
    for (let u = 0; u < units.length; u++) {
      const p = units[u].labelled;
      let i = at[u];
      while (i < p.length && p[i + 1] <= t) i += 3;
      at[u] = i;
      if (i >= p.length) continue;
      if (p[i] <= t) {
        // Busy at t until this piece ends.
        if (p[i + 2] < stage) stage = p[i + 2];
        if (p[i + 1] < next) next = p[i + 1];
      } else if (p[i] < next) next = p[i];
    }
    if (next === Infinity) break;
    stages[stage] += next - t;
    t = next;
  }
  if (end > t) stages[idleStage] += end - t;
  return stages;
}
