// Input files as the CLI and the extension read them: .txt whole or by line, .jsonl with optional
// gold labels; every problem names the file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readInputFile } from '../../../src/engine/inputFiles';
import { InputError } from '../../../src/engine/errors';
import { resolveGoldLabels } from '../../../src/engine/model/classLabels';
import { scratchDir } from '../scratchDir';

const dir = scratchDir('spatten-inputs-');
const file = (name: string, content: string | Buffer) => {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
};

test('.txt: the whole file, or one input per non-empty line', async () => {
  const f = file('a.txt', 'first line\n\nsecond line\r\n');
  assert.deepEqual(await readInputFile(f), { texts: ['first line\n\nsecond line\r\n'] });
  assert.deepEqual(await readInputFile(f, 'lines'), { texts: ['first line', 'second line'] });
});

test('.jsonl: strings or {text, label}; labels on every line or none', async () => {
  assert.deepEqual(await readInputFile(file('b.jsonl', '"plain"\n{"text": "x y", "extra": 1}\n')), { texts: ['plain', 'x y'] });
  assert.deepEqual(await readInputFile(file('c.jsonl', '{"text": "good", "label": 1}\n{"text": "bad", "label": "negative"}\n')), { texts: ['good', 'bad'], labels: [1, 'negative'] });
  await assert.rejects(readInputFile(file('d.jsonl', '{"text": "a", "label": 0}\n{"text": "b"}\n')), (e) => e instanceof InputError && /1 of 2 lines have a "label"/.test(e.message));
  await assert.rejects(readInputFile(file('e.jsonl', '{"text": "a"}\n{oops\n')), (e) => e instanceof InputError && /e\.jsonl:2/.test(e.message));
  await assert.rejects(readInputFile(file('f.jsonl', '{"text": "a", "label": -1}\n')), (e) => e instanceof InputError && /class index/.test(e.message));
});

test('empty, binary and missing files are InputErrors naming the file', async () => {
  await assert.rejects(readInputFile(file('g.txt', '  \n')), (e) => e instanceof InputError && /g\.txt.*empty/.test(e.message));
  await assert.rejects(readInputFile(file('h.txt', Buffer.from([0x41, 0, 0x42]))), (e) => e instanceof InputError && /binary/.test(e.message));
  await assert.rejects(readInputFile(path.join(dir, 'none.txt')), (e) => e instanceof InputError && /none\.txt/.test(e.message));
});

test('gold labels resolve by index or by id2label name', () => {
  assert.deepEqual(resolveGoldLabels([1, 'neg', 0], ['neg', 'pos'], 2, 'labels'), [1, 0, 0]);
  assert.throws(() => resolveGoldLabels(['neutral'], ['neg', 'pos'], 2, 'labels'), /not one of the model's classes \(neg, pos\)/);
  assert.throws(() => resolveGoldLabels([2], null, 2, 'labels'), /outside the model's 2 classes/);
  assert.throws(() => resolveGoldLabels(['pos'], null, 2, 'labels'), /no config.json id2label/);
});
