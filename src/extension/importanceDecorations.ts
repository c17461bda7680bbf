// Heatmap of token importance over a profiled document: a background whose strength follows the
// token's cumulative importance (relative to the most important token), and pruned tokens faded.
// Toggled by a command; a document's decorations go when its text changes or it closes (the
// store forgets the anchor and fires onDidChange, which redraws).
import * as vscode from 'vscode';
import type { ProfileStore } from './profileStore';
import { anchoredTokens, tokenImportance } from './tokenImportance';

/** Heat levels: a handful of decoration types instead of one per token. */
const HEAT_LEVELS = 8;

export class ImportanceDecorations implements vscode.Disposable {
  private enabled = true;
  private readonly heat: vscode.TextEditorDecorationType[];
  private readonly pruned: vscode.TextEditorDecorationType;
  private readonly disposables: vscode.Disposable[] = [];
  /** Ranges currently set per editor document (what tests and the toggle read back). */
  private readonly applied = new Map<string, number>();

  constructor(private readonly store: ProfileStore) {
    this.heat = Array.from({ length: HEAT_LEVELS }, (_, level) =>
      vscode.window.createTextEditorDecorationType({
        // Orange heat, alpha 0.12..0.6: readable on light and dark themes.
        backgroundColor: `rgba(255, 140, 0, ${(0.12 + (0.48 * level) / (HEAT_LEVELS - 1)).toFixed(3)})`,
        borderRadius: '2px',
      }),
    );
    this.pruned = vscode.window.createTextEditorDecorationType({ opacity: '0.45', fontStyle: 'italic' });
    this.disposables.push(
      store.onDidChange(() => this.refresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
    );
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    this.refresh();
    return this.enabled;
  }

  /** Decorated ranges in the visible editors of this document (0 when none). */
  decoratedRanges(uri: vscode.Uri): number {
    return this.applied.get(uri.toString()) ?? 0;
  }

  refresh(): void {
    this.applied.clear();
    for (const editor of vscode.window.visibleTextEditors) this.decorate(editor);
  }

  private decorate(editor: vscode.TextEditor): void {
    const session = this.enabled ? this.store.forDocument(editor.document) : undefined;
    const byLevel: vscode.Range[][] = this.heat.map(() => []);
    const pruned: vscode.DecorationOptions[] = [];
    if (session) {
      const report = session.result.report;
      const tokens = anchoredTokens(session, editor.document);
      const facts = tokens.map((t) => tokenImportance(report, t.index));
      const max = facts.reduce((m, f) => (f && Number.isFinite(f.importance) ? Math.max(m, f.importance) : m), 0);
      tokens.forEach((t, i) => {
        const f = facts[i];
        if (!f) return;
        // Pruned tokens keep the heat of the layer that pruned them, with their text faded.
        if (f.prunedAtLayer >= 0) pruned.push({ range: t.range });
        const share = max > 0 && Number.isFinite(f.importance) ? f.importance / max : 0;
        byLevel[Math.min(HEAT_LEVELS - 1, Math.floor(share * HEAT_LEVELS))]!.push(t.range);
      });
    }
    this.heat.forEach((type, level) => editor.setDecorations(type, byLevel[level]!));
    editor.setDecorations(this.pruned, pruned);
    const count = byLevel.reduce((n, r) => n + r.length, 0);
    const key = editor.document.uri.toString();
    this.applied.set(key, (this.applied.get(key) ?? 0) + count);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    for (const t of this.heat) t.dispose();
    this.pruned.dispose();
  }
}
