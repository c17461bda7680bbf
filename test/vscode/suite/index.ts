// Entry of the extension-host test suite (bundled by scripts/build.mjs to out/test/suite/index.js
// and loaded by VS Code through --extensionTestsPath). Runs mocha (tdd UI) inside the extension
// host; the test files are bundled in and evaluated after mocha's globals exist. Writes the pass
// and fail counts to $SPATTEN_SUITE_RESULT for scripts/run-vscode-tests.mjs.
import { writeFileSync } from 'node:fs';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000, reporter: 'spec' });
  // What `mocha.addFile` would do before requiring each file: install suite/test/setup globals.
  mocha.suite.emit('pre-require', globalThis, 'spatten-extension-suite', mocha);
  const grep = process.env.SPATTEN_SUITE_GREP;
  if (grep) mocha.grep(grep);
  if (process.env.SPATTEN_WORKSPACE_TRUST === 'untrusted') {
    // A second VS Code run with the test workspace in restricted mode.
    await import('./untrustedWorkspace.test.js');
  } else {
    // Order matters: activation checks run before anything loads the engine.
    await import('./activation.test.js');
    await import('./profile.test.js');
    await import('./hoverDecorations.test.js');
    await import('./export.test.js');
    await import('./badInput.test.js');
    await import('./cancel.test.js');
    await import('./worker.test.js');
    await import('./soak.test.js');
    await import('./determinismFiles.test.js');
    await import('./modelEditor.test.js');
    await import('./tune.test.js');
  }
  const counts = { passed: 0, failed: 0 };
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', () => { counts.passed += 1; });
    runner.on('fail', () => { counts.failed += 1; });
  });
  const resultFile = process.env.SPATTEN_SUITE_RESULT;
  if (resultFile) writeFileSync(resultFile, JSON.stringify(counts));
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
