// The CLI as a user runs it (the built out/cli.js in a child process): exit codes 0 / 2 / 3, one
// clear line on stderr for bad input, clean JSON on stdout with `--json -`, and the exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { convertStories260K, REPO_ROOT } from '../model/stories260kModel';
import { scratchDir } from '../scratchDir';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const TRACES = path.resolve(REPO_ROOT, '../shared/spatten-traces');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: REPO_ROOT, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI bundle exists (npm test builds it first)', () => {
  assert.ok(existsSync(CLI), `${CLI} missing: run npm run build`);
});

test('usage errors exit 2, --help exits 0', () => {
  assert.equal(cli('profile').code, 2);
  assert.equal(cli('no-such-command').code, 2);
  assert.equal(cli('sweep', 'm.onnx', '--text', 'x', '--keep', '1.5').code, 2);
  const help = cli('profile', '--help');
  assert.equal(help.code, 0);
  for (const flag of ['--text-file', '--batch-file', '--policy', '--hardware', '--json', '--html', '--csv', '--workload-csv', '--perfetto']) assert.ok(help.stdout.includes(flag), flag);
});

test('bad input exits 3 with one line naming the file', (t) => {
  const dir = scratchDir('spatten-cli-', t);
  const png = path.join(dir, 'picture.onnx');
  writeFileSync(png, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
  const r = cli('profile', png, '--text', 'hello');
  assert.equal(r.code, 3, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('[spatten]'));
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /picture\.onnx.*PNG/);
  const csv = path.join(dir, 'bad.csv');
  writeFileSync(csv, 'iteration_id,layer_id\n0,zero\n');
  const s = cli('simulate', csv);
  assert.equal(s.code, 3);
  assert.match(s.stderr, /bad\.csv/);
});

test('simulate --json - prints the documented numbers', () => {
  const r = cli('simulate', path.join(TRACES, 'gpt2-small-wikitext2-spatten.csv'), '--json', '-');
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of ['totalCycles', 'dramBytes', 'denseDramBytes', 'energyJoules']) assert.equal(typeof j[k], 'number', k);
  assert.equal(j.layers.length, 12);
  assert.ok(j.layers.every((l: { cycles: number }) => l.cycles > 0));
  assert.ok(j.denseDramBytes > j.dramBytes);
});

test('profile on stories260K writes every export', async (t) => {
  const { onnxPath } = await convertStories260K();
  const dir = scratchDir('spatten-cli-', t);
  const r = cli('profile', onnxPath, '--text', 'Once upon a time, there was a little dog.', '--generate', '4',
    '--json', path.join(dir, 'r.json'), '--html', path.join(dir, 'r.html'), '--csv', path.join(dir, 'csv'),
    '--workload-csv', path.join(dir, 'w.csv'), '--perfetto', path.join(dir, 'p.json'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /layer\s+tokens in->kept/);
  const report = JSON.parse(readFileSync(path.join(dir, 'r.json'), 'utf8'));
  assert.equal(report.version, 2);
  const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
  assert.ok(!/(src|href)\s*=\s*["']https?:/i.test(html), 'no external resources');
  assert.match(readFileSync(path.join(dir, 'csv', 'per-layer.csv'), 'utf8'), /^layer,/);
  assert.ok(readFileSync(path.join(dir, 'csv', 'per-head.csv'), 'utf8').split('\n').length > 40);
  const w = readFileSync(path.join(dir, 'w.csv'), 'utf8').trim().split('\n');
  assert.equal(w[0].split(',')[0], 'iteration_id');
  // The prompt pass yields the first generated token, each decode step one more: 1 + 3 passes.
  assert.equal(w.length - 1, report.layers.length * 8 * 4, '4 passes (prompt + 3 decode steps) x 5 layers x 8 heads');
  const perfetto = JSON.parse(readFileSync(path.join(dir, 'p.json'), 'utf8'));
  assert.ok(perfetto.traceEvents.some((e: { ph: string }) => e.ph === 'X'));
});

test('sweep: one row per keep fraction, K/L follows the keep, perplexity delta with a 95% CI over a batch', async (t) => {
  const { onnxPath } = await convertStories260K();
  const dir = scratchDir('spatten-cli-', t);
  const batch = path.join(dir, 'batch.txt');
  writeFileSync(batch, 'Once upon a time, there was a little dog named Max.\nThe sun was warm and the birds were singing in the tall tree.\n');
  const r = cli('sweep', onnxPath, '--batch-file', batch, '--keep', '1,0.5', '--json', '-');
  assert.equal(r.code, 0, r.stderr);
  const rows = JSON.parse(r.stdout);
  assert.deepEqual(rows.map((x: { keep: number }) => x.keep), [1, 0.5]);
  assert.equal(rows[0].keysFetchedFraction, 1, 'keep 1: token pruning off');
  assert.ok(rows[1].keysFetchedFraction < rows[0].keysFetchedFraction);
  assert.ok(rows[1].dramReduction > rows[0].dramReduction);
  for (const x of rows) {
    assert.equal(x.metricName, 'perplexity delta');
    assert.equal(x.metricUnit, 'perplexity');
    assert.equal(x.metricInputs, 2, 'the interval is over the two inputs of the batch');
    assert.ok(x.metricLow <= x.metric && x.metric <= x.metricHigh, JSON.stringify(x));
  }
});
