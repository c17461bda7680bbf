// The packaged extension carries every bundle the build writes at the top of out/: the extension
// loads out/engineModules.js and starts out/profileWorker.js, tune starts out/tuneWorker.js and
// inlines out/tuneChart.js, and out/cli.js loads out/cliFull.js or out/cliHardware.js. A bundle
// left out of the VSIX works in every test run from the repository and fails only once installed
// (four of them were missing from .vscodeignore's list until this test).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../fixtures/generateFixture';

/** Bundle names of scripts/build.mjs's entry points that land at the top of out/ (not the test bundle). */
function builtBundles(): string[] {
  const build = fs.readFileSync(path.join(REPO_ROOT, 'scripts/build.mjs'), 'utf8');
  const names: string[] = [];
  for (const m of build.matchAll(/entryPoints: \{([^}]*)\}/g)) {
    for (const k of m[1].matchAll(/'?([\w/]+)'?\s*:/g)) if (!k[1].includes('/')) names.push(k[1]);
  }
  return names;
}

test('the VSIX file list holds every bundle the build writes (vsce ls)', () => {
  const bundles = builtBundles();
  assert.ok(bundles.length >= 8 && bundles.includes('extension') && bundles.includes('profileWorker'), `bundles read from build.mjs: ${bundles.join(', ')}`);
  const vsce = path.join(REPO_ROOT, 'node_modules', '.bin', 'vsce');
  const listed = new Set(execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').map((l) => l.trim()));
  const missing = bundles.filter((b) => !listed.has(`out/${b}.js`));
  assert.deepEqual(missing, [], `bundles the VSIX would not carry: ${missing.map((b) => `out/${b}.js`).join(', ')}`);
  assert.ok(![...listed].some((f) => f.endsWith('.js.map') || f.startsWith('out/test/')), 'no source maps or test bundles in the VSIX');
});
