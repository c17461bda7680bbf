// Golden cycle counts for tiny workloads, computed by hand below, in both timing models.
// spatten-1x: 512 + 512 multipliers (8 keys of the datapath's D = 64 per cycle), 8 softmax lanes,
// 16 comparators, 16 channels x 32 B/cycle, 32-B transactions, DRAM latency 16, convert 1, qk 11,
// softmax 87, requant 1, pv 3, top-k round overhead 3.
// Pipelined rules used below (pipelinedTiming.ts): a unit takes the first free cycles at or after
// the op's ready time; Q x K is ready at fetch start + 17 (latency + convert) and ends no earlier
// than fetch end + 17; softmax ready at Q x K start + 11, ends no earlier than Q x K end + 11; the
// last query is decided at softmax end + 88, the first at max(softmax start + per-query + 88,
// last - (Q - 1) x per-query); V is fetched once the first query is selected; prob x V is ready at
// V start + 16, ends no earlier than V end + 16; done = prob x V end + 3.
// Additive drain = 11 + 87 + lines + 1 + 1 + 3 + 2 x 16 (DRAM round trips) + 1 (convert) = 136 + lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveHardwareConfig } from '../../../src/engine/hardware/hardwarePresets';
import { simulate } from '../../../src/engine/hardware/simulate';
import type { Trace, TraceRow } from '../../../src/engine/trace/trace';
import { traceRow } from './traceRows';

const hw = resolveHardwareConfig('spatten-1x');

const row = (p: Partial<TraceRow>): TraceRow => traceRow(p);

function trace(rows: TraceRow[], heads = rows.length): Trace {
  return { version: 1, source: { kind: 'engine', name: 'golden' }, mode: 'generation', model: { name: 'g', layers: 1, heads, kvHeads: heads, headDim: 64 }, rows };
}

test('one head, 8 keys, 8-bit K/V: pipelined 138 cycles, dense fp32 144, lower bound 3', () => {
  // Bytes: K 8 x 64 x 8/8 = 512 B + Q 64 x 16/8 = 128 B = 20 tx -> ceil(20/16) = 2 cycles.
  // V 512 B = 16 tx -> 1 cycle. QK ceil(8/8) = 1, softmax ceil(8/8) = 1, PV 1.
  // K [0,2]; QK [17,18], ends max(18, 2+17) = 19; softmax [28,29], ends max(29, 19+11) = 30;
  // decided 30+88 = 118; V [118,119]; PV [134,135], ends max(135, 119+16) = 135; done 138.
  // Stages: fetchK 2, qk 1, softmax 1, fetchV 1, pv 1, idle 132. Busiest unit: DRAM 2 + 1 = 3.
  // Dense (32-bit, L = 8, one query): K 2048 + Q 256 B = 72 tx -> 5 cycles; V 2048 B = 64 tx -> 4.
  // QK ends max(18, 5+17) = 22; softmax max(29, 22+11) = 33; decided 121; V [121,125];
  // PV [137,138], ends max(138, 125+16) = 141; done 144.
  const r = simulate(trace([row({})]), hw, { timing: 'pipelined', denseBits: 32 });
  assert.equal(r.totalCycles, 138);
  assert.equal(r.denseCycles, 144);
  assert.equal(r.lowerBoundCycles, 3);
  const s = r.layers[0].stages;
  assert.deepEqual([s.fetchK, s.qk, s.softmax, s.fetchV, s.pv, s.fillDrain], [2, 1, 1, 1, 1, 132]);
  assert.deepEqual(r.dramBytesByTensor, { kMsb: 512, kLsb: 0, v: 512, q: 128 });
  assert.equal(r.denseDramBytes, 2048 + 2048 + 256);
});

test('one head, 8 keys: additive 141 cycles, dense 147', () => {
  // One line of 8 keys. Ktx = floor(1*8*64*8/8/32) = 16 -> ceil(16/16) = 1 slot; V 1; Q 128 B =
  // 4 tx -> 1: dram 3. fill = 1 query x 1 = 1. drain = 136 + 1 = 137. Total 141.
  // Dense at 32 bit: Ktx = 64 -> 4, Vtx 64 -> 4, Q 256 B = 8 tx -> 1: dram 9; fill 1; drain 137: 147.
  const r = simulate(trace([row({})]), hw, { timing: 'additive', denseBits: 32 });
  assert.equal(r.totalCycles, 141);
  assert.equal(r.denseCycles, 147);
  assert.deepEqual(r.layers[0].stages, { dram: 3, fill: 1, drain: 137, tokenTopK: 0, localVTopK: 0, refetch: 0, headTopK: 0 });
});

