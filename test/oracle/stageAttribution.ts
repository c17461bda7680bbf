// Stage attribution of a scheduled (step, layer): every cycle goes to exactly one stage, so the
// stages sum to the cycles. A cycle is charged to the busy stage that comes first in the stage
// order (DRAM transfers first: memory time), and to the idle stage when nothing is busy.

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

/** Cycles by stage over [start, end): each cycle to the first busy stage in stage order, idle ones to `idleStage`. */
export function attributeStages(ops: readonly ScheduledOp[], start: number, end: number, stageCount: number, idleStage: number): Float64Array {
  const stages = new Float64Array(stageCount);
  const m = ops.length;
  // Every time is a whole cycle, so an event sorts as one number: time * M + event index, with M a
  // power of two above the event count (numeric typed-array sort, no comparator, no objects).
  let M = 1;
  while (M < 2 * m) M *= 2;
  // Beyond 2^53 the packed keys lose the index bits: sort the events with a comparator instead.
  if ((end - start + 1) * M > Number.MAX_SAFE_INTEGER) return attributeStagesSlow(ops, start, end, stageCount, idleStage);
  const keys = new Float64Array(2 * m);
  for (let i = 0; i < m; i++) {
    keys[2 * i] = (ops[i].start - start) * M + 2 * i;
    keys[2 * i + 1] = (ops[i].end - start) * M + 2 * i + 1;
  }
  keys.sort();
  const active = new Int32Array(stageCount);
  let t = start;
  for (let j = 0; j < 2 * m; j++) {
    const idx = keys[j] % M;
    const at = (keys[j] - idx) / M + start;
    if (at > t) {
      let s = idleStage;
      for (let k = 0; k < idleStage; k++) {
        if (active[k] > 0) {
          s = k;
          break;
        }
      }
      stages[s] += at - t;
      t = at;
    }
    const op = ops[idx >> 1];
    if ((idx & 1) === 0) active[op.stage]++;
    else active[op.stage]--;
  }
  if (end > t) stages[idleStage] += end - t;
  return stages;
}

/** The same sweep over events sorted by (time, event index) with a comparator: for spans too long to pack. */
function attributeStagesSlow(ops: readonly ScheduledOp[], start: number, end: number, stageCount: number, idleStage: number): Float64Array {
  const stages = new Float64Array(stageCount);
  const events: number[] = [];
  for (let i = 0; i < 2 * ops.length; i++) events.push(i);
  const timeOf = (e: number): number => ((e & 1) === 0 ? ops[e >> 1].start : ops[e >> 1].end);
  events.sort((a, b) => timeOf(a) - timeOf(b) || a - b);
  const active = new Int32Array(stageCount);
  let t = start;
  for (const e of events) {
    const at = timeOf(e);
    if (at > t) {
      let s = idleStage;
      for (let k = 0; k < idleStage; k++) {
        if (active[k] > 0) {
          s = k;
          break;
        }
      }
      stages[s] += at - t;
      t = at;
    }
    active[ops[e >> 1].stage] += (e & 1) === 0 ? 1 : -1;
  }
  if (end > t) stages[idleStage] += end - t;
  return stages;
}
