// The "VS Code executable" given to @vscode/test-electron's runTests({vscodeExecutablePath}).
// runTests spawns it with VS Code's command line (--extensionDevelopmentPath=..., 
// --extensionTestsPath=..., a workspace folder, flags it adds itself); the shim turns that into a
// code-server workbench opened in headless chromium with the smoke-test-driver `payload`, so the
// mocha suite runs inside a real Node extension host. It forwards the host's console, writes the
// workbench logs to test-artifacts/ on failure, exits with the suite's exit code and kills the
// server's process group. Run through ./code (a sh wrapper that loads tsx).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import { launchChromium, locateRuntime, REPO_ROOT, startCodeServer, TEST_WORKSPACE } from './codeServer';

interface CommandLine { developmentPath: string; testsPath: string; folder: string }

function parseCommandLine(argv: string[]): CommandLine {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const developmentPath = value('extensionDevelopmentPath');
  const testsPath = value('extensionTestsPath');
  if (!developmentPath || !testsPath) {
    throw new Error('usage: code --extensionDevelopmentPath=DIR --extensionTestsPath=FILE [folder] (as runTests passes them)');
  }
  // Positional arguments are folders/files to open; VS Code takes the first folder.
  const folder = argv.find((a) => !a.startsWith('-')) ?? TEST_WORKSPACE;
  return { developmentPath: path.resolve(developmentPath), testsPath: path.resolve(testsPath), folder: path.resolve(folder) };
}

/** Workbench chatter of an offline code-server that says nothing about the suite. */
const NOISE = /open-vsx\.org|authentication provider|Creating a socket|connection token|reconnection-grace-time|AccountPolicyGate|AgentHost|\[Service Worker\]|Updating additional builtin|Creation of workbench contribution|^\s+at /;

const SUITE_TIMEOUT_MS = Number(process.env.SPATTEN_SUITE_TIMEOUT_MS ?? 10 * 60_000);

async function main(): Promise<number> {
  const cli = parseCommandLine(process.argv.slice(2));
  const { runtime, missing } = locateRuntime();
  if (!runtime) {
    console.error(`[shim] missing: ${missing.join('; ')}`);
    return 1;
  }
  const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'spatten-vscode-'));
  const verbose = process.env.SPATTEN_SHIM_VERBOSE === '1';
  const server = await startCodeServer({
    runtime, tmpDir,
    // runTests always asks for --disable-workspace-trust; the restricted-mode run asks otherwise
    // through the environment (extensionTestsEnv reaches the shim too).
    untrustedWorkspace: process.env.SPATTEN_WORKSPACE_TRUST === 'untrusted',
    log: (line) => { if (verbose) console.error(`[code-server] ${line}`); },
  });
  const context = await launchChromium(runtime, tmpDir);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => { finish = resolve; });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      // The host's console arguments, format string first (mocha's reporter uses %s / %d).
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!verbose && NOISE.test(text)) return;
      (type === 'error' || type === 'warn' ? console.error : console.log)(text);
    });
    await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
      if (code !== 0 && logs) saveWorkbenchLogs(logs);
      finish(code);
    });
    page.on('pageerror', (e) => { if (verbose) console.error(`[page] ${e.message}`); });
    const url = server.workbenchUrl(cli.folder, [
      ['extensionDevelopmentPath', server.remoteUri(cli.developmentPath)],
      ['extensionTestsPath', server.remoteUri(cli.testsPath)],
    ]);
    console.error(`[shim] VS Code (code-server) on port ${server.port}; suite ${path.relative(REPO_ROOT, cli.testsPath)}`);
    // A loaded shared machine can take over 30 s (playwright's default) to serve the workbench.
    await page.goto(url, { timeout: 180_000 });
    const timeout = new Promise<number>((resolve) => setTimeout(() => {
      console.error(`[shim] the suite did not finish within ${SUITE_TIMEOUT_MS / 1000} s`);
      resolve(124);
    }, SUITE_TIMEOUT_MS).unref());
    return await Promise.race([finished, timeout]);
  } finally {
    await context.close().catch(() => undefined);
    await server.stop();
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

function saveWorkbenchLogs(logs: { relativePath: string; contents: string }[]): void {
  const dir = path.join(REPO_ROOT, 'test-artifacts', 'vscode-logs');
  for (const log of logs) {
    const file = path.join(dir, log.relativePath.replace(/\.\.+/g, '_'));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, log.contents);
  }
  console.error(`[shim] workbench logs written to ${path.relative(REPO_ROOT, dir)}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[shim] ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    process.exit(1);
  },
);
