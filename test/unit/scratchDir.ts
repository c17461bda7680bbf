// A scratch folder in the temp folder that is removed when its test (or, without a test context,
// the test file) ends, whether it passed or not. The unit suite runs with a private TMPDIR and
// fails when anything is left in it (scripts/test.mjs).
import { after, type TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** `t`: the test whose end removes the folder; absent at a file's top level (removed after its last test). */
export function scratchDir(prefix: string, t?: TestContext): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  if (t) t.after(remove);
  else after(remove);
  return dir;
}
