// Golden cycle counts for tiny workloads, computed by hand below, in both timing models.
// spatten-1x: 512 + 512 multipliers (8 keys of D=64 per cycle), 8 softmax lanes, 16 comparators,
// 16 channels x 32 B/cycle, 32-B transactions, DRAM latency 16, convert 1, qk 11, softmax 87,
// requant 1, pv 3, top-k round overhead 3; additive zero-eliminator width 4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { simulate } from '../../../src/engine/hardware/simulate';
import type { Trace, TraceRow } from '../../../src/engine/trace/trace';

const hw = resolveHardwareConfig('spatten-1x');

function row(p: Partial<TraceRow>): TraceRow {
  return {
    step: 0, layer: 0, head: 0, headDim: 64, sentenceLength: 8, queries: 1, keysFetched: 8, valuesFetched: 8,
    keyBits: 8, valueBits: 8, queryBits: 16, requantThreshold: -1, lsbBits: -1, refetchedQueries: 0,
    accumulateImportance: true, rescaleImportance: false, ...p,
  };
}

function trace(rows: TraceRow[], heads = rows.length): Trace {
  return { version: 1, source: { kind: 'engine', name: 'golden' }, mode: 'generation', model: { name: 'g', layers: 1, heads, kvHeads: heads, headDim: 64 }, rows };
}

test('one head, 8 keys, 8-bit K/V: pipelined 138 cycles, dense fp32 144', () => {
  // Bytes: K 8 x 64 x 8/8 = 512 B (16 tx) + Q 64 x 16/8 = 128 B (4 tx) = 20 tx -> ceil(20/16) = 2 cycles.
  // V 512 B = 16 tx -> 1 cycle. QK ceil(8*64/512) = 1, softmax ceil(8/8) = 1, PV 1.
  // K [0,2]; QK starts 0+16+1 = 17, ends max(18, 2+17) = 19; softmax starts 17+11 = 28, ends
  // max(29, 19+11) = 30; decision at 30+87+1 = 118; V [118,119]; PV starts 118+16 = 134, ends
  // max(135, 119+16) = 135; done 135+3 = 138.
  // Stages: fetchK 2, qk 2, softmax 2, fetchV 1, pv 1, idle 15+9+88+15+3 = 130.
  // Dense (32-bit, L = 8): K 2048 + Q 256 B = 72 tx -> 5 cycles; V 2048 B = 64 tx -> 4.
  // QK ends max(18, 5+17) = 22; softmax max(29, 22+11) = 33; decision 121; V [121,125];
  // PV starts 137, ends max(138, 125+16) = 141; done 144.
  const r = simulate(trace([row({})]), hw, { timing: 'pipelined', denseBits: 32 });
  assert.equal(r.totalCycles, 138);
  assert.equal(r.denseCycles, 144);
  const s = r.layers[0].stages;
  assert.deepEqual([s.fetchK, s.qk, s.softmax, s.fetchV, s.pv, s.fillDrain], [2, 2, 2, 1, 1, 130]);
  assert.deepEqual(r.dramBytesByTensor, { kMsb: 512, kLsb: 0, v: 512, q: 128 });
  assert.equal(r.denseDramBytes, 2048 + 2048 + 256);
});

test('one head, 8 keys: additive 107 cycles, dense 113', () => {
  // P = 512/64 = 8, B = ceil(8/8) = 1. Ktx = floor(1*8*64*8/8/32) = 16 -> ceil(16/16) = 1; V same: dram 2.
  // fill = queries * B = 1. drain = 11 + (87 + 1) + 1 + 1 + 3 = 104. total 107.
  // Dense at 32 bit: Ktx = 64 -> 4, Vtx 64 -> 4: dram 8; fill 1; drain 104: 113.
  const r = simulate(trace([row({})]), hw, { timing: 'additive', denseBits: 32 });
  assert.equal(r.totalCycles, 107);
  assert.equal(r.denseCycles, 113);
  assert.deepEqual(r.layers[0].stages, { dram: 2, fill: 1, drain: 104, tokenTopK: 0, localVTopK: 0, refetch: 0 });
});

