// The `authors` timing model (bert.cpp replayed): hand-checked layers, the RNG it replays, and the
// two top-k behaviours. spatten-1x: P = 512 / 64 = 8 keys per cycle, 16 channels, 32-B
// transactions, ZE width 4; drain = 11 + (87 + B) + 1 + 1 + 3 = 103 + B of the last head.
// The expected totals 214, 4489 and 1862 are also what bert.cpp (`./bert 16 512`) prints for the
// same rows (checked when these tests were written; scripts/crosscheck.ts checks it continuously).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { simulate } from '../../../src/engine/hardware/simulate';
import { authorsBilledBits, authorsGroupTiming } from '../../../src/engine/hardware/authorsTiming';
import { authorsQuickSelectRounds, authorsTopKCycles } from '../../../src/engine/hardware/authorsTopK';
import { Mt19937, uniformInt } from '../../../src/engine/hardware/mt19937';
import type { Trace, TraceRow } from '../../../src/engine/trace/trace';
import { traceRow } from './traceRows';

const hw = resolveHardwareConfig('spatten-1x');

// BERT-style rows: 128 queries over 128 keys.
const row = (p: Partial<TraceRow>): TraceRow => traceRow(p, { sentenceLength: 128, queries: 128, keysFetched: 128, valuesFetched: 128 });

function trace(rows: TraceRow[]): Trace {
  return { version: 1, source: { kind: 'engine', name: 'authors' }, mode: 'encoder', model: { name: 'a', layers: 2, heads: 2, kvHeads: 2, headDim: 64 }, rows };
}

test('bert.cpp width billing: 6, above 8 and -1 count as 8; 4 stays 4', () => {
  assert.deepEqual([-1, 4, 6, 8, 12].map(authorsBilledBits), [8, 4, 8, 8, 8]);
});

test('two heads, no top-k: 214 cycles, worked by hand', () => {
  // Head 0: 20 queries, 20 keys, K 8 bit, V 4 bit. B = ceil(20/8) = 3.
  //   Ktx = 3*8*64*8/8/32 = 48 -> ceil(48/16) = 3; Vtx = 3*8*64*4/8/32 = 24 -> 2. dram 5, fill 20*3 = 60.
  // Head 1: 20 queries, 9 keys, K -1 (billed 8), V 6 (billed 8). B = 2.
  //   Ktx = 2*8*64*8/8/32 = 32 -> 2; Vtx 32 -> 2. dram 4, fill 20*2 = 40.
  // V uses the key count (bert.cpp's single fetch count): valuesFetched 1 changes nothing.
  // drain = 103 + B(last head) = 105. Total 9 + 100 + 105 = 214.
  const rows = [row({ queries: 20, keysFetched: 20, valueBits: 4, valuesFetched: 1 }), row({ head: 1, queries: 20, keysFetched: 9, keyBits: -1, valueBits: 6 })];
  const t = authorsGroupTiming(rows, hw);
  assert.deepEqual([...t.stages], [9, 100, 105, 0]);
  assert.equal(t.cycles, 214);
});

