// The simulate and ablate commands, registered on a fresh commander program as the CLI's main does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { InputError } from '../../../src/engine/errors';
import { registerAblateCommand } from '../../../src/cli/ablateCommand';
import { registerSimulateCommand, type CommandIo } from '../../../src/cli/simulateCommand';
import { scratchDir } from '../scratchDir';

const TRACES = path.resolve(__dirname, '../../../../shared/spatten-traces');
const small = path.join(TRACES, 'gpt2-small-wikitext2-spatten.csv');
const smallDense = path.join(TRACES, 'gpt2-small-wikitext2-dense.csv');

async function run(args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  // stderr is not a TTY here, so no progress bar is drawn.
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { isTTY: false, write: (s: string) => ((err += s), true) } } as unknown as CommandIo;
  const program = new Command();
  program.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerSimulateCommand(program, io);
  registerAblateCommand(program, io);
  await program.parseAsync(args, { from: 'user' });
  return { out, err };
}

test('simulate --json - prints the documented numbers', async () => {
  const { out } = await run(['simulate', small, '--json', '-']);
  const r = JSON.parse(out);
  for (const k of ['totalCycles', 'dramBytes', 'denseDramBytes', 'energyJoules']) assert.equal(typeof r[k], 'number', k);
  assert.equal(r.layers.length, 12);
  assert.ok(r.layers.every((l: { cycles: number }) => l.cycles > 0));
  assert.equal(r.totalCycles, r.layers.reduce((a: number, l: { cycles: number }) => a + l.cycles, 0));
  // K+V traffic ~28x below dense fp32 on this trace (REFERENCE.md, derived from the same trace).
  assert.ok(r.dramReductionVsDense > 25 && r.dramReductionVsDense < 32, String(r.dramReductionVsDense));
  assert.ok(r.dramReductionVs8bitDense > 6 && r.dramReductionVs8bitDense < 8);
  assert.equal(typeof r.units.totalCycles, 'string');
  assert.ok(r.baselines.some((b: { platform: string }) => b.platform === 'NVIDIA TITAN Xp'));
});

test('simulate prints a per-layer table and a summary', async () => {
  const { out } = await run(['simulate', small, '--timing', 'additive', '--hardware', 'spatten-1/8']);
  assert.match(out, /^layer\s+cycles\s+dense cycles/);
  assert.match(out, /hardware spatten-1\/8, additive timing/);
  assert.match(out, /DRAM red\.\s+\d+\.\d+x vs dense fp32, \d+\.\d+x vs dense 8-bit/);
  assert.match(out, /TFLOPS/);
});

test('simulate --perfetto writes a Chrome trace with one track per unit and no overlaps', async (ctx) => {
  const dir = scratchDir('sim-', ctx);
  const f = path.join(dir, 't.json');
  const csv = path.join(dir, 'w.csv');
  // The first two layer steps of the small trace keep the test fast.
  writeFileSync(csv, readFileSync(small, 'utf8').split('\n').slice(0, 25).join('\n') + '\n');
  await run(['simulate', csv, '--perfetto', f, '--json', path.join(dir, 'r.json')]);
  const t = JSON.parse(readFileSync(f, 'utf8'));
  const names = t.traceEvents.filter((e: { name: string }) => e.name === 'thread_name').map((e: { args: { name: string } }) => e.args.name);
  assert.deepEqual(names, ['DRAM', 'Q x K', 'Softmax', 'Top-k', 'Prob x V']);
  const x = t.traceEvents.filter((e: { ph: string }) => e.ph === 'X');
  assert.ok(x.length > 50);
  for (let tid = 1; tid <= 5; tid++) {
    const on = x.filter((e: { tid: number }) => e.tid === tid).sort((a: { ts: number }, b: { ts: number }) => a.ts - b.ts);
    for (let i = 1; i < on.length; i++) assert.ok(on[i].ts >= on[i - 1].ts + on[i - 1].dur - 1e-9);
  }
  assert.ok(t.traceEvents.some((e: { ph: string }) => e.ph === 'C'));
});

test('bad input: a malformed CSV row is an InputError naming file and line', async (t) => {
  const dir = scratchDir('sim-', t);
  const csv = path.join(dir, 'bad.csv');
  const lines = readFileSync(small, 'utf8').split('\n').slice(0, 5);
  lines[3] = lines[3].replace('True', 'Yes');
  writeFileSync(csv, lines.join('\n') + '\n');
  await assert.rejects(run(['simulate', csv]), (e: unknown) => e instanceof InputError && e.where === `${csv}:4`);
  await assert.rejects(run(['simulate', csv, '--hardware', path.join(dir, 'none.json')]), InputError);
});

test('usage errors are commander errors', async () => {
  await assert.rejects(run(['simulate', small, '--dense-bits', 'many']), (e: unknown) => e instanceof CommanderError && e.code === 'commander.invalidArgument');
  await assert.rejects(run(['simulate', small, '--timing', 'fast']), (e: unknown) => e instanceof CommanderError && e.code === 'commander.invalidArgument');
  await assert.rejects(run(['simulate']), (e: unknown) => e instanceof CommanderError && e.code === 'commander.missingArgument');
  await assert.rejects(run(['simulate', small, '--json', '-', '--perfetto', '-']), (e: unknown) => e instanceof CommanderError && e.exitCode === 2);
  await assert.rejects(run(['ablate']), (e: unknown) => e instanceof CommanderError && e.exitCode === 2);
});

test('ablate reproduces the shape of the breakdown on the GPT-2-small pair', async () => {
  const { out } = await run(['ablate', '--policy-traces', `${smallDense},${small}`, '--json', '-']);
  const s = JSON.parse(out).steps as { name: string; speedupOverPrevious: number }[];
  assert.deepEqual(s.map((x) => x.name), ['TITAN Xp (roofline)', 'datapath', '+ pruning, slow top-k', '+ top-k engine', '+ progressive quantization']);
  assert.ok(s[2].speedupOverPrevious < 1.5, 'pruning without a fast top-k gains little');
  assert.ok(s[3].speedupOverPrevious > 2, 'the top-k engine unlocks pruning');
  assert.ok(s[4].speedupOverPrevious > 1, 'quantization helps');
});
