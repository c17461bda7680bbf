// Chrome trace / Perfetto JSON export of the hardware timeline (Trace Event Format, the
// "JSON Object Format": { traceEvents: [...] }). One process "SpAtten <config>", one thread per
// hardware unit (named with "M" metadata events), complete events ("X") for the work, which never
// overlap on one thread, and a counter ("C") track for DRAM bandwidth in GB/s.
// Timestamps are microseconds (the format's unit): cycles / clockHz * 1e6.
import type { Timeline } from '../hardware/timeline';

export interface ChromeTraceEvent {
  name: string;
  ph: 'X' | 'C' | 'M';
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeTraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, unknown>;
}

export function toChromeTrace(t: Timeline, processName: string): ChromeTrace {
  const us = 1e6 / t.clockHz;
  const pid = 1;
  const ev: ChromeTraceEvent[] = [{ name: 'process_name', ph: 'M', pid, args: { name: processName } }];
  t.units.forEach((u, i) => {
    ev.push({ name: 'thread_name', ph: 'M', pid, tid: i + 1, args: { name: u } });
    ev.push({ name: 'thread_sort_index', ph: 'M', pid, tid: i + 1, args: { sort_index: i } });
  });
  for (const e of t.events) {
    const args: Record<string, unknown> = { step: e.step, layer: e.layer, cycles: e.dur };
    if (e.head >= 0) args.head = e.head;
    if (e.bytes > 0) args.bytes = e.bytes;
    if (e.busy !== undefined) args.busyFraction = Number(e.busy.toFixed(4));
    const name = e.head >= 0 ? `${e.name} L${e.layer} H${e.head}` : `${e.name} L${e.layer}`;
    ev.push({ name, cat: e.name, ph: 'X', pid, tid: e.unit + 1, ts: e.start * us, dur: e.dur * us, args });
  }
  const gbps = t.clockHz / 1e9;
  for (const b of t.bandwidth) {
    ev.push({ name: 'DRAM bandwidth', ph: 'C', pid, ts: b.t * us, args: { 'GB/s': Number((b.bytesPerCycle * gbps).toFixed(3)) } });
  }
  return {
    traceEvents: ev,
    displayTimeUnit: 'ns',
    otherData: { clockHz: t.clockHz, aggregated: t.aggregated, truncated: t.truncated, maxEvents: t.maxEvents },
  };
}