test('two layers with token top-ks through simulate: 4489 + 1862 cycles', () => {
  // Layer 0: two heads, 128 queries and keys, 8/8 bit, each with a top-k keeping 100. B = 16.
  //   dram 2 * (ceil(256/16) + ceil(256/16)) = 64; fill 2 * 128 * 16 = 4096; drain 103 + 16 = 119.
  //   top-k, seed 0 (head 0): rounds 128,44,32,24,12,8,3,1 (as-built, from the mt19937 replay):
  //     16 + (32+11+8+6+3+2+0+0 + 8*4) + ceil(100/8) = 16 + 94 + 13 = 123;
  //   seed 1 (head 1): rounds 128,43,2,1: 16 + (32+10+0+0 + 4*4) + 13 = 87. Sum 4489.
  // Layer 1: one head, 128 queries, 100 keys, top-k keeping 37; the seed restarts at 0. B = 13.
  //   dram 13 + 13 = 26; fill 128 * 13 = 1664; drain 116;
  //   top-k rounds 100,7,2: 13 + (25+1+0 + 3*4) + ceil(37/8) = 13 + 38 + 5 = 56. Sum 1862.
  assert.deepEqual(authorsQuickSelectRounds(128, 100, 0, 'as-built'), [128, 44, 32, 24, 12, 8, 3, 1]);
  assert.deepEqual(authorsQuickSelectRounds(128, 100, 1, 'as-built'), [128, 43, 2, 1]);
  assert.deepEqual(authorsQuickSelectRounds(100, 37, 0, 'as-built'), [100, 7, 2]);
  const topK = { n: 128, k: 100 };
  const rows = [row({ tokenTopK: topK }), row({ head: 1, tokenTopK: topK }), row({ layer: 1, keysFetched: 100, valuesFetched: 100, tokenTopK: { n: 100, k: 37 } })];
  const r = simulate(trace(rows), hw, { timing: 'authors', denseBits: 8 });
  assert.deepEqual(r.layers.map((l) => l.cycles), [4489, 1862]);
  assert.deepEqual(r.layers[0].stages, { dram: 64, fill: 4096, drain: 119, tokenTopK: 210 });
  assert.equal(r.totalCycles, 6351);
});

test('top-k of one key: a single round whatever the pivot draw (6 cycles)', () => {
  // ceil(1/8) fill + (floor(1/4) + 4) + ceil(1/8) drain = 1 + 4 + 1.
  for (let seed = 0; seed < 8; seed++) {
    assert.equal(authorsTopKCycles(1, 1, seed, { parallelism: 8, zeWidth: 4, mode: 'as-built' }), 6);
  }
});

test("'intended' quick-select runs more rounds than the as-built one on the same data", () => {
  assert.deepEqual(authorsQuickSelectRounds(128, 100, 0, 'intended'), [128, 83, 70, 56, 37, 28, 18, 16, 7, 4, 1]);
  let asBuilt = 0;
  let intended = 0;
  for (let seed = 0; seed < 200; seed++) {
    const p = { parallelism: 8, zeWidth: 4 };
    asBuilt += authorsTopKCycles(512, 400, seed, { ...p, mode: 'as-built' });
    intended += authorsTopKCycles(512, 400, seed, { ...p, mode: 'intended' });
  }
  assert.ok(intended > 1.3 * asBuilt, `intended ${intended} vs as-built ${asBuilt}`);
});

test('std::mt19937: the well-known first outputs and the 10000th', () => {
  const take = (g: Mt19937, n: number): number[] => Array.from({ length: n }, () => g.next());
  assert.deepEqual(take(new Mt19937(5489), 3), [3499211612, 581869302, 3890346734]);
  assert.deepEqual(take(new Mt19937(0), 3), [2357136044, 2546248239, 3071714933]);
  const g = new Mt19937(5489);
  let last = 0;
  for (let i = 0; i < 10000; i++) last = g.next();
  assert.equal(last, 4123659995); // [rand.predef]
});

test("libstdc++ uniform_int_distribution<int>: values printed by a g++ 12 build", () => {
  const g = new Mt19937(3);
  assert.deepEqual(Array.from({ length: 5 }, () => uniformInt(g)), [1182829493, 151880524, 1520735868, 1803776833, 624713180]);
  const h = new Mt19937(100);
  assert.deepEqual(Array.from({ length: 8 }, () => uniformInt(h, 0, 100)), [54, 67, 28, 41, 42, 53, 85, 15]);
  // A range close to 2^31 exercises Lemire's rejection step.
  const b = new Mt19937(11);
  assert.deepEqual(Array.from({ length: 8 }, () => uniformInt(b, 0, 2000000000)), [360539388, 136613696, 38950480, 1329440636, 926437058, 388231243, 1449867851, 1852565920]);
});
