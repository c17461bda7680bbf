// Errors that reach a user. A bad model file, an unsupported graph, a malformed trace or policy is
// not a crash: it is an InputError that names the file (or setting) and what is wrong with it, so
// the CLI can print one line and exit 3, and the extension can show it and keep running.

export class InputError extends Error {
  /**
   * `where`: the file, node, layer or setting the problem was found in. `detail`: text for the log
   * only (e.g. onnxruntime's own message), never part of the one line a user sees.
   */
  constructor(
    readonly where: string,
    readonly what: string,
    readonly detail?: string,
  ) {
    super(`${where}: ${what}`);
    this.name = 'InputError';
  }
}

/** Thrown when the user cancels a run (progress notification, Ctrl+C, AbortSignal). */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
