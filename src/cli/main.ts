// `spatten-profile`: the engine headless. A thin front: parse flags (commander), call the engine,
// print a per-layer summary, write the requested exports. Progress goes to stderr (a bar on a TTY,
// plain lines otherwise) so stdout stays clean for `--json -`. Exit codes: program.ts.
//
// This is the program with every command (out/cliFull.js); bin.ts loads it for every command but
// the cycle model's, which hardwareMain.ts serves without the profile path's packages.
import type { Command } from 'commander';
import { registerProfileCommand } from './profileCommand';
import { registerSweepCommand } from './sweepCommand';
import { registerConvertCommand } from './convertCommand';
import { registerDeriveFp16Command } from './deriveFp16Command';
import { registerSimulateCommand } from './simulateCommand';
import { registerAblateCommand } from './ablateCommand';
import { registerTuneCommand } from './tuneCommand';
import { newProgram, runProgram } from './program';

export function buildProgram(): Command {
  const program = newProgram();
  registerProfileCommand(program);
  registerSweepCommand(program);
  registerSimulateCommand(program);
  registerAblateCommand(program);
  registerTuneCommand(program);
  registerConvertCommand(program);
  registerDeriveFp16Command(program);
  return program;
}

/** Run the command line `argv` (without node and the script); resolves to the exit code. */
export function runCli(argv: string[]): Promise<number> {
  return runProgram(buildProgram(), argv);
}
