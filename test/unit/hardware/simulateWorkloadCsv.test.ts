// The CLI's streaming simulate (each group timed as the reader yields it) against the columnar
// path (the whole file in columns, then simulateColumns): the same result, dense int8 bytes and
// mode on every shipped trace, with read buffers small enough that groups straddle many piece
// boundaries and outgrow the window; and the columnar path taking over for files the streaming
// path must not take (rows out of order, extended columns, a timeline wanted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { denseDramBytesOfColumns, simulateColumns, type SimulateOptions } from '../../../src/engine/hardware/simulate';
import { simulateWorkloadCsvFile, simulateWorkloadCsvStreaming, type WorkloadCsvSimulation } from '../../../src/engine/hardware/simulateWorkloadCsv';
import { readWorkloadCsvColumnsFile, readWorkloadCsvFile, writeWorkloadCsv } from '../../../src/engine/trace/workloadCsv';
import type { QueriesPerRow } from '../../../src/engine/trace/workloadCsvSchema';
import { SHIPPED_TRACES as SHIPPED, SHIPPED_TRACES_DIR as TRACES } from '../trace/shippedTraces';

const HW = [resolveHardwareConfig('spatten-1x'), resolveHardwareConfig('spatten-1/8')];
const VARIANTS: SimulateOptions[] = [
  { timing: 'pipelined', denseBits: 32 },
  { timing: 'additive', denseBits: 32 },
  { timing: 'authors', denseBits: 8 },
  { timing: 'pipelined', denseBits: 8, fetchRounding: 8, unquantizedBits: 16, seed: 7 },
];
const dir = mkdtempSync(path.join(os.tmpdir(), 'spatten-simulate-csv-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** The columnar path's figures for the file. */
function columnar(file: string, hw: (typeof HW)[number], opts: SimulateOptions & { queries?: QueriesPerRow }): WorkloadCsvSimulation {
  const trace = readWorkloadCsvColumnsFile(file, { queries: opts.queries });
  return { result: simulateColumns(trace, hw, opts), denseDramBytes8bit: denseDramBytesOfColumns(trace, hw, 8), mode: trace.trace.mode };
}

test('streamed = columnar on every shipped trace: both presets, every timing model, both query modes, small and default read buffers', () => {
  for (const f of SHIPPED) {
    const file = path.join(TRACES, f);
    const big = f.includes('medium');
    for (const hw of HW) {
      for (const opts of big && hw !== HW[0] ? VARIANTS.slice(0, 1) : VARIANTS) {
        for (const queries of big ? (['one'] as const) : (['one', 'sentence'] as const)) {
          const o = { ...opts, queries };
          const expected = columnar(file, hw, o);
          // 300 bytes: four rows a piece, so a group of 16 heads spans several pieces; 4096: a few dozen rows; undefined: 1 MiB, the whole file (the medium trace: one piece).
          for (const chunkBytes of [300, 4096, undefined]) {
            const streamed = simulateWorkloadCsvStreaming(file, hw, o, chunkBytes);
            assert.ok(streamed, `${f} streams`);
            assert.deepStrictEqual(streamed, expected, `${f} ${hw.name} ${JSON.stringify(o)} chunk ${chunkBytes}`);
          }
        }
      }
    }
  }
});

test('streamed = columnar across the default 1 MiB buffer boundaries (a 5.5 MB file)', () => {
  const rows = readFileSync(path.join(TRACES, 'gpt2-medium-wikitext2-spatten.csv'), 'utf8').split('\n');
  const body = rows.slice(1).filter((l) => /^\d/.test(l));
  const lines = [rows[0]];
  for (let c = 0; c < 7; c++) for (const r of body) lines.push(`${c * 32 + Number(r.slice(0, r.indexOf(',')))}${r.slice(r.indexOf(','))}`);
  const file = path.join(dir, 'seven-copies.csv');
  writeFileSync(file, lines.join('\n') + '\n');
  const opts: SimulateOptions = { timing: 'pipelined', denseBits: 32 };
  assert.deepStrictEqual(simulateWorkloadCsvStreaming(file, HW[0], opts), columnar(file, HW[0], opts));
});

test('files the streaming path must not take go the columnar way, with the same figures', () => {
  const source = path.join(TRACES, 'gpt2-small-wikitext2-spatten.csv');
  const text = readFileSync(source, 'utf8');
  const [header, ...rest] = text.split('\n');
  const body = rest.filter((l) => /^\d/.test(l));
  const cases: [string, string][] = [
    // Two heads of one group swapped; a whole step moved to the end.
    ['heads-swapped.csv', [header, body[1], body[0], ...body.slice(2)].join('\n') + '\n'],
    ['step-moved.csv', [header, ...body.slice(12 * 12), ...body.slice(0, 12 * 12)].join('\n') + '\n'],
    // The engine's extended columns: not a plain file.
    ['extended.csv', writeWorkloadCsv(readWorkloadCsvFile(source))],
  ];
  const opts: SimulateOptions = { timing: 'pipelined', denseBits: 32 };
  for (const [name, content] of cases) {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    assert.equal(simulateWorkloadCsvStreaming(file, HW[0], opts, 4096), undefined, `${name} is not streamed`);
    assert.deepStrictEqual(simulateWorkloadCsvFile(file, HW[0], opts), columnar(file, HW[0], opts), name);
  }
  // A timeline is built on the columnar path only.
  const withTimeline: SimulateOptions = { timing: 'pipelined', denseBits: 32, timeline: { maxEvents: 200 } };
  assert.equal(simulateWorkloadCsvStreaming(source, HW[0], withTimeline), undefined);
  const r = simulateWorkloadCsvFile(source, HW[0], withTimeline);
  assert.ok(r.result.timeline && r.result.timeline.events.length > 0);
  assert.deepStrictEqual(r, columnar(source, HW[0], withTimeline));
});

test('a missing or malformed file is the reader\'s InputError, naming file and line', () => {
  const opts: SimulateOptions = { timing: 'pipelined', denseBits: 32 };
  const missing = path.join(dir, 'nope.csv');
  assert.throws(() => simulateWorkloadCsvFile(missing, HW[0], opts), /nope\.csv.*cannot read the workload CSV \(no such file\)/);
  const lines = readFileSync(path.join(TRACES, 'gpt2-small-wikitext2-spatten.csv'), 'utf8').split('\n');
  lines[40] = lines[40].replace(/,True,/, ',Yes,');
  const bad = path.join(dir, 'bad.csv');
  writeFileSync(bad, lines.join('\n'));
  assert.throws(() => simulateWorkloadCsvFile(bad, HW[0], opts), /bad\.csv:41.*must be True or False, got "Yes"/);
});
