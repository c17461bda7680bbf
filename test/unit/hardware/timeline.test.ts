import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toChromeTrace } from '../../../src/engine/report/chromeTrace';
import { TimelineBuilder } from '../../../src/engine/hardware/timeline';
import type { ScheduledOp } from '../../../src/engine/hardware/pipelinedTiming';

const ops: ScheduledOp[] = [
  { unit: 0, stage: 0, start: 0, end: 4, head: 0, bytes: 128 },
  { unit: 1, stage: 8, start: 2, end: 6, head: 0, bytes: 0 },
  { unit: 0, stage: 2, start: 6, end: 8, head: 0, bytes: 64 },
];

test('per-head events, bandwidth counters, and microsecond timestamps', () => {
  const b = new TimelineBuilder(1e9, 3, 100);
  b.addGroup(0, 0, 0, 10, ops);
  const t = b.timeline;
  assert.equal(t.aggregated, false);
  assert.equal(t.events.length, 3);
  assert.deepEqual(t.bandwidth.map((s) => [s.t, s.bytesPerCycle]), [[0, 32], [4, 0], [6, 32], [8, 0]]);
  const ct = toChromeTrace(t, 'x');
  const fetch = ct.traceEvents.find((e) => e.ph === 'X' && e.cat === 'fetchK');
  assert.deepEqual([fetch?.ts, fetch?.dur, fetch?.tid], [0, 0.004, 1]); // 4 cycles at 1 GHz = 0.004 us
  const c = ct.traceEvents.filter((e) => e.ph === 'C');
  assert.deepEqual(c[0].args, { 'GB/s': 32 });
});

test('over the cap: per (step, layer) spans, then truncation', () => {
  const b = new TimelineBuilder(1e9, 1000, 4);
  b.addGroup(0, 0, 0, 10, ops);
  const t = b.timeline;
  assert.equal(t.aggregated, true);
  // DRAM spans 0..8 busy 6 of 8 cycles; Q x K 2..6; one bandwidth sample: 192 B over 10 cycles.
  assert.deepEqual(t.events.map((e) => [e.unit, e.start, e.dur, e.busy]), [[0, 0, 8, 0.75], [1, 2, 4, 1]]);
  assert.deepEqual(t.bandwidth, [{ t: 0, bytesPerCycle: 19.2 }]);
  b.addGroup(0, 1, 10, 20, ops.map((o) => ({ ...o, start: o.start + 10, end: o.end + 10 })));
  assert.equal(t.events.length + t.bandwidth.length, 4);
  assert.equal(t.truncated, true);
});
