// `spatten-profile`: the engine headless. A thin front: parse flags (commander), call the engine,
// print a per-layer summary, write the requested exports. Progress goes to stderr (a bar on a TTY,
// plain lines otherwise) so stdout stays clean for `--json -`.
//
// Exit codes: 0 success, 2 usage error, 3 bad input (one line on stderr naming the file and what is
// wrong; --verbose adds the underlying detail), 1 anything else (a bug: the stack goes to stderr), 130 cancelled (Ctrl+C).
import { Command, CommanderError } from 'commander';
import { InputError, CancelledError } from '../engine/errors';
import { registerProfileCommand } from './profileCommand';
import { registerSweepCommand } from './sweepCommand';
import { registerConvertCommand } from './convertCommand';
import { registerDeriveFp16Command } from './deriveFp16Command';
import { registerSimulateCommand } from './simulateCommand';
import { registerAblateCommand } from './ablateCommand';
import { registerTuneCommand } from './tuneCommand';
import { TOOL_VERSION } from '../engine/version';
import { exitQuietlyOnClosedPipe, flushAndExit } from './flushAndExit';

export function buildProgram(): Command {
  const program = new Command('spatten-profile')
    .description('Profile an ONNX transformer as the SpAtten accelerator (HPCA 2021) would run it.')
    .version(TOOL_VERSION)
    .option('--verbose', 'on an error, also print the underlying detail (e.g. onnxruntime\'s own message) on stderr')
    .showHelpAfterError()
    .exitOverride();
  registerProfileCommand(program);
  registerSweepCommand(program);
  registerSimulateCommand(program);
  registerAblateCommand(program);
  registerTuneCommand(program);
  registerConvertCommand(program);
  registerDeriveFp16Command(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof InputError) {
      process.stderr.write(`spatten-profile: ${e.message}\n`);
      if (e.detail && program.opts<{ verbose?: boolean }>().verbose) process.stderr.write(`detail: ${e.detail}\n`);
      return 3;
    }
    if (e instanceof CancelledError) {
      process.stderr.write('spatten-profile: cancelled\n');
      return 130;
    }
    process.stderr.write(`spatten-profile: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

if (require.main === module) {
  exitQuietlyOnClosedPipe();
  void main(process.argv.slice(2)).then(flushAndExit);
}
