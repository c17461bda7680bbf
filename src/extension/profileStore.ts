// Holds the profile sessions of this window: the latest (what Export Report exports and the panel
// shows) and, per document, the tokens of the run anchored in it (hover, decorations). The
// anchored tokens are kept in workspaceState too, so after a window reload the hovers and
// decorations come back with the restored report (once the document's text is checked unchanged).
// Keeps the `spatten.hasReport` context key in step (it gates Export Report in the palette).
import * as vscode from 'vscode';
import { documentTokens, isDocumentTokens, matchesDocument, type DocumentTokens } from './documentTokens';
import type { ProfileSession } from './profileSession';

/** workspaceState key of the anchored tokens. */
const PERSIST_KEY = 'spatten.documentTokens';
/** Documents whose anchored tokens are persisted (most recent first) and the tokens kept in all. */
const PERSIST_DOCUMENTS = 8;
const PERSIST_TOKENS = 50_000;

export class ProfileStore implements vscode.Disposable {
  private latestSession: ProfileSession | undefined;
  private readonly byDocument = new Map<string, DocumentTokens>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires with the document whose anchored session changed, or undefined for the latest only. */
  readonly onDidChange = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor(private readonly memento?: vscode.Memento) {
    const saved = memento?.get<unknown[]>(PERSIST_KEY) ?? [];
    // Restored entries carry no version: matchesDocument checks the text before they are used.
    for (const d of Array.isArray(saved) ? saved : []) {
      if (isDocumentTokens(d)) this.byDocument.set(d.uri, { ...d, version: undefined });
    }
    // An edit makes the token offsets stale: they go, here and in workspaceState. A closed
    // document has nothing to decorate: it is released (re-checked by its text if reopened).
    this.listeners = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.forget(e.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.release(d.uri)),
      // Closing the last tab of a document does not close the document model at once (VS Code
      // disposes it later); the user closed it, so its decorations and hovers go now.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
          if (uri && !this.isShownInTab(uri)) this.release(uri);
        }
      }),
    ];
  }

  get latest(): ProfileSession | undefined {
    return this.latestSession;
  }

  add(session: ProfileSession): void {
    this.latestSession = session;
    void vscode.commands.executeCommand('setContext', 'spatten.hasReport', true);
    if (session.anchor) {
      const key = session.anchor.uri.toString();
      // Re-inserted so the map's order is most recent last.
      this.byDocument.delete(key);
      this.byDocument.set(key, documentTokens(session.result.report, session.anchor));
      this.persist();
    }
    this.changed.fire(session.anchor?.uri);
  }

  /** The tokens anchored in this document, if they still describe the document's current text. */
  forDocument(document: vscode.TextDocument): DocumentTokens | undefined {
    const d = this.byDocument.get(document.uri.toString());
    return d && matchesDocument(d, document) ? d : undefined;
  }

  /** Drops the document's anchor (its text changed or it closed); the report itself stays. */
  forget(uri: vscode.Uri): void {
    if (this.byDocument.delete(uri.toString())) {
      this.persist();
      this.changed.fire(uri);
    }
  }

  /** The document closed: its tokens stay (persisted) but must match its text again when reopened. */
  release(uri: vscode.Uri): void {
    const d = this.byDocument.get(uri.toString());
    if (!d || d.version === undefined) return;
    d.version = undefined;
    this.changed.fire(uri);
  }

  private persist(): void {
    if (!this.memento) return;
    const kept: DocumentTokens[] = [];
    let tokens = 0;
    for (const d of [...this.byDocument.values()].reverse()) {
      if (kept.length >= PERSIST_DOCUMENTS || tokens + d.facts.length > PERSIST_TOKENS) break;
      kept.push(d);
      tokens += d.facts.length;
    }
    void this.memento.update(PERSIST_KEY, kept);
  }

  private isShownInTab(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.changed.dispose();
  }
}
