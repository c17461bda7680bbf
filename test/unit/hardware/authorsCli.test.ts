// `simulate --timing authors` and `--authors-top-k` on the CLI (the model itself: authorsTiming.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Command } from 'commander';
import { registerSimulateCommand, type CommandIo } from '../../../src/cli/simulateCommand';

const small = path.resolve(__dirname, '../../../../shared/spatten-traces/gpt2-small-wikitext2-spatten.csv');

async function run(args: string[]): Promise<string> {
  let out = '';
  const io = { stdout: { write: (s: string) => (out += s) }, stderr: { isTTY: false, write: () => true } } as unknown as CommandIo;
  const program = new Command();
  program.exitOverride().configureOutput({ writeOut: (s) => (out += s), writeErr: () => undefined });
  registerSimulateCommand(program, io);
  await program.parseAsync(args, { from: 'user' });
  return out;
}

test('simulate --timing authors reports the four bert.cpp terms; intended top-k costs more', async () => {
  const asBuilt = JSON.parse(await run(['simulate', small, '--timing', 'authors', '--json', '-']));
  assert.equal(asBuilt.timing, 'authors');
  assert.deepEqual(Object.keys(asBuilt.layers[0].stages), ['dram', 'fill', 'drain', 'tokenTopK']);
  const sum = (l: { stages: Record<string, number> }): number => Object.values(l.stages).reduce((a, b) => a + b, 0);
  assert.ok(asBuilt.layers.every((l: { cycles: number; stages: Record<string, number> }) => l.cycles === sum(l)));
  const intended = JSON.parse(await run(['simulate', small, '--timing', 'authors', '--authors-top-k', 'intended', '--json', '-']));
  const topK = (r: { layers: { stages: Record<string, number> }[] }): number => r.layers.reduce((a, l) => a + l.stages.tokenTopK, 0);
  assert.ok(topK(intended) > 1.3 * topK(asBuilt), `${topK(intended)} vs ${topK(asBuilt)}`);
});

test('simulate --help names the authors timing and its top-k option', async () => {
  const program = new Command();
  let help = '';
  registerSimulateCommand(program);
  const cmd = program.commands.find((c) => c.name() === 'simulate') as Command;
  cmd.configureOutput({ writeOut: (s) => (help += s) });
  cmd.outputHelp();
  assert.match(help, /authors/);
  assert.match(help, /--authors-top-k/);
});
