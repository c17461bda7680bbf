// Which pass the token view shows: the whole run (pruning marks of the run, as prunedAtLayer) or
// one pass: the prompt pass (step -1) or one decode step, from report.tokens.steps. Pure, so the
// counts beside each layer and the marks on its tokens always describe the same pass.

import type { ProfileReport } from '../engine/report/profileReport';

/** 'all' or a step number (-1 = prompt pass). */
export type PassChoice = 'all' | number;

/** alive: processed by this layer; here: processed and pruned by it; before: pruned earlier; future: not generated yet at this step. */
export type CellState = 'alive' | 'here' | 'before' | 'future';

export function passLabel(step: PassChoice, mode: ProfileReport['mode']): string {
  if (step === 'all') return mode === 'generation' ? 'All passes (where each token was pruned over the run)' : 'Encoder pass';
  return step < 0 ? 'Prompt pass' : `Decode step ${step}`;
}

/** Short form for counts ("prompt pass", "decode step 3", "whole run"). */
export function passShort(step: PassChoice): string {
  return step === 'all' ? 'whole run' : step < 0 ? 'prompt pass' : `decode step ${step}`;
}

export interface PassModel {
  state(layer: number, token: number): CellState;
  /** Tokens in / kept of the layer in this pass (whole run: in = alive at the layer, kept = in − pruned there). */
  counts(layer: number): { tokensIn: number; tokensKept: number };
}

export function passModel(report: ProfileReport, step: PassChoice): PassModel {
  const pruned = report.tokens.prunedAtLayer;
  const N = report.input.tokens.length;
  const P = report.input.promptTokens ?? N;
  const s = step === 'all' ? undefined : report.tokens.steps?.find((x) => x.step === step);
  if (!s) {
    return {
      state: (l, t) => (pruned[t] >= 0 && pruned[t] < l ? 'before' : pruned[t] === l ? 'here' : 'alive'),
      counts: (l) => {
        let tokensIn = 0;
        let here = 0;
        for (let t = 0; t < N; t++) {
          if (!(pruned[t] >= 0 && pruned[t] < l)) tokensIn++;
          if (pruned[t] === l) here++;
        }
        return { tokensIn, tokensKept: tokensIn - here };
      },
    };
  }
  // Context of a decode step: the prompt plus the tokens generated up to and including it.
  const context = s.step < 0 ? P : Math.min(N, P + s.step + 1);
  const alive = s.layers.map((l) => (l.alive ? new Set(l.alive) : undefined));
  const L = s.layers.length;
  return {
    state(l, t) {
      if (t >= context) return 'future';
      const a = alive[l];
      if (!a) return 'alive';
      if (!a.has(t)) return 'before';
      const next = alive[l + 1];
      return l + 1 < L && next && !next.has(t) ? 'here' : 'alive';
    },
    counts: (l) => ({ tokensIn: s.layers[l].tokensIn, tokensKept: s.layers[l].tokensKept }),
  };
}