test('two heads overlap: pipelined 140 cycles (the second K fills the DRAM gap), additive 145', () => {
  // Row 0 as above. K1 is ready at 0 and takes the next free DRAM cycles [2,4]. QK1 [19,20], ends
  // max(20, 4+17) = 21; softmax1 [30,31], ends max(31, 21+11) = 32; decided 120; V1 [120,121];
  // PV1 [136,137], ends max(137, 121+16) = 137; done 140.
  // Additive: dram 3 + 3, fill 1 + 1, drain 137 = 145.
  const rows = [row({ head: 0 }), row({ head: 1 })];
  assert.equal(simulate(trace(rows), hw, { timing: 'pipelined', denseBits: 32 }).totalCycles, 140);
  assert.equal(simulate(trace(rows), hw, { timing: 'additive', denseBits: 32 }).totalCycles, 145);
});

test('one layer with an LSB refetch: pipelined 254 cycles, additive 260', () => {
  // 6-bit K MSBs + 4-bit LSBs, 6-bit V, the row refetched.
  // K 384 B + Q 128 B = 16 tx -> 1 cycle; LSB 256 B = 8 tx -> 1; V 384 B = 12 tx -> 1.
  // K [0,1]; QK [17,18], ends max(18, 1+17) = 18; softmax [28,29], ends 29; decided 29+88 = 117.
  // LSB [117,118]; recompute QK [134,135], ends max(135, 118+17) = 135; softmax again [145,146],
  // ends max(146, 135+11) = 146; decided 146+88 = 234 (the only query refetched: V waits for it).
  // V [234,235]; PV [250,251], ends max(251, 235+16) = 251; done 254.
  // Stages: fetchK 1, qk 1, softmax 1, fetchKLsb 1, requant 2, fetchV 1, pv 1, idle 246.
  // Additive bills 6-bit as 8: dram 3, fill 1, drain 137, plus the refetch term:
  // LSBtx = floor(1*8*64*4/8/32) = 8 -> ceil(8/16) = 1 slot, + 1 refetched query x 1, + the
  // recompute's trip 16 + 1 + 11 + 87 + 1 + 1 = 117: 119. Total 3 + 1 + 137 + 119 = 260.
  const rr = row({ keyBits: 6, valueBits: 6, lsbBits: 4, requantThreshold: 0.05, refetchedQueries: 1 });
  const p = simulate(trace([rr]), hw, { timing: 'pipelined', denseBits: 32 });
  assert.equal(p.totalCycles, 254);
  const s = p.layers[0].stages;
  assert.deepEqual([s.fetchK, s.qk, s.softmax, s.fetchKLsb, s.requant, s.fetchV, s.pv, s.fillDrain], [1, 1, 1, 1, 2, 1, 1, 246]);
  assert.deepEqual(p.dramBytesByTensor, { kMsb: 384, kLsb: 256, v: 384, q: 128 });
  const a = simulate(trace([rr]), hw, { timing: 'additive', denseBits: 32 });
  assert.equal(a.totalCycles, 260);
  assert.equal(a.layers[0].stages.refetch, 119);
});

test('top-k calls with measured rounds: pipelined 146 cycles, additive 153', () => {
  // Local V top-k keeps 4 of 8 values, rounds [8, 5]: (ceil(8/16)+3) + (ceil(5/16)+3) = 8 cycles.
  // Token top-k after the row keeps 6 of 8, rounds [8]: 4 cycles.
  // As the first test until the decision at 118; local top-k [118,126]; V: 4 x 64 B = 256 B =
  // 8 tx -> 1 cycle [126,127]; PV ceil(4/8) = 1: [142,143], ends max(143, 127+16) = 143, done 146.
  // Token top-k ready at 118, the engine is busy until 126: [126,130], hidden.
  // Additive: dram K 1 + V 1 + Q 1 = 3; fill 1; drain 137; token top-k 4; local V 1 query x 8.
  // Total 3 + 1 + 137 + 4 + 8 = 153.
  const rr = row({ valuesFetched: 4, localVTopK: { n: 8, k: 4, roundSizes: [8, 5] }, tokenTopK: { n: 8, k: 6, roundSizes: [8] } });
  const p = simulate(trace([rr]), hw, { timing: 'pipelined', denseBits: 32 });
  assert.equal(p.totalCycles, 146);
  assert.equal(p.layers[0].stages.localVTopK, 8);
  assert.deepEqual(p.topKCalls, { total: 2, measured: 2 });
  const a = simulate(trace([rr]), hw, { timing: 'additive', denseBits: 32 });
  assert.equal(a.totalCycles, 153);
  assert.equal(a.layers[0].stages.tokenTopK, 4);
  assert.equal(a.layers[0].stages.localVTopK, 8);
});

test('a fused pair of 6-bit heads: one K fetch and one V fetch for both, 139 cycles', () => {
  // Heads 0 and 1 at 6 bit travel as one 96-B vector per key (the RTL's fused_mat = 2).
  // K+Q of both: 2 x 512 B = 32 tx -> 2 cycles [0,2]; V of both 2 x 384 B = 24 tx -> 2 cycles.
  // Head 0: QK [17,18] ends 19; softmax [28,29] ends 30; decided 118; V [118,120];
  // PV [134,135], ends max(135, 120+16) = 136; done 139.
  // Head 1 rides on the same fetches: QK [18,19] ends 19; softmax [29,30] ends 30; decided 118;
  // PV [135,136] ends 136; done 139. Busiest unit: DRAM 2 + 2 = 4.
  const rows = [0, 1].map((h) => row({ head: h, keyBits: 6, valueBits: 6 }));
  const r = simulate(trace(rows), hw, { timing: 'pipelined', denseBits: 32 });
  assert.equal(r.totalCycles, 139);
  assert.equal(r.lowerBoundCycles, 4);
});

