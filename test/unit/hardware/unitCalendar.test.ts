// The unit calendar against a cycle-by-cycle reference: each request takes the first free cycles
// from its ready cycle on. Random requests leave up to ~100 gaps, so the gap search walks back a
// few intervals and, past 8, searches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnitCalendar } from '../../../src/engine/hardware/unitCalendar';
import { seededRandom } from '../../../src/engine/seededRandom';

/** The pieces a request gets on a calendar kept as one flag per cycle (and marks them busy). */
function referencePlace(busy: boolean[], ready: number, duration: number): number[] {
  const pieces: number[] = [];
  let left = duration;
  for (let t = ready; left > 0; t++) {
    if (busy[t]) continue;
    busy[t] = true;
    left--;
    if (pieces.length > 0 && pieces[pieces.length - 1] === t) pieces[pieces.length - 1] = t + 1;
    else pieces.push(t, t + 1);
  }
  return pieces;
}

test('a calendar with many gaps places every request as a cycle-by-cycle calendar does', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const rand = seededRandom(seed);
    const cal = new UnitCalendar();
    const busy: boolean[] = [];
    for (let r = 0; r < 300; r++) {
      // Mostly short requests anywhere in the first 2000 cycles: many separate intervals.
      const ready = Math.floor(rand() * 2000);
      const duration = 1 + Math.floor(rand() * (r % 7 === 0 ? 40 : 4));
      const got = cal.place(ready, duration);
      assert.deepEqual(got.pieces, referencePlace(busy, ready, duration), `seed ${seed}, request ${r}: ready ${ready}, ${duration} cycles`);
    }
    const iv = Array.from(cal.intervals().subarray(0, cal.intervalCount()));
    const want: number[] = [];
    busy.forEach((b, t) => {
      if (!b) return;
      if (want.length > 0 && want[want.length - 1] === t) want[want.length - 1] = t + 1;
      else want.push(t, t + 1);
    });
    assert.deepEqual(iv, want, `seed ${seed}: busy intervals`);
  }
});
