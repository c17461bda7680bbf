// The short crosscheck against the authors' bert.cpp (scripts/crosscheck.ts --short): builds it
// with g++ from ../shared and asserts the `authors` timing stays within 1 % of it on every
// workload total. Without g++ or the fmt / fccp headers the test is skipped with the reason, except
// under CI=true, where it fails (.ci/run installs them through scripts/install-vscode-runtime.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APT_LINE, missingPrerequisites } from '../../../scripts/crosscheck/bertCpp';
import { runCrosscheck, worstAuthorsTotalError } from '../../../scripts/crosscheck';

const BOUND = 0.01;
const missing = missingPrerequisites();
const skip = missing.length > 0 && process.env.CI !== 'true' ? `needs ${missing.join(', ')} (${APT_LINE})` : false;

test('authors timing matches bert.cpp within 1 % on the short crosscheck', { skip, timeout: 120_000 }, () => {
  assert.deepEqual(missing, [], `crosscheck prerequisites missing under CI: ${missing.join(', ')}. Install with: ${APT_LINE}`);
  const report = runCrosscheck({ short: true, timings: ['authors'], seed: 1, authorsTopK: 'as-built' });
  const authors = report.stats.filter((s) => s.timing === 'authors');
  assert.ok(authors.length >= 8, 'every family on both presets');
  const worst = worstAuthorsTotalError(report.stats);
  assert.ok(worst <= BOUND, `largest workload-total error ${worst} exceeds ${BOUND}`);
  // The dense BERT family has no top-k, hence no out-of-bounds pivot: exact to the cycle.
  for (const s of authors.filter((x) => x.family === 'bert-dense')) assert.equal(s.exactLayers, s.layers, `${s.hardware}: ${s.exactLayers}/${s.layers} exact`);
});
