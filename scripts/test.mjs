// The project's test command (`npm test`): unit tests, browser tests of the exported report, and the
// real-VS-Code tests (extension host + UI through code-server). Prints one closing line
// `N passed, N failed, N skipped` summed over all suites and exits non-zero if anything failed.
//
// A suite whose runtime is missing (chromium for the browser suite; the code-server runtime and
// chromium for the VS Code suite) is skipped at once with its reason, each of its test files (or
// parts) counted as skipped. Under CI=true a missing prerequisite is a failure instead:
// scripts/install-vscode-runtime.sh installs them (.ci/run calls it).
//
// The unit suite runs with a private temp folder (TMPDIR, TMP, TEMP; the CLI children it starts
// inherit it): anything left in it at the end is one failure, listed, since every test removes what
// it creates (test/unit/scratchDir.ts).
//
// Flags: --only unit|browser|vscode (repeatable), --skip-vscode.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === '--only' ? [args[i + 1]] : []));
const wants = (suite) => (only.length === 0 || only.includes(suite)) && !(suite === 'vscode' && args.includes('--skip-vscode'));

function testFiles(dir) {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true })
    .filter((f) => String(f).endsWith('.test.ts'))
    .map((f) => path.join(dir, String(f)))
    .sort();
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const outcomes = [];
const ci = process.env.CI === 'true' || process.env.CI === '1';
const chromiumPath = process.env.SPATTEN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * True when the suite can run. Otherwise counts it: `units` skipped with the reason (or, under
 * CI=true, one failure) and prints why.
 */
function prerequisitesMet(name, missing, units) {
  if (missing.length === 0) return true;
  const reason = `missing ${missing.join(' and ')}`;
  if (ci) {
    console.error(`[test] ${name}: FAIL (CI=true): ${reason}`);
    totals.failed += 1;
    outcomes.push(`${name}: 0 passed, 1 failed, 0 skipped (${reason}; CI=true)`);
  } else {
    console.error(`[test] ${name}: skipped: ${reason}`);
    totals.skipped += units;
    outcomes.push(`${name}: 0 passed, 0 failed, ${units} skipped (${reason})`);
  }
  return false;
}

/** tsx's compile cache, <temp>/tsx-<euid>: a private temp folder links to the usual one, so it is kept between runs. */
const TSX_CACHE = `tsx-${process.geteuid ? process.geteuid() : os.userInfo().username}`;

/**
 * Runs `run(env)` with TMPDIR (and TMP, TEMP) pointing at a new folder that holds only the link to
 * tsx's cache; anything else left in it afterwards is counted as one failure of `name` and listed.
 * The folder is removed either way (the link, not the cache).
 */
function withPrivateTmp(name, run) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), `spatten-${name}-tmp-`));
  try {
    const cache = path.join(os.tmpdir(), TSX_CACHE);
    mkdirSync(cache, { recursive: true });
    symlinkSync(cache, path.join(tmp, TSX_CACHE), 'dir');
    run({ ...process.env, TMPDIR: tmp, TMP: tmp, TEMP: tmp });
    const left = readdirSync(tmp).filter((f) => f !== TSX_CACHE);
    if (left.length > 0) {
      const shown = left.slice(0, 20).join(', ') + (left.length > 20 ? `, ... (${left.length} in all)` : '');
      console.error(`[test] ${name}: FAIL: the tests left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in their temp folder: ${shown}`);
      totals.failed += 1;
      outcomes.push(`${name}: left files in its temp folder (1 failure): ${shown}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Runs node's test runner on files; TAP goes to a file we count from, spec to the console. */
function runNodeTests(name, files, { concurrency = 2, env = process.env } = {}) {
  if (files.length === 0) {
    console.error(`[test] ${name}: no test files`);
    totals.failed += 1;
    outcomes.push(`${name}: no test files (counted as a failure)`);
    return;
  }
  mkdirSync(path.join(root, '.test-cache'), { recursive: true });
  const tap = path.join(root, '.test-cache', `${name}.tap`);
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...files],
    { cwd: root, stdio: 'inherit', env },
  );
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (key) => Number((text.match(new RegExp(`^# ${key} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  const passed = count('pass'), failed = count('fail') + count('cancelled'), skipped = count('skipped');
  // A crashed runner with no summary is a failure even if it counted nothing.
  const crashed = r.status !== 0 && failed === 0;
  totals.passed += passed; totals.failed += failed + (crashed ? 1 : 0); totals.skipped += skipped;
  outcomes.push(`${name}: ${passed} passed, ${failed + (crashed ? 1 : 0)} failed, ${skipped} skipped`);
}

if (wants('unit') || wants('browser') || wants('vscode')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) { console.log('0 passed, 1 failed, 0 skipped'); process.exit(1); }
}
if (wants('unit')) withPrivateTmp('unit', (env) => runNodeTests('unit', testFiles('test/unit'), { env }));
if (wants('browser')) {
  const files = testFiles('test/browser');
  if (prerequisitesMet('browser', existsSync(chromiumPath) ? [] : [`chromium (${chromiumPath})`], files.length)) runNodeTests('browser', files, { concurrency: 1 });
}
if (wants('vscode')) {
  // The harness checks its own prerequisites (and skips or fails the same way) and prints
  // `vscode: N passed, N failed, N skipped`; we read it back.
  const r = spawnSync(process.execPath, ['scripts/run-vscode-tests.mjs'], { cwd: root, encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(r.stdout ?? '');
  const m = /^vscode: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m.exec(r.stdout ?? '');
  const passed = m ? Number(m[1]) : 0;
  const failed = m ? Number(m[2]) + (r.status !== 0 && Number(m[2]) === 0 ? 1 : 0) : 1;
  const skipped = m ? Number(m[3] ?? 0) : 0;
  totals.passed += passed; totals.failed += failed; totals.skipped += skipped;
  outcomes.push(`vscode: ${passed} passed, ${failed} failed, ${skipped} skipped${m ? '' : ' (harness printed no summary)'}`);
}

console.log('\n' + outcomes.map((o) => `  ${o}`).join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
