// The workload-CSV file read in pieces (workloadCsvChunks.ts) against the whole-file reader: the
// same columns for every plain file, including rows that straddle the buffer's 1 MiB boundaries and
// CRLF files; undefined (so the whole-file reader runs and gives its message) for everything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { traceFromColumns } from '../../../src/engine/trace/traceColumns';
import { readWorkloadCsvColumnsFile } from '../../../src/engine/trace/workloadCsv';
import { readPlainWorkloadCsvInChunks } from '../../../src/engine/trace/workloadCsvChunks';
import { readWorkloadCsvColumns } from '../../../src/engine/trace/workloadCsvReader';
import { EXTENDED_HEADER, HEADER } from '../../../src/engine/trace/workloadCsvSchema';
import { SHIPPED_TRACES as SHIPPED, SHIPPED_TRACES_DIR as TRACES } from './shippedTraces';

const GOOD = '0,0,0,64.0,993,993,12,16,-1,False,-1,307,8,True,False,False,-1';
const READ_OPTS = { notFound: 'cannot read the workload CSV (no such file)' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'spatten-csv-chunks-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The whole-file reader's outcome on the file's bytes (its own byte-order mark dropped, as readWorkloadCsvColumnsFile does). */
function wholeOutcome(file: string, queries: 'one' | 'sentence'): unknown {
  const bytes = readFileSync(file);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return traceFromColumns(readWorkloadCsvColumns(bytes.subarray(bom), { fileName: file, queries }));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function fileOutcome(file: string, queries: 'one' | 'sentence'): unknown {
  try {
    return traceFromColumns(readWorkloadCsvColumnsFile(file, { queries }));
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

test('plain files read in pieces give the whole reader\'s columns: the shipped traces, both query modes', () => {
  for (const f of SHIPPED) {
    const file = path.join(TRACES, f);
    for (const queries of ['one', 'sentence'] as const) {
      const pieces = readPlainWorkloadCsvInChunks(file, { fileName: file, queries }, READ_OPTS);
      assert.ok(pieces, `${f} is read in pieces`);
      assert.deepStrictEqual(traceFromColumns(pieces), wholeOutcome(file, queries), f);
    }
  }
});

test('rows straddling the 1 MiB buffer boundaries, LF and CRLF, with and without a final newline and config line', () => {
  const rows = readFileSync(path.join(TRACES, 'gpt2-medium-wikitext2-spatten.csv'), 'utf8').split('\n').slice(1).filter((l) => /^\d/.test(l));
  // Seven copies, iterations renumbered: about 5.5 MB, so lines cross the buffer's end several times.
  const lines = [HEADER];
  for (let c = 0; c < 7; c++) for (const r of rows) lines.push(`${c * 32 + Number(r.slice(0, r.indexOf(',')))}${r.slice(r.indexOf(','))}`);
  const variants: [string, string][] = [
    ['lf.csv', lines.join('\n') + '\n'],
    ['crlf.csv', lines.join('\r\n') + '\r\n'],
    ['no-final-newline.csv', lines.join('\n')],
    ['config.csv', lines.join('\n') + '\nmodel_config.yml,,,,,,,,,,,,,,,,\n'],
  ];
  for (const [name, text] of variants) {
    const file = write(name, text);
    const pieces = readPlainWorkloadCsvInChunks(file, { fileName: file }, READ_OPTS);
    assert.ok(pieces && pieces.columns.length === 7 * rows.length, `${name} is read in pieces, every row`);
    assert.deepStrictEqual(traceFromColumns(pieces), wholeOutcome(file, 'one'), name);
  }
});

test('anything but plain rows goes to the whole reader: the same trace or the same message', () => {
  const cases: [string, string][] = [
    ['empty', ''],
    ['header only', `${HEADER}\n`],
    ['byte-order mark', `\uFEFF${HEADER}\n${GOOD}\n`],
    ['extended header', `${EXTENDED_HEADER}\n${GOOD},1,0,-1,,-1,,16,-1\n`],
    ['config line not last', `${HEADER}\ncfg.yml,,,,,,,,,,,,,,,,\n${GOOD}\n`],
    ['blank line after the config line', `${HEADER}\n${GOOD}\ncfg.yml,,,,,,,,,,,,,,,,\n\n`],
    ['blank line', `${HEADER}\n${GOOD}\n\n${GOOD}\n`],
    ['extra field', `${HEADER}\n${GOOD},\n`],
    ['bad integer', `${HEADER}\n${GOOD.replace('993,993', '993,99x')}\n`],
    ['keys over the context', `${HEADER}\n${GOOD.replace('993,993', '993,994')}\n`],
    ['threshold as an exponent', `${HEADER}\n${GOOD.replace(',-1,False', ',5e-2,False')}\n`],
    ['prompt pass without query_num', `${HEADER}\n-1${GOOD.slice(1)}\n`],
    ['double CR', `${HEADER}\n${GOOD}\r\r\n`],
    ['header with CR only', `${HEADER}\r${GOOD}\n`],
  ];
  for (const [name, text] of cases) {
    const file = write(`case-${name.replace(/\W+/g, '-')}.csv`, text);
    for (const queries of ['one', 'sentence'] as const) assert.deepStrictEqual(fileOutcome(file, queries), wholeOutcome(file, queries), name);
  }
  // A missing file: the whole read's message.
  assert.deepStrictEqual(fileOutcome(path.join(dir, 'missing.csv'), 'one'), { error: `${path.join(dir, 'missing.csv')}: cannot read the workload CSV (no such file)` });
});
