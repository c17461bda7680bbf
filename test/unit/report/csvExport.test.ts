import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { csvField, headCsv, layerCsv } from '../../../src/engine/report/csvExport';
import { makeSampleReport } from './sampleReport';

/** Parses RFC 4180 text back into rows: the reader that checks what the exporter writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

test('csvField quotes per RFC 4180', () => {
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\r\nlines'), '"two\r\nlines"');
  assert.equal(csvField(0.1 + 0.2), '0.30000000000000004');
  assert.equal(csvField(Number.NaN), '');
  assert.equal(csvField(undefined), '');
});

test('parseCsv inverts quoting', () => {
  const text = 'a,"b,c","d""e"\r\n"x\r\ny",,z\r\n';
  assert.deepEqual(parseCsv(text), [
    ['a', 'b,c', 'd"e'],
    ['x\r\ny', '', 'z'],
  ]);
});

test('layer CSV: header with units, one row per layer, exact numbers', () => {
  const r = makeSampleReport();
  const text = layerCsv(r);
  assert.ok(text.endsWith('\r\n'));
  const rows = parseCsv(text);
  const [header, ...body] = rows;
  assert.equal(body.length, r.layers.length);
  for (const col of ['cycles', 'dense_cycles', 'speedup_x', 'dram_total_bytes', 'energy_j', 'stage_qk_cycles', 'refetch_rate_fraction']) assert.ok(header.includes(col), col);
  for (const row of body) assert.equal(row.length, header.length);
  const get = (row: string[], col: string) => row[header.indexOf(col)];
  r.layers.forEach((l, i) => {
    assert.equal(Number(get(body[i], 'cycles')), l.cycles);
    assert.equal(Number(get(body[i], 'dense_stage_fetch_cycles')), l.denseStages.fetch);
    assert.equal(Number(get(body[i], 'dram_total_bytes')), l.dramBytes.kMsb + l.dramBytes.kLsb + l.dramBytes.v + l.dramBytes.q);
    assert.equal(Number(get(body[i], 'energy_j')), l.energyJoules);
    assert.equal(get(body[i], 'bound'), l.bound);
    assert.equal(Number(get(body[i], 'tokens_kept')), r.tokens.layers[i].tokensKept);
    const rows_ = r.refetch.rows[i].reduce((a, b) => a + b, 0);
    const ref = r.refetch.refetched[i].reduce((a, b) => a + b, 0);
    assert.equal(Number(get(body[i], 'refetched_rows')), ref);
    assert.equal(Number(get(body[i], 'refetch_rate_fraction')), ref / rows_);
  });
});

test('head CSV: layers x heads rows with pruning state', () => {
  const r = makeSampleReport();
  const [header, ...body] = parseCsv(headCsv(r));
  assert.deepEqual(header, ['layer', 'head', 'state', 'importance_sum_abs_output', 'query_rows', 'refetched_rows', 'refetch_rate_fraction']);
  assert.equal(body.length, r.heads.importance.length * r.model.heads);
  const prunedHead = r.heads.prunedAtLayer.findIndex((p) => p >= 0);
  assert.ok(prunedHead >= 0, 'sample prunes a head');
  const p = r.heads.prunedAtLayer[prunedHead];
  const row = (l: number, h: number) => body.find((x) => x[0] === String(l) && x[1] === String(h))!;
  assert.equal(row(p, prunedHead)[2], 'pruned_here');
  if (p + 1 < r.layers.length) {
    assert.equal(row(p + 1, prunedHead)[2], 'pruned');
    assert.equal(row(p + 1, prunedHead)[4], '0');
  }
  assert.equal(Number(row(0, 1)[3]), r.heads.importance[0][1]);
});

test('stage names with odd characters become safe column names', () => {
  const r = makeSampleReport({ layers: 2, tokens: 8 });
  for (const l of r.layers) {
    l.stages['Top-K, tokens'] = 5;
    l.denseStages['Top-K, tokens'] = 0;
  }
  const [header] = parseCsv(layerCsv(r));
  assert.ok(header.includes('stage_top_k_tokens_cycles'));
  assert.ok(header.includes('dense_stage_top_k_tokens_cycles'));
});
