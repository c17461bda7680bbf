// What the timeline draws, computed once from report.timeline (modelled): the run's first and last
// cycle, each unit's busy cycles, and the extent of every (pass, layer) for the background bands.
import type { TimelineReport } from '../engine/report/profileReport';

export interface TimelineExtent {
  /** First start and last end (cycles); [0, 1] for an empty timeline. */
  t0: number;
  t1: number;
  /** Busy cycles per unit (index = t.units). */
  busy: Float64Array;
  /** "<step>:<layer>" -> [first start, last end, layer]. */
  layerSpan: Map<string, [number, number, number]>;
}

export function timelineExtent(t: TimelineReport): TimelineExtent {
  let t0 = Infinity;
  let t1 = -Infinity;
  const busy = new Float64Array(t.units.length);
  const layerSpan = new Map<string, [number, number, number]>();
  for (let i = 0; i < t.unit.length; i++) {
    t0 = Math.min(t0, t.start[i]);
    t1 = Math.max(t1, t.end[i]);
    busy[t.unit[i]] += t.end[i] - t.start[i];
    const key = `${t.step?.[i] ?? 0}:${t.layer[i]}`;
    const s = layerSpan.get(key);
    if (s) {
      s[0] = Math.min(s[0], t.start[i]);
      s[1] = Math.max(s[1], t.end[i]);
    } else layerSpan.set(key, [t.start[i], t.end[i], t.layer[i]]);
  }
  return t1 > t0 ? { t0, t1, busy, layerSpan } : { t0: 0, t1: 1, busy, layerSpan };
}
