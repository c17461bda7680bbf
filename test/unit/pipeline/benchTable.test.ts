// The bench's table and JSON on a tiny real run (one profile process and one plain ORT process on
// a tiny fixture): the format, and that both sides read the same tokens. Never its timings.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runOrtProcess, runProfileProcess, writeProfileIds } from '../../../scripts/bench/benchRuns';
import { benchJson, caseResult, formatBenchTable, median, type BenchDocument } from '../../../scripts/bench/benchTable';
import { generateFixture, REPO_ROOT } from '../../fixtures/generateFixture';
import { scratchDir } from '../scratchDir';

const CLI = path.join(REPO_ROOT, 'out', 'cli.js');

test('median of odd and even counts', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('a tiny bench run: both processes read the same tokens; the table and the JSON carry every column', { skip: !existsSync(CLI) && 'out/cli.js missing (npm run build)' }, (t) => {
  const fx = generateFixture('bert', 'fp32', { withTokenizer: true });
  const scratch = scratchDir('spatten-bench-', t);
  const text = path.join(scratch, 'input.txt');
  writeFileSync(text, 'the cat sat on the mat and the dog lay by the door');
  const ids = writeProfileIds(fx.path, text, 8, scratch);
  assert.equal(ids.count, 8);
  const profile = runProfileProcess({ cli: CLI, model: fx.path, textFile: text, maxTokens: 8, policy: 'paper-bert', generate: 0, scratch });
  assert.equal(profile.inputTokens, ids.count, 'the profile read another token count than the ORT process');
  const ort = runOrtProcess({ model: fx.path, idsFile: ids.file, generate: 0 });
  const result = caseResult({ section: 'encoder', model: 'bert-tiny', tokens: ids.count, policy: 'paper-bert' }, { profile: [profile], ort: [ort] });
  const doc: BenchDocument = { setup: 'tiny run', runs: 1, cases: [result] };

  const table = formatBenchTable(doc).split('\n');
  const header = table.findIndex((l) => l.startsWith('model'));
  assert.ok(header > 0, table.join('\n'));
  for (const column of ['profile wall', 'ORT wall', 'profile CPU', 'profile RSS', 'ORT RSS', 'engine pass', 'ORT pass']) assert.ok(table[header].includes(column), column);
  const row = table[header + 2].trim().split(/\s{2,}/);
  assert.equal(row.length, 15, table[header + 2]);
  assert.deepEqual(row.slice(0, 3), ['bert-tiny', '8', 'paper-bert']);
  assert.match(row[3], /^\d+\.\d\d s$/);
  assert.match(row[9], /^\d+ MB$/);
  assert.match(row[5], /^\d+\.\d\dx$/);

  const json = JSON.parse(benchJson(doc)) as BenchDocument;
  const c = json.cases[0];
  assert.equal(c.variants.profile?.runs, 1);
  for (const [k, v] of Object.entries(c.ratios)) assert.ok(Number.isFinite(v) && v > 0, `ratio ${k} = ${v}`);
  assert.equal(c.speedupOverBaseline, undefined);
});
