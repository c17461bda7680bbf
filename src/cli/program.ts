// What every `spatten-profile` program shares, whichever commands it was built with (main.ts: all
// of them; hardwareMain.ts: the cycle model's): the program itself (name, version, --verbose) and
// the run that maps its outcome to the exit code.
//
// Exit codes: 0 success, 2 usage error, 3 bad input (one line on stderr naming the file and what is
// wrong; --verbose adds the underlying detail), 1 anything else (a bug: the stack goes to stderr), 130 cancelled (Ctrl+C).
import { Command, CommanderError } from 'commander';
import { InputError, CancelledError } from '../engine/errors';
import { TOOL_VERSION } from '../engine/version';

/** The program with no command yet. */
export function newProgram(): Command {
  return new Command('spatten-profile')
    .description('Profile an ONNX transformer as the SpAtten accelerator (HPCA 2021) would run it.')
    .version(TOOL_VERSION)
    .option('--verbose', 'on an error, also print the underlying detail (e.g. onnxruntime\'s own message) on stderr')
    .showHelpAfterError()
    .exitOverride();
}

/** Run `program` on the command line `argv` (without node and the script); resolves to the exit code. */
export async function runProgram(program: Command, argv: string[]): Promise<number> {
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
