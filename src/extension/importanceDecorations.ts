// Heatmap of token importance over a profiled document: a background whose strength follows the
// token's cumulative importance (relative to the most important token), and a dashed underline on
// tokens cascade pruning removed (the report's "pruned" mark). The colours are theme colours the
// extension contributes (package.json `colors`: spatten.importance1-5, spatten.prunedTokenBorder)
// with light, dark and high-contrast defaults chosen for contrast: the text keeps the editor's
// own foreground (no fading, no italics), the backgrounds stay light enough for 4.5:1 on each
// theme, and high contrast draws outlines instead of fills. Users can override them in
// workbench.colorCustomizations. Toggled by a command; a document's decorations go when its text
// changes or it closes (the store fires onDidChange, which redraws) and come back after a window
// reload (the store restores the anchored tokens).
import * as vscode from 'vscode';
import { factRange } from './documentTokens';
import type { ProfileStore } from './profileStore';

/** Heat levels: spatten.importance1 (least) .. spatten.importance<HEAT_LEVELS> (most important). */
export const HEAT_LEVELS = 5;

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
        backgroundColor: new vscode.ThemeColor(`spatten.importance${level + 1}`),
        // Only high contrast gives these a colour (its fills are transparent).
        outlineColor: new vscode.ThemeColor(`spatten.importance${level + 1}.outline`),
        outlineStyle: 'solid',
        outlineWidth: '1px',
        borderRadius: '2px',
      }),
    );
    this.pruned = vscode.window.createTextEditorDecorationType({
      borderColor: new vscode.ThemeColor('spatten.prunedTokenBorder'),
      borderStyle: 'none none dashed none',
      borderWidth: '0 0 2px 0',
    });
    this.disposables.push(
      store.onDidChange(() => this.refresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
    );
    // Restored anchors (after a reload) decorate the editors already open.
    this.refresh();
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
    const anchored = this.enabled ? this.store.forDocument(editor.document) : undefined;
    const byLevel: vscode.Range[][] = this.heat.map(() => []);
    const pruned: vscode.Range[] = [];
    if (anchored) {
      const max = anchored.facts.reduce((m, f) => (Number.isFinite(f.importance) ? Math.max(m, f.importance) : m), 0);
      for (const f of anchored.facts) {
        const range = factRange(anchored, f, editor.document);
        // Pruned tokens keep the heat of the layer that pruned them, underlined.
        if (f.prunedAtLayer >= 0) pruned.push(range);
        const share = max > 0 && Number.isFinite(f.importance) ? f.importance / max : 0;
        byLevel[Math.min(HEAT_LEVELS - 1, Math.floor(share * HEAT_LEVELS))]!.push(range);
      }
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
