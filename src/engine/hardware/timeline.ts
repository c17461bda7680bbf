// A bounded timeline of the simulated run: one track per hardware unit, events that never overlap
// on a track, and a DRAM bandwidth counter. Exported to Chrome trace / Perfetto JSON by
// src/engine/report/chromeTrace.ts.
//
// Bounding: events are per (step, layer, head) and unit. When the run would produce more than
// `maxEvents` of those, the builder switches to per (step, layer) events (one span per unit and
// layer step: from the unit's first op to its last, with its busy fraction in the args). If even
// those exceed the cap, the rest is dropped and `truncated` is set. Default cap:
// DEFAULT_TIMELINE_MAX_EVENTS.
import { HARDWARE_UNITS, PIPELINE_STAGES, type ScheduledOp } from './pipelinedTiming';

export const DEFAULT_TIMELINE_MAX_EVENTS = 100_000;

export interface TimelineEvent {
  /** Track: index into Timeline.units. */
  unit: number;
  /** Stage name (or "layer" for aggregated events). */
  name: string;
  /** Cycles from the start of the run. */
  start: number;
  dur: number;
  step: number;
  layer: number;
  /** -1 for per-layer work and aggregated events. */
  head: number;
  bytes: number;
  /** Aggregated events: fraction of the span the unit was busy. */
  busy?: number;
}

export interface BandwidthSample {
  /** Cycle. */
  t: number;
  /** DRAM bytes per cycle from t until the next sample. */
  bytesPerCycle: number;
}

export interface Timeline {
  units: readonly string[];
  clockHz: number;
  events: TimelineEvent[];
  bandwidth: BandwidthSample[];
  /** True when events are per (step, layer) instead of per (step, layer, head). */
  aggregated: boolean;
  truncated: boolean;
  maxEvents: number;
}

export class TimelineBuilder {
  readonly timeline: Timeline;
  constructor(clockHz: number, expectedOps: number, maxEvents = DEFAULT_TIMELINE_MAX_EVENTS, units: readonly string[] = HARDWARE_UNITS) {
    this.timeline = { units, clockHz, events: [], bandwidth: [], aggregated: expectedOps > maxEvents, truncated: false, maxEvents };
  }

  private room(): boolean {
    const t = this.timeline;
    // Bandwidth samples count against the cap too: they are events in the exported file.
    if (t.events.length + t.bandwidth.length >= t.maxEvents) {
      t.truncated = true;
      return false;
    }
    return true;
  }

  /** Add one (step, layer) of scheduled ops (sorted per unit by start, as the scheduler makes them). */
  addGroup(step: number, layer: number, start: number, end: number, ops: readonly ScheduledOp[]): void {
    const t = this.timeline;
    if (!t.aggregated) {
      for (const op of ops) {
        if (!this.room()) return;
        t.events.push({ unit: op.unit, name: PIPELINE_STAGES[op.stage], start: op.start, dur: op.end - op.start, step, layer, head: op.head, bytes: op.bytes });
        if (op.bytes > 0 && this.room()) t.bandwidth.push({ t: op.start, bytesPerCycle: op.bytes / (op.end - op.start) });
        if (op.bytes > 0 && this.room()) t.bandwidth.push({ t: op.end, bytesPerCycle: 0 });
      }
      return;
    }
    const first = new Float64Array(t.units.length).fill(Infinity);
    const last = new Float64Array(t.units.length);
    const busy = new Float64Array(t.units.length);
    let bytes = 0;
    for (const op of ops) {
      first[op.unit] = Math.min(first[op.unit], op.start);
      last[op.unit] = Math.max(last[op.unit], op.end);
      busy[op.unit] += op.end - op.start;
      bytes += op.bytes;
    }
    for (let u = 0; u < t.units.length; u++) {
      if (last[u] <= first[u] || !this.room()) continue;
      t.events.push({ unit: u, name: 'layer', start: first[u], dur: last[u] - first[u], step, layer, head: -1, bytes: 0, busy: busy[u] / (last[u] - first[u]) });
    }
    if (end > start && this.room()) t.bandwidth.push({ t: start, bytesPerCycle: bytes / (end - start) });
  }

  /** Add events of a model without per-unit ops (the additive terms, laid end to end). */
  addSpans(step: number, layer: number, spans: readonly { unit: number; name: string; start: number; dur: number }[]): void {
    for (const s of spans) {
      if (s.dur <= 0) continue;
      if (!this.room()) return;
      this.timeline.events.push({ unit: s.unit, name: s.name, start: s.start, dur: s.dur, step, layer, head: -1, bytes: 0 });
    }
  }
}
