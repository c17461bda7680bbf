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
  const contextOf = (step: number) => (step < 0 ? P : Math.min(N, P + step + 1));
  const context = contextOf(s.step);
  // `alive` is what a layer kept after its token top-k; what enters layer l is what layer l-1 kept
  // and, for layer 0, what layer 0 kept in the previous step plus the tokens new in this one.
  const kept = s.layers.map((l) => (l.alive ? new Set(l.alive) : undefined));
  const steps = report.tokens.steps ?? [];
  const prev = steps[steps.indexOf(s) - 1];
  // A layer's pruning persists across steps: what enters layer l is what it kept in the previous
  // step plus the tokens new in this one, and (l > 0) only what layer l-1 kept in this step.
  const entering = s.layers.map((_, l) => {
    const pk = prev?.layers[l]?.alive;
    let set: Set<number> | undefined;
    if (prev && pk) {
      set = new Set(pk);
      for (let t = contextOf(prev.step); t < context; t++) set.add(t);
    }
    const above = l > 0 ? kept[l - 1] : undefined;
    if (above) set = set ? new Set([...set].filter((t) => above.has(t))) : new Set(above);
    return set;
  });
  return {
    state(l, t) {
      if (t >= context) return 'future';
      const e = entering[l];
      if (e && !e.has(t)) return 'before';
      const k = kept[l];
      return k && !k.has(t) ? 'here' : 'alive';
    },
    counts: (l) => ({ tokensIn: s.layers[l].tokensIn, tokensKept: s.layers[l].tokensKept }),
  };
}
