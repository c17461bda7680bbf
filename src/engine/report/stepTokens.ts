// Tokens alive per layer for every pass and decode step (measured by the core), so the views can
// say which pass a count is for instead of showing the last step's counts beside the whole run's
// pruning marks. Positions are carried only while the report stays small.
import type { TraceLayerStep } from '../trace/trace';
import type { StepTokens } from './profileReport';

/** Above this many (step x layer x token) positions only the counts are kept. */
export const MAX_STEP_POSITIONS = 100_000;

export function stepTokens(layerSteps: readonly TraceLayerStep[], layers: number, tokens: number): StepTokens[] {
  const bySteps = new Map<number, TraceLayerStep[]>();
  for (const s of layerSteps) if (s.layer < layers) bySteps.set(s.step, [...(bySteps.get(s.step) ?? []), s]);
  const withPositions = bySteps.size * layers * tokens <= MAX_STEP_POSITIONS;
  return [...bySteps.keys()]
    .sort((a, b) => a - b)
    .map((step) => {
      const out: StepTokens['layers'] = Array.from({ length: layers }, () => ({ tokensIn: 0, tokensKept: 0, headsKept: 0 }));
      for (const s of bySteps.get(step) ?? []) {
        out[s.layer] = { tokensIn: s.tokensIn, tokensKept: s.tokensKept, headsKept: s.headsKept, ...(withPositions && s.keptTokens ? { alive: [...s.keptTokens] } : {}) };
      }
      return { step, layers: out };
    });
}
