// The `spatten-profile` executable (out/cli.js): loads the bundle that serves the command line
// (commandBundles.ts) and runs it. Node parses a whole bundle before running a line of it, and
// the full one (every command: onnxruntime-node's loader, protobufjs, tokenizers, ajv) cost a
// `simulate` more start-up than it needs. A plain require of a path esbuild cannot follow keeps
// both bundles out of this one.
import * as path from 'node:path';
import { bundleFor } from './commandBundles';
import { exitQuietlyOnClosedPipe, flushAndExit } from './flushAndExit';

/** What each bundle exports (the bundles are built from these modules). */
type CliBundle = typeof import('./main') | typeof import('./hardwareMain');

if (require.main === module) {
  const argv = process.argv.slice(2);
  exitQuietlyOnClosedPipe();
  // The bundles sit beside this one in out/.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path, on purpose (see above)
  const cli = require(path.join(__dirname, bundleFor(argv))) as CliBundle;
  void cli.runCli(argv).then(flushAndExit);
}
