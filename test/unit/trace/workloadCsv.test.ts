import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../../src/engine/errors';
import { readWorkloadCsvFile, writeWorkloadCsv } from '../../../src/engine/trace/workloadCsv';
import { parseWorkloadCsv } from './parseWorkloadCsv';
import { WORKLOAD_CSV_COLUMNS } from '../../../src/engine/trace/workloadCsvSchema';

const TRACES = path.resolve(__dirname, '../../../../shared/spatten-traces');
const HEADER = WORKLOAD_CSV_COLUMNS.join(',');

for (const f of ['smoke-one-row.csv', 'gpt2-small-wikitext2-spatten.csv', 'gpt2-small-wikitext2-dense.csv', 'gpt2-medium-wikitext2-spatten.csv', 'gpt2-medium-ptb-dense.csv']) {
  test(`round trip is byte-identical except the trailing config line: ${f}`, () => {
    const text = readFileSync(path.join(TRACES, f), 'utf8');
    const trace = parseWorkloadCsv(text, { fileName: f });
    const lines = text.split('\n');
    // The authors' last line names their config and has empty fields; a Trace does not carry it.
    assert.match(lines[lines.length - 2], /,{16}$/);
    const expected = lines.slice(0, -2).join('\n') + '\n';
    assert.equal(writeWorkloadCsv(trace, true), expected);
  });
}

test('mapping of the GPT-2-small SpAtten trace', () => {
  const t = readWorkloadCsvFile(path.join(TRACES, 'gpt2-small-wikitext2-spatten.csv'));
  assert.equal(t.rows.length, 4608);
  assert.deepEqual([t.model.layers, t.model.heads, t.model.headDim, t.mode], [12, 12, 64, 'generation']);
  const r0 = t.rows[0];
  assert.deepEqual([r0.keysFetched, r0.valuesFetched, r0.keyBits, r0.lsbBits, r0.requantThreshold, r0.refetchedQueries], [993, 204, 6, 4, 0.05, 1]);
  assert.deepEqual(r0.localVTopK, { n: 993, k: 204 });
  // Line 157: "1,0,11,...,921,...,True,716": a token top-k over the 921 alive tokens.
  assert.deepEqual(t.rows[155].tokenTopK, { n: 921, k: 716 });
  // Line 145: the last layer's top-k picks 921 tokens of the whole context (993) for the next step.
  assert.deepEqual(t.rows[143].tokenTopK, { n: 993, k: 921 });
  assert.equal(t.rows.filter((r) => r.refetchedQueries > 0).length, 323);
});

test('CRLF line ends and a byte-order mark are accepted', () => {
  const t = parseWorkloadCsv(`\uFEFF${HEADER}\r\n0,0,0,64.0,8,8,-1,-1,-1,False,-1,8,-1,False,False,False,-1\r\n`, { fileName: 'w.csv' });
  assert.equal(t.rows.length, 1);
});

test("'sentence' mode gives every row L query rows", () => {
  const t = parseWorkloadCsv(`${HEADER}\n0,0,0,64.0,128,128,-1,-1,-1,True,-1,128,-1,False,False,False,-1\n`, { fileName: 'b.csv', queries: 'sentence' });
  assert.equal(t.mode, 'encoder');
  assert.deepEqual([t.rows[0].queries, t.rows[0].refetchedQueries], [128, 128]);
});

function errorOf(text: string): InputError {
  try {
    parseWorkloadCsv(text, { fileName: 'w.csv' });
  } catch (e) {
    assert.ok(e instanceof InputError);
    return e;
  }
  assert.fail('expected an InputError');
}

test('malformed input: clear errors with file and line', () => {
  const good = '0,0,0,64.0,993,993,-1,-1,-1,False,-1,993,-1,True,False,False,-1';
  assert.equal(errorOf('').where, 'w.csv');
  assert.equal(errorOf('a,b\n').where, 'w.csv:1');
  const short = errorOf(`${HEADER}\n${good}\n0,0,1,64.0\n`);
  assert.equal(short.where, 'w.csv:3');
  assert.match(short.what, /17 comma-separated fields, got 4/);
  assert.match(errorOf(`${HEADER}\n${good.replace('False,-1,993', 'maybe,-1,993')}\n`).what, /if_requant must be True or False/);
  assert.match(errorOf(`${HEADER}\n${good.replace('64.0', '64.5')}\n`).what, /embedding_length_D/);
  assert.match(errorOf(`${HEADER}\n${good.replace(',993,-1,-1', ',1000,-1,-1')}\n`).what, /key_fetch_num 1000 exceeds/);
  assert.match(errorOf(`${HEADER}\ncfg.yml,,,,,,,,,,,,,,,,\n${good}\n`).what, /only be the last line/);
  assert.match(errorOf(`${HEADER}\ncfg.yml,,,,,,,,,,,,,,,,\n`).what, /no workload rows/);
});

test('a missing file is an InputError naming it', () => {
  assert.throws(() => readWorkloadCsvFile('/nonexistent/x.csv'), (e: unknown) => e instanceof InputError && e.where === '/nonexistent/x.csv');
});
