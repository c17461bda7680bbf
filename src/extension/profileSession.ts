// What one finished profile run leaves behind: the request as run, the engine's result, and, when
// the text came from an open document, where in that document the profiled text sits (so hovers
// and decorations can map report tokens back onto the editor).
import type * as vscode from 'vscode';
import type { ProfileRequest, ProfileResult } from '../engine/profileRequest';

/** The profiled text's place in a document: UTF-16 offset of its first character and the version profiled. */
export interface DocumentAnchor {
  uri: vscode.Uri;
  offset: number;
  version: number;
}

/** Everything but the AbortSignal of a request: enough to run it again ("Profile Again"). */
export type ProfileSpec = Omit<ProfileRequest, 'signal'>;

export interface ProfileSession {
  spec: ProfileSpec;
  result: ProfileResult;
  /** Present when the input was (part of) an open text document. */
  anchor?: DocumentAnchor;
}

/** What the profile commands return (so programmatic callers and tests see the outcome). */
export type ProfileOutcome =
  | { status: 'done'; session: ProfileSession }
  | { status: 'cancelled' }
  | { status: 'failed'; message: string }
  | { status: 'skipped'; reason: string };