test('the datapath is built for D = 64: a D = 8 head pads, a D = 128 head takes two passes', () => {
  // D = 8, 64 keys: K 64 x 8 B = 512 B + Q 16 B = 17 tx -> 2 cycles; V 512 B -> 1.
  // QK ceil(64/8) = 8 cycles (not 1: the array holds 8 keys per cycle whatever D), softmax 8, PV 8.
  // K [0,2]; QK [17,25] ends 25; softmax [28,36] ends max(36, 25+11) = 36; decided 124;
  // V [124,125]; PV [140,148] ends max(148, 125+16) = 148; done 151.
  const d8 = row({ headDim: 8, sentenceLength: 64, keysFetched: 64, valuesFetched: 64 });
  assert.equal(simulate({ ...trace([d8]), model: { ...trace([d8]).model, headDim: 8 } }, hw, { timing: 'pipelined', denseBits: 32 }).totalCycles, 151);
  // D = 128, 8 keys: K 1024 B + Q 256 B = 40 tx -> 3 cycles; V 1024 B = 32 tx -> 2.
  // QK 1 line x 2 passes = 2, softmax ceil(8/8) = 1, PV 2.
  // K [0,3]; QK [17,19] ends max(19, 3+17) = 20; softmax [28,29] ends max(29, 20+11) = 31;
  // decided 119; V [119,121]; PV [135,137] ends max(137, 121+16) = 137; done 140.
  const d128 = row({ headDim: 128 });
  assert.equal(simulate(trace([d128]), hw, { timing: 'pipelined', denseBits: 32 }).totalCycles, 140);
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

test('BERT-style row (16 query rows over 16 keys, queries streaming): pipelined 169 cycles, additive 178', () => {
  // Pipelined: K 16 x 64 B = 1024 B + Q 16 x 128 B = 2048 B -> 96 tx -> 6 cycles; V 1024 B -> 2.
  // Per query: QK ceil(16/8) = 2, softmax 2, PV 2; x 16 queries = 32 each.
  // K [0,6]; QK [17,49] ends 49; softmax [28,60] ends max(60, 49+11) = 60; last query decided
  // 148, first max(28+2+88, 148-15x2) = 118; V [118,120]; PV streams from the first query:
  // [134,166] ends max(166, 120+16, 148+2) = 166; done 169.
  // Additive: 2 lines; Ktx = floor(2*8*64*8/8/32) = 32 -> 2, V 2, Q 64 tx -> 4: dram 8;
  // fill 16 x 2 = 32; drain 136 + 2 = 138. Total 178.
  const r = row({ sentenceLength: 16, keysFetched: 16, valuesFetched: 16, queries: 16 });
  const t: Trace = { ...trace([r]), mode: 'encoder' };
  assert.equal(simulate(t, hw, { timing: 'pipelined', denseBits: 32 }).totalCycles, 169);
  assert.equal(simulate(t, hw, { timing: 'additive', denseBits: 32 }).totalCycles, 178);
});

test('the 1/8 configuration: one key per cycle, 2 channels', () => {
  // spatten-1/8, the first workload: K+Q 640 B = 20 tx -> ceil(20/2) = 10 cycles; V 16 tx -> 8.
  // QK 8 lines of 1 key = 8, softmax ceil(8/1) = 8, PV 8.
  // K [0,10]; QK [17,25] ends max(25, 10+17) = 27; softmax [28,36] ends max(36, 27+11) = 38;
  // decided 126; V [126,134]; PV [142,150] ends max(150, 134+16) = 150; done 153.
  const eighth = resolveHardwareConfig('spatten-1/8');
  assert.equal(simulate(trace([row({})]), eighth, { timing: 'pipelined', denseBits: 32 }).totalCycles, 153);
});

test('a (step, layer) too long to pack its events into one number is attributed the same way', () => {
  // 1024 heads x 65,536 queries: about 2^40 cycles, over 2^53 once multiplied by the event count.
  const big = Array.from({ length: 1024 }, (_, h) => row({ head: h, sentenceLength: 65536, keysFetched: 65536, valuesFetched: 65536, queries: 65536 }));
  const r = simulate({ ...trace(big), mode: 'encoder' }, hw, { timing: 'pipelined', denseBits: 32 });
  const sum = Object.values(r.layers[0].stages).reduce((a, b) => a + b, 0);
  assert.equal(sum, r.totalCycles);
  assert.ok(r.lowerBoundCycles <= r.totalCycles);
});
