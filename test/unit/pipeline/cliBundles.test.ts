// The executable's split (commandBundles.ts): out/cli.js sends simulate and ablate to the small
// hardware bundle and everything else to the full one. The split must not change what a command
// does: the hardware program registers the same commands, options and arguments as the full one,
// and a simulate through out/cli.js writes the same JSON as the full program run in this process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { bundleFor, HARDWARE_COMMANDS } from '../../../src/cli/commandBundles';
import { buildHardwareProgram } from '../../../src/cli/hardwareMain';
import { buildProgram } from '../../../src/cli/main';
import { runProgram } from '../../../src/cli/program';
import { REPO_ROOT } from '../model/stories260kModel';
import { scratchDir } from '../scratchDir';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');
const TRACE = path.resolve(REPO_ROOT, '../shared/spatten-traces/gpt2-small-wikitext2-spatten.csv');

test('bundleFor: the command (the first word that is not an option) picks the bundle', () => {
  assert.equal(bundleFor(['simulate', 'x.csv', '--json', '-']), 'cliHardware.js');
  assert.equal(bundleFor(['--verbose', 'ablate', 'a.csv', 'b.csv']), 'cliHardware.js');
  assert.equal(bundleFor(['profile', 'simulate.onnx']), 'cliFull.js');
  assert.equal(bundleFor(['--version']), 'cliFull.js');
  assert.equal(bundleFor(['--help']), 'cliFull.js');
  assert.equal(bundleFor([]), 'cliFull.js');
  assert.equal(bundleFor(['help', 'simulate']), 'cliFull.js');
});

/** A command as a user meets it: its arguments, options (flags, default, choices) and description. */
function shape(cmd: Command): unknown {
  return {
    description: cmd.description(),
    arguments: cmd.registeredArguments.map((a) => [a.name(), a.required, a.description]),
    options: cmd.options.map((o) => [o.flags, o.defaultValue, o.argChoices, o.description]),
  };
}

test('the hardware program has the full program\'s options and exactly the hardware commands, each as the full program has it', () => {
  const full = buildProgram();
  const hardware = buildHardwareProgram();
  assert.deepEqual(shape(hardware), shape(full));
  assert.equal(hardware.version(), full.version());
  assert.deepEqual(hardware.commands.map((c) => c.name()), [...HARDWARE_COMMANDS]);
  for (const cmd of hardware.commands) {
    const same = full.commands.find((c) => c.name() === cmd.name());
    assert.ok(same, `${cmd.name()} is a command of the full program`);
    assert.deepEqual(shape(cmd), shape(same));
  }
});

test('simulate through out/cli.js (the hardware bundle) writes the JSON the full program writes', { skip: !existsSync(CLI) && 'out/cli.js missing (npm run build)' }, async (t) => {
  const dir = scratchDir('spatten-cli-bundles-', t);
  const viaBin = path.join(dir, 'bin.json');
  const inProcess = path.join(dir, 'full.json');
  const args = ['simulate', TRACE, '--timing', 'additive', '--json'];
  const r = spawnSync(process.execPath, [CLI, '--verbose', ...args, viaBin], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(await runProgram(buildProgram(), [...args, inProcess]), 0);
  assert.ok(readFileSync(viaBin).equals(readFileSync(inProcess)));
  // Bad input through the hardware bundle: exit 3, one line naming the file.
  const bad = spawnSync(process.execPath, [CLI, 'simulate', path.join(dir, 'missing.csv')], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(bad.status, 3, bad.stderr);
  assert.match(bad.stderr.trim(), /^spatten-profile: .*missing\.csv/);
});
