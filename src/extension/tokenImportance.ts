// Per-token facts a hover or a decoration shows, read from a ProfileReport, and the mapping of
// report tokens onto an anchored document.
import * as vscode from 'vscode';
import type { ProfileReport } from '../engine/report/profileReport';
import type { ProfileSession } from './profileSession';

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
  layers: number;
  protected: boolean;
}

export function tokenImportance(report: ProfileReport, index: number): TokenImportance | undefined {
  const token = report.input.tokens[index];
  const importanceByLayer = report.tokens.cumulativeImportance;
  if (!token || importanceByLayer.length === 0) return undefined;
  const prunedAtLayer = report.tokens.prunedAtLayer[index] ?? -1;
  const layer = prunedAtLayer >= 0 ? Math.min(prunedAtLayer, importanceByLayer.length - 1) : importanceByLayer.length - 1;
  const rankRow = report.tokens.rank[layer] ?? [];
  return {
    index,
    text: token.text,
    importance: importanceByLayer[layer]?.[index] ?? Number.NaN,
    rank: rankRow[index] ?? -1,
    ranked: rankRow.length,
    prunedAtLayer,
    layers: importanceByLayer.length,
    protected: token.protected,
  };
}

export interface AnchoredToken {
  index: number;
  range: vscode.Range;
}

/** Report tokens that have a place in the anchored document (special tokens have none). */
export function anchoredTokens(session: ProfileSession, document: vscode.TextDocument): AnchoredToken[] {
  const anchor = session.anchor;
  if (!anchor) return [];
  const out: AnchoredToken[] = [];
  const textLength = session.result.report.input.text.length;
  session.result.report.input.tokens.forEach((t, index) => {
    if (t.start < 0 || t.end <= t.start || t.end > textLength) return;
    out.push({ index, range: new vscode.Range(document.positionAt(anchor.offset + t.start), document.positionAt(anchor.offset + t.end)) });
  });
  return out;
}

/** Tokens overlapping a range (a hovered word may span several tokens, a token several words). */
export function tokensIn(tokens: readonly AnchoredToken[], range: vscode.Range): AnchoredToken[] {
  return tokens.filter((t) => {
    const overlap = t.range.intersection(range);
    return overlap !== undefined && !overlap.isEmpty;
  });
}
