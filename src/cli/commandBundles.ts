// Which CLI bundle serves a command line. The executable (bin.ts, out/cli.js) loads one of two:
// out/cliHardware.js (hardwareMain.ts) for the cycle model's commands, out/cliFull.js (main.ts)
// for everything else (the other commands, --help, --version, no command).

/** The commands the hardware bundle serves (hardwareMain.ts registers exactly these). */
export const HARDWARE_COMMANDS: readonly string[] = ['simulate', 'ablate'];

/** The bundle file (in out/) that serves the command line `argv` (without node and the script). */
export function bundleFor(argv: readonly string[]): 'cliHardware.js' | 'cliFull.js' {
  // The program's own options (--verbose, --help, --version) take no value, so the first word
  // that is not an option is the command.
  const command = argv.find((a) => !a.startsWith('-'));
  return command !== undefined && HARDWARE_COMMANDS.includes(command) ? 'cliHardware.js' : 'cliFull.js';
}
