// The tokens of a profile run anchored in a document: each token's place (UTF-16 offsets into the
// document) and the facts its hover and decoration show. Small and plain, so the store can keep
// them in workspaceState and bring hovers and decorations back after a window reload without the
// report; a restored entry is trusted only once the document's text at the anchor hashes to what
// was profiled.
import { createHash } from 'node:crypto';
import * as vscode from 'vscode';
import type { ProfileReport } from '../engine/report/profileReport';
import type { DocumentAnchor } from './profileSession';
import { tokenImportance, type TokenImportance } from './tokenImportance';

export interface AnchoredFact extends TokenImportance {
  /** Offsets into the profiled text (add the anchor's offset for the document). */
  start: number;
  end: number;
}

export interface DocumentTokens {
  uri: string;
  /** Document offset of the profiled text's first character. */
  offset: number;
  /** SHA-256 of the profiled text and its length in UTF-16 units. */
  textHash: string;
  textLength: number;
  /** The document version the facts describe; undefined until a restored entry is checked. */
  version?: number;
  facts: AnchoredFact[];
}

export function hashText(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The anchored tokens of a run (special tokens, which have no place in the text, are left out). */
export function documentTokens(report: ProfileReport, anchor: DocumentAnchor): DocumentTokens {
  const text = report.input.text;
  const facts: AnchoredFact[] = [];
  report.input.tokens.forEach((t, index) => {
    if (t.start < 0 || t.end <= t.start || t.end > text.length) return;
    const f = tokenImportance(report, index);
    if (f) facts.push({ ...f, start: t.start, end: t.end });
  });
  return { uri: anchor.uri.toString(), offset: anchor.offset, textHash: hashText(text), textLength: text.length, version: anchor.version, facts };
}

/**
 * Whether the entry still describes the document: same version, or (a restored entry, version
 * unknown) the same text at the anchor, after which the version is pinned.
 */
export function matchesDocument(d: DocumentTokens, document: vscode.TextDocument): boolean {
  if (d.version !== undefined) return d.version === document.version;
  const here = document.getText().slice(d.offset, d.offset + d.textLength);
  if (here.length !== d.textLength || hashText(here) !== d.textHash) return false;
  d.version = document.version;
  return true;
}

export function factRange(d: DocumentTokens, f: AnchoredFact, document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(document.positionAt(d.offset + f.start), document.positionAt(d.offset + f.end));
}

/** Facts whose tokens overlap a range (a hovered word may span several tokens, a token several words). */
export function factsIn(d: DocumentTokens, document: vscode.TextDocument, range: vscode.Range): { fact: AnchoredFact; range: vscode.Range }[] {
  const out: { fact: AnchoredFact; range: vscode.Range }[] = [];
  for (const fact of d.facts) {
    const r = factRange(d, fact, document);
    const overlap = r.intersection(range);
    if (overlap !== undefined && !overlap.isEmpty) out.push({ fact, range: r });
  }
  return out;
}

const isNum = (x: unknown): x is number => typeof x === 'number';

/** Checks a persisted entry (workspaceState is data from an earlier session, possibly an older version). */
export function isDocumentTokens(x: unknown): x is DocumentTokens {
  if (typeof x !== 'object' || x === null) return false;
  const d = x as Record<string, unknown>;
  return typeof d.uri === 'string' && isNum(d.offset) && typeof d.textHash === 'string' && isNum(d.textLength) && Array.isArray(d.facts) &&
    d.facts.every((f: unknown) => typeof f === 'object' && f !== null && isNum((f as AnchoredFact).start) && isNum((f as AnchoredFact).end) &&
      isNum((f as AnchoredFact).importance) && isNum((f as AnchoredFact).rank) && isNum((f as AnchoredFact).prunedAtLayer) && typeof (f as AnchoredFact).text === 'string');
}
