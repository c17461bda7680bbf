// The bracket check shared by the timing-model tests: lowerBound <= pipelined <= additive on every
// (step, layer) of a trace, on both presets (dense baselines too).
import assert from 'node:assert/strict';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { simulate } from '../../../src/engine/hardware/simulate';
import type { Trace } from '../../../src/engine/trace/trace';

export const PRESETS = ['spatten-1x', 'spatten-1/8'].map((n) => resolveHardwareConfig(n));

/** One trace per step, so that the per-layer figures are per (step, layer). */
function byStep(trace: Trace): Trace[] {
  const steps = [...new Set(trace.rows.map((r) => r.step))];
  return steps.map((s) => ({ ...trace, rows: trace.rows.filter((r) => r.step === s), layerSteps: trace.layerSteps?.filter((l) => l.step === s) }));
}

/** Checks the bracket on every (step, layer); returns how many were checked. */
export function assertBracket(trace: Trace, what: string): number {
  let checked = 0;
  for (const hw of PRESETS) {
    for (const part of byStep(trace)) {
      const p = simulate(part, hw, { timing: 'pipelined', denseBits: 32 });
      const a = simulate(part, hw, { timing: 'additive', denseBits: 32 });
      for (let i = 0; i < p.layers.length; i++) {
        const lp = p.layers[i];
        const where = `${what} ${hw.name} step ${part.rows[0].step} layer ${lp.layer}`;
        assert.ok(lp.lowerBoundCycles <= lp.cycles, `${where}: lower bound ${lp.lowerBoundCycles} > pipelined ${lp.cycles}`);
        assert.ok(lp.cycles <= a.layers[i].cycles, `${where}: pipelined ${lp.cycles} > additive ${a.layers[i].cycles}`);
        assert.equal(a.layers[i].lowerBoundCycles, lp.lowerBoundCycles);
        assert.ok(lp.denseCycles <= a.layers[i].denseCycles, `${where}: dense pipelined ${lp.denseCycles} > dense additive ${a.layers[i].denseCycles}`);
        checked++;
      }
    }
  }
  return checked;
}

