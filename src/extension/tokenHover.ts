// Hover over a word of a profiled document: its tokens, their cumulative importance and rank, the
// layer that pruned them (or "kept to the end"), and a link that opens the report at the token.
// Token text comes from the model's vocabulary: it is escaped, and the markdown is trusted only
// for the one command it links to.
import * as vscode from 'vscode';
import type { ProfileStore } from './profileStore';
import { anchoredTokens, tokenImportance, tokensIn, type TokenImportance } from './tokenImportance';

export const SHOW_TOKEN_COMMAND = 'spatten.showTokenInReport';

/** Escapes text for markdown, including inline-code backticks and table pipes. */
function escapeMarkdownText(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`);
}

/** Shows whitespace in token text so " the" and "the" are told apart. */
function visibleToken(text: string): string {
  return text.replace(/ /g, '\u2423').replace(/\n/g, '\u21b5').replace(/\t/g, '\u2192');
}

function prunedText(t: TokenImportance): string {
  if (t.prunedAtLayer < 0) return t.protected ? 'kept to the end (protected)' : 'kept to the end';
  return `pruned after layer ${t.prunedAtLayer} of ${t.layers}`;
}

export function hoverMarkdown(facts: readonly TokenImportance[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [SHOW_TOKEN_COMMAND] };
  md.supportHtml = false;
  md.appendMarkdown('**SpAtten token importance**\n\n');
  md.appendMarkdown('| token | cumulative importance | rank | cascade pruning |\n|---|---:|---:|---|\n');
  for (const t of facts) {
    const rank = t.rank >= 0 ? `${t.rank + 1} of ${t.ranked}` : 'n/a';
    md.appendMarkdown(`| ${escapeMarkdownText(visibleToken(t.text))} | ${t.importance.toFixed(4)} | ${rank} | ${escapeMarkdownText(prunedText(t))} |\n`);
  }
  const first = facts[0];
  if (first) {
    const args = encodeURIComponent(JSON.stringify([first.index]));
    md.appendMarkdown(`\n[Open in SpAtten report](command:${SHOW_TOKEN_COMMAND}?${args} "Show this token in the report")`);
  }
  return md;
}

export class TokenHoverProvider implements vscode.HoverProvider {
  constructor(private readonly store: ProfileStore) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const session = this.store.forDocument(document);
    if (!session) return undefined;
    const word = document.getWordRangeAtPosition(position) ?? new vscode.Range(position, position.translate(0, 1));
    const hits = tokensIn(anchoredTokens(session, document), word);
    if (hits.length === 0) return undefined;
    const facts = hits.map((h) => tokenImportance(session.result.report, h.index)).filter((f): f is TokenImportance => f !== undefined);
    if (facts.length === 0) return undefined;
    const span = hits.reduce((r, h) => r.union(h.range), hits[0]!.range);
    return new vscode.Hover(hoverMarkdown(facts), span);
  }
}
