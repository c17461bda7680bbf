// Holds the profile sessions of this window: the latest (what Export Report exports and the panel
// shows) and, per document, the session whose tokens are anchored in it (hover, decorations).
// Keeps the `spatten.hasReport` context key in step (it gates Export Report in the palette).
import * as vscode from 'vscode';
import type { ProfileSession } from './profileSession';

export class ProfileStore implements vscode.Disposable {
  private latestSession: ProfileSession | undefined;
  private readonly byDocument = new Map<string, ProfileSession>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri | undefined>();
  /** Fires with the document whose anchored session changed, or undefined for the latest only. */
  readonly onDidChange = this.changed.event;
  private readonly listeners: vscode.Disposable[];

  constructor() {
    // An edit makes the token offsets stale; a closed document has nothing to decorate.
    this.listeners = [
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0) this.forget(e.document.uri);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      // Closing the last tab of a document does not close the document model at once (VS Code
      // disposes it later); the user closed it, so its decorations and hovers go now.
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
          if (uri && !this.isShownInTab(uri)) this.forget(uri);
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
    if (session.anchor) this.byDocument.set(session.anchor.uri.toString(), session);
    this.changed.fire(session.anchor?.uri);
  }

  /** The session anchored in this document, if it still describes the document's current text. */
  forDocument(document: vscode.TextDocument): ProfileSession | undefined {
    const session = this.byDocument.get(document.uri.toString());
    return session && session.anchor?.version === document.version ? session : undefined;
  }

  /** Drops the document's anchor (its text changed or it closed); the report itself stays. */
  forget(uri: vscode.Uri): void {
    if (this.byDocument.delete(uri.toString())) this.changed.fire(uri);
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
