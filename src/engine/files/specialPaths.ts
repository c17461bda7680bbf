// Linux pseudo-filesystems: /proc and /sys files report a size (often 0) unrelated to what reading
// yields, and writing them (or into /dev) changes the kernel's state. No input of the profiler
// lives in /proc or /sys, and no output goes to any of the three.
import type { Stats } from 'node:fs';
import * as path from 'node:path';

/** The root ('/proc', '/sys', '/dev') a resolved path lies under, or null (always null on Windows). */
export function systemRoot(realPath: string, roots: readonly string[] = ['/proc', '/sys', '/dev']): string | null {
  if (process.platform === 'win32') return null;
  const p = path.posix.normalize(realPath);
  return roots.find((root) => p === root || p.startsWith(`${root}/`)) ?? null;
}

/** Inputs: /dev is left to fstat, which names what the file is (a character device, a FIFO...). */
export function pseudoFileRoot(realPath: string): string | null {
  return systemRoot(realPath, ['/proc', '/sys']);
}

/** What a file that is not a regular file is ('a directory', 'a FIFO', ...), or null for a regular file. */
export function nonRegularKind(st: Stats): string | null {
  if (st.isFile()) return null;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'a special file';
}
