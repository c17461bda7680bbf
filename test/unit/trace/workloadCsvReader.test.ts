// The columnar reader against the row reader it replaced (test/oracle/workloadCsv.ts): the same
// Trace for every shipped trace and engine-style extended file, the same message for every
// malformed input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readWorkloadCsvFile, writeWorkloadCsv } from '../../../src/engine/trace/workloadCsv';
import { parseWorkloadCsv } from './parseWorkloadCsv';
import { EXTENDED_HEADER, HEADER } from '../../../src/engine/trace/workloadCsvSchema';
import { parseWorkloadCsv as oracleParse } from '../../oracle/workloadCsv';
import { randomWorkload } from '../hardware/randomWorkloads';

const TRACES = path.resolve(__dirname, '../../../../shared/spatten-traces');
const SHIPPED_TRACES = ['smoke-one-row.csv', 'gpt2-small-wikitext2-spatten.csv', 'gpt2-small-wikitext2-dense.csv', 'gpt2-medium-wikitext2-spatten.csv', 'gpt2-medium-ptb-dense.csv'];

/** -0 as 0: the row reader kept a "-0" field as -0, the columns (int32) hold 0; no other difference. */
function withoutNegativeZero(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x)) as unknown;
}

function outcome(parse: typeof parseWorkloadCsv, text: string, queries: 'one' | 'sentence' = 'one'): unknown {
  try {
    return withoutNegativeZero(parse(text, { fileName: 'dir/w.csv', queries }));
  } catch (e) {
    return { error: (e as Error).message, type: (e as Error).constructor.name };
  }
}

for (const f of SHIPPED_TRACES) {
  test(`the same Trace as the row reader: ${f}`, () => {
    const text = readFileSync(path.join(TRACES, f), 'utf8');
    for (const queries of ['one', 'sentence'] as const) assert.deepStrictEqual(outcome(parseWorkloadCsv, text, queries), outcome(oracleParse, text, queries));
    assert.deepStrictEqual(readWorkloadCsvFile(path.join(TRACES, f)), oracleParse(text, { fileName: path.join(TRACES, f) }));
  });
}

test('the same Trace for engine-style extended files (prompt pass, measured rounds, unquantized bits)', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const t = randomWorkload(seed);
    t.unquantizedBits = 32;
    t.rows.forEach((r, i) => {
      if (r.tokenTopK && i % 2 === 0) r.tokenTopK.roundSizes = [r.tokenTopK.n, Math.ceil(r.tokenTopK.n / 2)];
      if (r.localVTopK && i % 3 === 0) r.localVTopK.roundSizes = [r.localVTopK.n];
    });
    const text = writeWorkloadCsv(t);
    assert.deepStrictEqual(outcome(parseWorkloadCsv, text), outcome(oracleParse, text));
  }
});

const GOOD = '0,0,0,64.0,8,8,-1,-1,-1,False,-1,8,-1,False,False,False,-1';
const GOOD_EXT = '-1,0,0,64.0,8,8,6,16,0.05,True,4,4,6,True,False,True,3,8,2,8,8;4,8,8,12,32';

/** Every field of a row replaced in turn by each of a few bad or odd values. */
function mutations(row: string): string[] {
  const odd = ['', '-', '-0', '007', '1.0', '64.', '.5', '1e-2', ' 0.5', '0x1', '+1', 'True', 'true', '9007199254740993', '99999999', '-2', '33', '0', '1;2', '1;;2', ';', '\uFEFF1', 'é', '0.0500000000000000001', 'Infinity', '4097.0', '65537', '1000001', '1024', '1025'];
  const f = row.split(',');
  const out: string[] = [];
  for (let i = 0; i < f.length; i++) for (const v of odd) out.push(f.map((x, j) => (j === i ? v : x)).join(','));
  return out;
}

test('the same message for every malformed row, header and layout', () => {
  const cases: string[] = [
    '', '\n', '\n\n', HEADER, `${HEADER}\n`, `\uFEFF${HEADER}\r\n${GOOD}\r\n`, `\uFEFF\uFEFF${HEADER}\n${GOOD}\n`, `x${HEADER}\n${GOOD}\n`,
    `${HEADER}\n${GOOD}\n\n`, `${HEADER}\n\n${GOOD}\n`, `${HEADER}\n${GOOD}`, `${HEADER}\n${GOOD},\n`, `${HEADER}\n${GOOD}\r\r\n`,
    `${HEADER}\ncfg.yml,,,,,,,,,,,,,,,,\n`, `${HEADER}\n${GOOD}\ncfg.yml,,,,,,,,,,,,,,,,\n`, `${HEADER}\ncfg.yml,,,,,,,,,,,,,,,,\n${GOOD}\n`,
    `${HEADER}\n5,,,,,,,,,,,,,,,,\n`, `${EXTENDED_HEADER}\n${GOOD_EXT}\n`, `${HEADER}\n${GOOD_EXT}\n`, `${EXTENDED_HEADER}\n${GOOD}\n`,
    ...mutations(GOOD).map((r) => `${HEADER}\n${r}\n`),
    ...mutations(GOOD_EXT).map((r) => `${EXTENDED_HEADER}\n${r}\n`),
    `${HEADER}\n${GOOD.replace('False,False,False,-1', 'False,False,True,9')}\n`,
    `${HEADER}\n${GOOD.replace('8,8,', '8,9,')}\n`,
  ];
  for (const text of cases) {
    for (const queries of ['one', 'sentence'] as const) assert.deepStrictEqual(outcome(parseWorkloadCsv, text, queries), outcome(oracleParse, text, queries), JSON.stringify(text));
  }
});

test('a row after a plain row (the fast path compares its bytes from D on with those of the row before): the same Trace or message', () => {
  const head = (h: number): string => GOOD.replace(/^0,0,0,/, `0,0,${h},`);
  const cases: string[] = [];
  // Every field of the second row mutated in turn, between two plain rows of the same (step, layer).
  for (const r of mutations(head(1))) cases.push(`${HEADER}\n${GOOD}\n${r}\n${head(2)}\n`);
  // Line ends: CRLF after LF and the reverse, a last line without its newline or ending in CR, a
  // field more, and the same bytes as the last row's followed by more.
  cases.push(
    `${HEADER}\n${GOOD}\r\n${head(1)}\n`,
    `${HEADER}\n${GOOD}\n${head(1)}\r\n`,
    `${HEADER}\r\n${GOOD}\r\n${head(1)}\r\n${head(2)}`,
    `${HEADER}\n${GOOD}\n${head(1)}`,
    `${HEADER}\n${GOOD}\n${head(1)}\r`,
    `${HEADER}\n${GOOD}\n${head(1)},\n`,
    `${HEADER}\n${GOOD}\n${head(1)}0\n`,
    `${HEADER}\n${GOOD}\n${head(1)}\ncfg.yml,,,,,,,,,,,,,,,,\n`,
  );
  for (const text of cases) {
    for (const queries of ['one', 'sentence'] as const) assert.deepStrictEqual(outcome(parseWorkloadCsv, text, queries), outcome(oracleParse, text, queries), JSON.stringify(text));
  }
});