test('two heads overlap: pipelined 140 cycles (the second K is prefetched), additive 110', () => {
  // Row 0 as above. K1 prefetched at [2,4] (buffer half 1 is free). V0 [118,119], PV0 ends 135.
  // QK1 starts max(19, 2+17) = 19, ends max(20, 4+17) = 21; softmax1 starts max(30, 19+11) = 30,
  // ends max(31, 21+11) = 32; decision 120; V1 [120,121]; PV1 starts max(135, 136) = 136, ends
  // max(137, 121+16) = 137; done 140.
  // Additive: dram 2 + 2, fill 1 + 1, drain 104 = 110.
  const rows = [row({ head: 0 }), row({ head: 1 })];
  assert.equal(simulate(trace(rows), hw, { timing: 'pipelined', denseBits: 32 }).totalCycles, 140);
  assert.equal(simulate(trace(rows), hw, { timing: 'additive', denseBits: 32 }).totalCycles, 110);
});

test('one layer with an LSB refetch: pipelined 254 cycles, additive 109', () => {
  // 6-bit K MSBs + 4-bit LSBs, 6-bit V, the row refetched.
  // K 384 B (12 tx) + Q 128 B (4 tx) = 16 tx -> 1 cycle; LSB 256 B = 8 tx -> 1; V 384 B -> 1.
  // K [0,1]; QK [17, max(18, 1+17) = 18]; softmax [28, max(29, 18+11) = 29]; decision 29+88 = 117.
  // LSB [117,118]; recompute QK starts max(18, 117+17) = 134, ends max(135, 118+17) = 135;
  // softmax again starts max(29, 134+11) = 145, ends max(146, 135+11) = 146; decision 146+88 = 234.
  // V [234,235]; PV starts 250, ends max(251, 235+16) = 251; done 254.
  // Stages: fetchK 1, qk 1, softmax 1, fetchKLsb 1, requant 2, fetchV 1, pv 1, idle 246.
  // Additive bills 6-bit as 8: 107 as the 8-bit row, plus the refetch term:
  // LSBtx = floor(1*8*64*4/8/32) = 8 -> ceil(8/16) = 1 slot, + 1 refetched query x B 1 = 2. Total 109.
  const rr = row({ keyBits: 6, valueBits: 6, lsbBits: 4, requantThreshold: 0.05, refetchedQueries: 1 });
  const p = simulate(trace([rr]), hw, { timing: 'pipelined', denseBits: 32 });
  assert.equal(p.totalCycles, 254);
  const s = p.layers[0].stages;
  assert.deepEqual([s.fetchK, s.qk, s.softmax, s.fetchKLsb, s.requant, s.fetchV, s.pv, s.fillDrain], [1, 1, 1, 1, 2, 1, 1, 246]);
  assert.deepEqual(p.dramBytesByTensor, { kMsb: 384, kLsb: 256, v: 384, q: 128 });
  const a = simulate(trace([rr]), hw, { timing: 'additive', denseBits: 32 });
  assert.equal(a.totalCycles, 109);
  assert.equal(a.layers[0].stages.refetch, 2);
});

