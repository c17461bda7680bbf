// How a failed run reaches the user: the exact reason (an InputError names the file or setting and
// what is wrong) with a "Show Log" button; the full stack and any detail (onnxruntime's own
// message) go to the log. Never rethrows: the
// extension host keeps running whatever the input was.
import * as vscode from 'vscode';
import { CancelledError, InputError } from '../engine/errors';

export function isCancellation(error: unknown): boolean {
  return error instanceof CancelledError || (error instanceof Error && error.name === 'CancelledError');
}

/** The message shown for an error: InputError's own text, otherwise the error's message. */
export function userMessage(error: unknown): string {
  if (error instanceof InputError) return error.message;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export async function reportError(log: vscode.LogOutputChannel, action: string, error: unknown): Promise<string> {
  const message = userMessage(error);
  if (error instanceof Error) log.error(`${action} failed: ${error.stack ?? message}`);
  // InputError's detail (onnxruntime's text) and a crashed worker's stderr: for the log only.
  const detail = error instanceof Error ? (error as { detail?: unknown }).detail : undefined;
  if (typeof detail === 'string' && detail) log.error(`detail: ${detail}`);
  else log.error(`${action} failed: ${message}`);
  const expected = error instanceof InputError || (error instanceof Error && error.name === 'InputError');
  const shown = expected ? `SpAtten: ${message}` : `SpAtten: ${action} failed unexpectedly: ${message}`;
  void vscode.window.showErrorMessage(shown, 'Show Log').then((choice) => {
    if (choice === 'Show Log') log.show(true);
  });
  return message;
}
