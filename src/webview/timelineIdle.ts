// Idle time of the hardware: the cycles where no unit is busy (pipeline fill and drain, DRAM round
// trips), as intervals, so the timeline can draw where the time goes that no unit lane shows.
import type { TimelineReport } from '../engine/report/profileReport';

/** Gaps between the union of all events, within [first start, last end]. */
export function idleIntervals(t: TimelineReport): [number, number][] {
  const order = t.start.map((_, i) => i).sort((a, b) => t.start[a] - t.start[b]);
  const out: [number, number][] = [];
  let reach = -Infinity;
  for (const i of order) {
    if (reach > -Infinity && t.start[i] > reach) out.push([reach, t.start[i]]);
    reach = Math.max(reach, t.end[i]);
  }
  return out;
}
