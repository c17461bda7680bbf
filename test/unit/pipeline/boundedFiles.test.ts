// The one reader of user files and the output-path check, on their own: what each refuses and why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../../src/engine/errors';
import { readBoundedFile, readBoundedFileSync, readTextFileSync } from '../../../src/engine/files/boundedRead';
import { readJsonObjectFile } from '../../../src/engine/files/jsonFile';
import { checkOutputFile, checkOutputFolder, makeOutputFolder } from '../../../src/engine/files/outputPath';
import { scratchDir } from '../scratchDir';

const dir = scratchDir('spatten-bounded-');
const kind = { label: 'test file', maxBytes: 16 };
const refused = (re: RegExp) => (e: unknown) => e instanceof InputError && re.test(e.message);

test('regular files within the cap are read whole; a BOM is stripped from text and JSON', async () => {
  const f = path.join(dir, 'ok.json');
  writeFileSync(f, '\uFEFF{"a": 1}');
  assert.equal(readTextFileSync(f, kind), '{"a": 1}');
  assert.deepEqual(readJsonObjectFile(f, kind), { a: 1 });
  assert.equal((await readBoundedFile(f, kind)).byteLength, 11);
});

test('refused: missing, over the cap, folders, devices, /proc files, non-objects', async () => {
  assert.throws(() => readBoundedFileSync(path.join(dir, 'none'), kind), refused(/none: test file not found/));
  assert.throws(() => readBoundedFileSync(path.join(dir, 'none'), kind, { notFound: 'custom' }), refused(/none: custom$/));
  const big = path.join(dir, 'big');
  writeFileSync(big, 'x'.repeat(17));
  assert.throws(() => readBoundedFileSync(big, kind), refused(/test file is 17 bytes, over the 16-byte limit/));
  await assert.rejects(readBoundedFile(big, kind), refused(/over the 16-byte limit/));
  assert.throws(() => readBoundedFileSync(dir, kind), refused(/not a regular file \(a directory\)/));
  if (process.platform === 'linux') {
    assert.throws(() => readBoundedFileSync('/dev/zero', kind), refused(/not a regular file \(a character device\)/));
    assert.throws(() => readBoundedFileSync('/proc/self/status', kind), refused(/not a regular file \(a \/proc pseudo-file\)/));
  }
  const arr = path.join(dir, 'arr.json');
  writeFileSync(arr, '[1]');
  assert.throws(() => readJsonObjectFile(arr, kind), refused(/must hold a JSON object/));
});

test('output paths: an existing folder, no /proc, /sys, /dev; a new folder only under an existing one', () => {
  assert.equal(checkOutputFile(path.join(dir, 'new.json')), path.join(dir, 'new.json'));
  assert.throws(() => checkOutputFile(path.join(dir, 'no', 'such', 'x.json')), refused(/the folder .* does not exist/));
  assert.throws(() => checkOutputFile(dir), refused(/not a regular file \(a directory\)/));
  if (process.platform === 'linux') {
    assert.throws(() => checkOutputFile('/dev/null'), refused(/cannot write under \/dev/));
    assert.throws(() => checkOutputFolder('/proc/x'), refused(/cannot write under \/proc/));
  }
  const sub = path.join(dir, 'csv');
  makeOutputFolder(sub);
  assert.ok(existsSync(sub));
  assert.throws(() => makeOutputFolder(path.join(dir, 'a', 'b')), refused(/does not exist/));
  mkdirSync(path.join(dir, 'a'));
  writeFileSync(path.join(dir, 'a', 'file'), '');
  assert.throws(() => checkOutputFolder(path.join(dir, 'a', 'file')), refused(/exists and is not a folder/));
});
