// Per-token facts a hover or a decoration shows, read once from a ProfileReport when a run is
// anchored in a document (documentTokens.ts keeps them, and persists them so they survive a
// window reload without the report).
import type { ProfileReport } from '../engine/report/profileReport';

export interface TokenImportance {
  /** Index of the token in report.input.tokens. */
  index: number;
  text: string;
  /** Cumulative importance after the token's last layer (the layer it was pruned at, or the last layer). */
  importance: number;
  /** Rank by cumulative importance after that same layer, 0 = most important. */
  rank: number;
  /** Tokens ranked at that layer (the denominator of rank). */
  ranked: number;
  /** Layer where cascade token pruning removed it, or -1 when it was kept to the end. */
  prunedAtLayer: number;
  /** The pass that pruned it in a generation run: -1 = the prompt pass, k = decode step k; absent when unknown. */
  prunedAtStep?: number;
  layers: number;
  protected: boolean;
}

/** Whether a layer processed position `t` in one pass (undefined: positions not recorded). */
function processed(report: ProfileReport, stepIndex: number, layer: number, t: number): boolean | undefined {
  const alive = report.tokens.steps?.[stepIndex]?.layers[layer]?.alive;
  return alive ? alive.includes(t) : undefined;
}

/**
 * The pass that pruned token `t` after `layer`: the first pass in which that layer processed it and
 * the next layer did not. Needs the per-pass positions, which the report carries only while it is
 * small; undefined when they are absent, outside generation, or for the last layer.
 */
export function prunedStep(report: ProfileReport, t: number, layer: number): number | undefined {
  const steps = report.tokens.steps ?? [];
  if (report.mode !== 'generation' || layer < 0) return undefined;
  for (let s = 0; s < steps.length; s++) {
    const here = processed(report, s, layer, t);
    const next = processed(report, s, layer + 1, t);
    if (here === undefined || next === undefined) return undefined;
    if (here && !next) return steps[s]!.step;
  }
  return undefined;
}

export function tokenImportance(report: ProfileReport, index: number): TokenImportance | undefined {
  const token = report.input.tokens[index];
  const importanceByLayer = report.tokens.cumulativeImportance;
  if (!token || importanceByLayer.length === 0) return undefined;
  const prunedAtLayer = report.tokens.prunedAtLayer[index] ?? -1;
  const layer = prunedAtLayer >= 0 ? Math.min(prunedAtLayer, importanceByLayer.length - 1) : importanceByLayer.length - 1;
  const rankRow = report.tokens.rank[layer] ?? [];
  const step = prunedAtLayer >= 0 ? prunedStep(report, index, prunedAtLayer) : undefined;
  return {
    index,
    text: token.text,
    importance: importanceByLayer[layer]?.[index] ?? Number.NaN,
    rank: rankRow[index] ?? -1,
    ranked: rankRow.length,
    prunedAtLayer,
    ...(step !== undefined ? { prunedAtStep: step } : {}),
    layers: importanceByLayer.length,
    protected: token.protected,
  };
}
