// Hover over a word of a profiled document: for each of its tokens a small two-column table
// (importance to 3 significant figures and where it comes from, rank, where cascade pruning removed
// it: layer and pass) and a link that opens the report at the token. Key/value rows keep the hover
// narrow, so it stays inside the editor's group instead of covering the report beside it. VS Code's
// hover tables have no cell padding and its markdown trims cell whitespace, so each key ends in a
// colon and no-break spaces held by a zero-width space. Token text comes from the model's
// vocabulary: it is escaped, and the markdown is trusted only for the one command it links to.
import * as vscode from 'vscode';
import { formatNumber } from '../engine/report/formatQuantity';
import { factsIn } from './documentTokens';
import type { ProfileStore } from './profileStore';
import type { TokenImportance } from './tokenImportance';

export const SHOW_TOKEN_COMMAND = 'spatten.showTokenInReport';

/** Gap after a key: no-break spaces, kept by a zero-width space (markdown trims trailing whitespace). */
const GAP = '\u00a0\u00a0\u00a0\u200b';

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

const row = (key: string, value: string): string => `| **${key}:**${GAP} | ${value} |\n`;

/** The token as shown in the hover: visible whitespace, in code font (backticks and pipes replaced). */
function tokenCode(text: string): string {
  return `\`${visibleToken(text).replace(/`/g, 'ˋ').replace(/\|/g, '∣')}\``;
}

export function hoverMarkdown(facts: readonly TokenImportance[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [SHOW_TOKEN_COMMAND] };
  md.supportHtml = false;
  md.appendMarkdown(`**SpAtten token importance** (measured)\n\n`);
  for (const t of facts) {
    md.appendMarkdown(`| Token${GAP} | ${tokenCode(t.text)} |\n|:--|:--|\n`);
    md.appendMarkdown(row('Importance', `${importanceText(t)} (Σ attention prob)`));
    md.appendMarkdown(row('Rank', t.rank >= 0 ? `#${t.rank + 1} of ${t.ranked}` : 'n/a'));
    md.appendMarkdown(row('Pruned after', escapeMarkdownText(prunedAtText(t))));
    md.appendMarkdown('\n');
  }
  // Short lines: the hover's width follows its longest line.
  md.appendMarkdown('At the pruning layer, or the last layer.');
  const first = facts[0];
  if (first) {
    const args = encodeURIComponent(JSON.stringify([first.index]));
    md.appendMarkdown(`\n\n[Open in SpAtten report](command:${SHOW_TOKEN_COMMAND}?${args} "Show this token in the report")`);
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
