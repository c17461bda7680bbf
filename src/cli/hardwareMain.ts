// `spatten-profile simulate` and `ablate` (out/cliHardware.js): the program with only the cycle
// model's commands, so they start without loading (or even parsing) the profile path's code and
// packages (onnxruntime-node, protobufjs, tokenizers, ...). It registers commandBundles.ts's
// HARDWARE_COMMANDS, the ones bin.ts sends here.
import type { Command } from 'commander';
import { registerSimulateCommand } from './simulateCommand';
import { registerAblateCommand } from './ablateCommand';
import { newProgram, runProgram } from './program';

export function buildHardwareProgram(): Command {
  const program = newProgram();
  registerSimulateCommand(program);
  registerAblateCommand(program);
  return program;
}

/** Run the command line `argv` (without node and the script); resolves to the exit code. */
export function runCli(argv: string[]): Promise<number> {
  return runProgram(buildHardwareProgram(), argv);
}
