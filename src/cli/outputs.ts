// Where the CLI's commands write: a file (checked by checkOutputFile: an existing folder, no
// /proc, /sys or /dev) or stdout for "-". Outputs are checked before a command does its work, so
// a typo in an export path fails in a second, not after a ten-minute profile.
import { writeFileSync } from 'node:fs';
import { InputError } from '../engine/errors';
import { checkOutputFile, checkOutputFolder } from '../engine/files/outputPath';

export interface OutputSink {
  write(s: string): unknown;
}

/** Refuses unwritable output paths up front ('-' and undefined are skipped). */
export function checkOutputs(files: (string | undefined)[], folder?: string): void {
  for (const f of files) if (f !== undefined && f !== '-') checkOutputFile(f);
  if (folder !== undefined) checkOutputFolder(folder);
}

/** Write text to a file, or to stdout for "-". */
export function writeOutput(target: string, text: string, stdout: OutputSink): void {
  if (target === '-') {
    stdout.write(text);
    return;
  }
  checkOutputFile(target);
  try {
    writeFileSync(target, text);
  } catch (e) {
    throw new InputError(target, `cannot write output (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
