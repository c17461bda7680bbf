// Where the profiler may write an export: a regular file (new or existing) in a folder that
// already exists, outside /proc, /sys and /dev. Nothing is created above the target: a typo in a
// path is an error naming it, not a tree of new folders, and a recursive mkdir into /proc (which
// spins forever in Node) is never attempted. Checked before a long profile starts, and again by
// the writer.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { nonRegularKind, systemRoot } from './specialPaths';

function realParent(target: string, given: string): string {
  const parent = path.dirname(target);
  let real: string;
  try {
    real = fs.realpathSync(parent);
  } catch {
    throw new InputError(given, `cannot write: the folder ${parent} does not exist`);
  }
  if (!fs.statSync(real).isDirectory()) throw new InputError(given, `cannot write: ${parent} is not a folder`);
  return real;
}

function refuseSystemPath(real: string, given: string): void {
  const root = systemRoot(real);
  if (root) throw new InputError(given, `cannot write under ${root}: give a path to a regular file`);
}

/** An output file's absolute path, or an InputError saying why it cannot be written. */
export function checkOutputFile(file: string): string {
  const abs = path.resolve(file);
  const target = path.join(realParent(abs, file), path.basename(abs));
  refuseSystemPath(target, file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(target);
  } catch {
    return abs; // a new file in an existing folder
  }
  refuseSystemPath(fs.realpathSync(target), file); // a symlink into /dev, /proc or /sys
  const kind = nonRegularKind(st);
  if (kind) throw new InputError(file, `cannot write: not a regular file (${kind})`);
  return abs;
}

/** An output folder: an existing folder, or a new one whose parent exists (created on write). */
export function checkOutputFolder(dir: string): string {
  const abs = path.resolve(dir);
  const target = path.join(realParent(abs, dir), path.basename(abs));
  refuseSystemPath(target, dir);
  if (!fs.existsSync(target)) return abs;
  const real = fs.realpathSync(target);
  refuseSystemPath(real, dir);
  if (!fs.statSync(real).isDirectory()) throw new InputError(dir, 'cannot write: exists and is not a folder');
  return abs;
}

/** Creates a folder checked by checkOutputFolder (its parent exists: never recursive). */
export function makeOutputFolder(dir: string): void {
  checkOutputFolder(dir);
  if (!fs.existsSync(dir)) fs.mkdirSync(dir);
}