test('top-k calls with measured rounds: pipelined 146 cycles, additive 128', () => {
  // Local V top-k keeps 4 of 8 values, rounds [8, 5]: (ceil(8/16)+3) + (ceil(5/16)+3) = 8 cycles.
  // Token top-k after the row keeps 6 of 8, rounds [8]: 4 cycles.
  // As the first test until the decision at 118; local top-k [118,126]; V: 4 x 64 B = 256 B =
  // 8 tx -> 1 cycle [126,127]; PV ceil(4*64/512) = 1 starts 126+16 = 142, ends max(143, 127+16) = 143,
  // done 146. Token top-k [126,130] (after the local one on the same engine): hidden.
  // Additive: dram K 1 + V (Bv = 1 -> 16 tx) 1 = 2; fill 1; drain 104;
  // token top-k = B 1 + rounds (floor(8/4) + 4 = 6) + ceil(6/8) = 1 -> 8;
  // local V top-k = B 1 + rounds (floor(8/4) + 4 = 6, floor(5/4) + 4 = 5) + ceil(4/8) = 1 -> 13.
  // Total 2 + 1 + 104 + 8 + 13 = 128.
  const rr = row({ valuesFetched: 4, localVTopK: { n: 8, k: 4, roundSizes: [8, 5] }, tokenTopK: { n: 8, k: 6, roundSizes: [8] } });
  const p = simulate(trace([rr]), hw, { timing: 'pipelined', denseBits: 32 });
  assert.equal(p.totalCycles, 146);
  assert.equal(p.layers[0].stages.localVTopK, 8);
  assert.deepEqual(p.topKCalls, { total: 2, measured: 2 });
  const a = simulate(trace([rr]), hw, { timing: 'additive', denseBits: 32 });
  assert.equal(a.totalCycles, 128);
  assert.equal(a.layers[0].stages.tokenTopK, 8);
  assert.equal(a.layers[0].stages.localVTopK, 13);
});

test('stages always sum to the cycles, and units never overlap on the timeline', () => {
  const rows = [0, 1, 2, 3].map((h) => row({ head: h, keyBits: 6, valueBits: 6, lsbBits: 4, refetchedQueries: h % 2, valuesFetched: 3, localVTopK: { n: 8, k: 3 } }));
  const r = simulate(trace(rows), hw, { timing: 'pipelined', denseBits: 32, timeline: true });
  const sum = Object.values(r.layers[0].stages).reduce((a, b) => a + b, 0);
  assert.equal(sum, r.totalCycles);
  const ev = r.timeline?.events ?? [];
  assert.ok(ev.length > 10);
  for (let u = 0; u < 5; u++) {
    const on = ev.filter((e) => e.unit === u).sort((a, b) => a.start - b.start);
    for (let i = 1; i < on.length; i++) assert.ok(on[i].start >= on[i - 1].start + on[i - 1].dur, `unit ${u} overlaps`);
  }
});

test('BERT-style row (16 query rows over 16 keys): pipelined 199 cycles, additive 141', () => {
  // Pipelined: K 16 x 64 B = 1024 B + Q 16 x 128 B = 2048 B -> 96 tx -> 6 cycles; V 1024 B -> 2.
  // Per query: QK ceil(16*64/512) = 2, softmax ceil(16/8) = 2, PV 2; x 16 queries = 32 each.
  // K [0,6]; QK [17, max(17+32, 6+17) = 49]; softmax [28, max(28+32, 49+11) = 60]; decision 148;
  // V [148,150]; PV [164, max(164+32, 150+16) = 196]; done 199.
  // Additive: B = 2; Ktx = floor(2*8*64*8/8/32) = 32 -> 2, V 2: dram 4; fill 16 * 2 = 32;
  // drain 11 + (87 + 2) + 1 + 1 + 3 = 105. Total 141.
  const r = row({ sentenceLength: 16, keysFetched: 16, valuesFetched: 16, queries: 16 });
  const t: Trace = { ...trace([r]), mode: 'encoder' };
  assert.equal(simulate(t, hw, { timing: 'pipelined', denseBits: 32 }).totalCycles, 199);
  assert.equal(simulate(t, hw, { timing: 'additive', denseBits: 32 }).totalCycles, 141);
});

test('the 1/8 configuration: one key per cycle, 2 channels', () => {
  // spatten-1/8, the first workload: K+Q 640 B = 20 tx -> ceil(20/2) = 10 cycles; V 16 tx -> 8.
  // QK ceil(8*64/64) = 8, softmax ceil(8/1) = 8, PV 8.
  // K [0,10]; QK [17, max(25, 10+17) = 27]; softmax [28, max(36, 27+11) = 38]; decision 126;
  // V [126,134]; PV [142, max(150, 134+16) = 150]; done 153.
  const eighth = resolveHardwareConfig('spatten-1/8');
  assert.equal(simulate(trace([row({})]), eighth, { timing: 'pipelined', denseBits: 32 }).totalCycles, 153);
});
