// Ending the CLI without losing output. stdout into a pipe is asynchronous in Node: process.exit()
// right after a large write drops whatever the pipe has not taken yet (a `--json - | jq` got cut
// at 64 KiB). So the exit waits until both streams have handed every byte to the OS. A reader that
// goes away early (`| head -c 100`) is not an error of ours: EPIPE ends the process quietly.

type Stream = NodeJS.WriteStream;

/** Resolves when everything written to `stream` so far is flushed, or the stream is gone. */
export function flushed(stream: Stream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) return resolve();
    stream.once('error', () => resolve());
    // Writes complete in order: the callback of an empty write runs after all earlier ones.
    stream.write('', () => resolve());
  });
}

/** Exits quietly when the reader of stdout closes the pipe (instead of an unhandled EPIPE). */
export function exitQuietlyOnClosedPipe(stream: Stream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** process.exit(code) once stdout and stderr are flushed. */
export async function flushAndExit(code: number): Promise<never> {
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}
