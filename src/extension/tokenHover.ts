// Hover over a word of a profiled document: a small table of its tokens (text, cumulative
// importance to 3 significant figures and where it comes from, rank, where cascade pruning removed
// it) and a link that opens the report at the token. Columns are left-aligned and padded with
// no-break spaces: VS Code's hover tables have no cell padding, and right-aligned numbers next to
// left-aligned text ran together. Token text comes from the model's vocabulary: it is escaped, and
// the markdown is trusted only for the one command it links to.
import * as vscode from 'vscode';
import { formatNumber } from '../engine/report/formatQuantity';
import { factsIn } from './documentTokens';
import type { ProfileStore } from './profileStore';
import type { TokenImportance } from './tokenImportance';

export const SHOW_TOKEN_COMMAND = 'spatten.showTokenInReport';

/** Gap after each cell's text (no-break spaces survive markdown; plain spaces are trimmed). */
const GAP = '\u00a0\u00a0\u00a0';

/** Escapes text for markdown, including table pipes. */
function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** Shows whitespace in token text so " the" and "the" are told apart. */
function visibleToken(text: string): string {
  return text.replace(/ /g, '\u2423').replace(/\n/g, '\u21b5').replace(/\t/g, '\u2192');
}

/** "layer 0, prompt pass" / "layer 2, decode step 3" / "kept" (layers count from 0, as in the report). */
export function prunedAtText(t: TokenImportance): string {
  if (t.prunedAtLayer < 0) return t.protected ? 'kept (protected)' : 'kept to the end';
  const pass = t.prunedAtStep === undefined ? '' : t.prunedAtStep < 0 ? ', prompt pass' : `, decode step ${t.prunedAtStep}`;
  return `layer ${t.prunedAtLayer} of ${t.layers}${pass}`;
}

/** The importance as shown: 3 significant figures (formatNumber's default). */
export function importanceText(t: TokenImportance): string {
  return Number.isFinite(t.importance) ? formatNumber(t.importance) : 'n/a';
}

const cell = (text: string): string => ` ${text}${GAP} `;

export function hoverMarkdown(facts: readonly TokenImportance[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [SHOW_TOKEN_COMMAND] };
  md.supportHtml = false;
  md.appendMarkdown('**SpAtten token importance** (measured)\n\n');
  md.appendMarkdown(`|${cell('Token')}|${cell('Importance (Σ attention prob)')}|${cell('Rank')}|${cell('Pruned after')}|\n|:--|:--|:--|:--|\n`);
  for (const t of facts) {
    const rank = t.rank >= 0 ? `#${t.rank + 1} of ${t.ranked}` : 'n/a';
    md.appendMarkdown(`|${cell(`\`${visibleToken(t.text).replace(/`/g, 'ˋ').replace(/\|/g, '∣')}\``)}|${cell(importanceText(t))}|${cell(rank)}|${cell(escapeMarkdownText(prunedAtText(t)))}|\n`);
  }
  md.appendMarkdown('\nImportance and rank at the layer that pruned the token (or the last layer).');
  const first = facts[0];
  if (first) {
    const args = encodeURIComponent(JSON.stringify([first.index]));
    md.appendMarkdown(` [Open in SpAtten report](command:${SHOW_TOKEN_COMMAND}?${args} "Show this token in the report")`);
  }
  return md;
}

export class TokenHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: ProfileStore) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const anchored = this.store.forDocument(document);
    if (!anchored) return undefined;
    const word = document.getWordRangeAtPosition(position) ?? new vscode.Range(position, position.translate(0, 1));
    const hits = factsIn(anchored, document, word);
    if (hits.length === 0) return undefined;
    const span = hits.reduce((r, h) => r.union(h.range), hits[0]!.range);
    return new vscode.Hover(hoverMarkdown(hits.map((h) => h.fact)), span);
  }
}
