// The mask folding of a plain core: graph tensors of every element type read as the same numbers,
// and each broadcast form (a scalar fill, a per-row column, a whole key row) lands where the
// graph's Where/Add would put it. Hand-checked 3 x 4 cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { DiscoveredCore } from '../../../src/engine/model/attentionCore';
import { coreMask } from '../../../src/engine/runtime/coreMask';
import { tensorToF32 } from '../../../src/engine/runtime/ortTensors';

test('tensorToF32 reads every integer, bool and float64 tensor as the float32 of each element', () => {
  const cases: ort.Tensor[] = [
    new ort.Tensor('int64', BigInt64Array.from([0n, -1n, 3n, 9007199254740993n]), [4]),
    new ort.Tensor('int32', Int32Array.from([0, -7, 2147483647, 16777217]), [4]),
    new ort.Tensor('uint8', Uint8Array.from([0, 1, 255, 7]), [4]),
    new ort.Tensor('int8', Int8Array.from([0, -128, 127, -1]), [4]),
    new ort.Tensor('bool', Uint8Array.from([1, 0, 1, 1]), [4]),
    new ort.Tensor('float64', Float64Array.from([0.1, -3.4e38, 1e-50, 2.5]), [4]),
  ];
  for (const t of cases) {
    const want = Array.from(t.data as ArrayLike<number | bigint>, (x) => Math.fround(Number(x)));
    assert.deepEqual(Array.from(tensorToF32(t, 'test')), want, t.type);
  }
  assert.deepEqual(Array.from(tensorToF32(new ort.Tensor('bool', Uint8Array.from([1, 0]), [2]), 'test')), [1, 0]);
});

test('coreMask folds a Where with a scalar fill, a per-row add and a key-row add into one [Lq, Lk] mask', () => {
  const Lq = 3;
  const Lk = 4;
  // Visible (true) except row 2's key 0: not a causal pattern, so no causal rewrite applies.
  const visible = [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1];
  const store = new Map<string, ort.Tensor>([
    ['cond', new ort.Tensor('bool', Uint8Array.from(visible), [1, 1, Lq, Lk])],
    ['fill', new ort.Tensor('float32', Float32Array.from([-3.4e38]), [])],
    ['perRow', new ort.Tensor('float64', Float64Array.from([0, -5, 0.25]), [1, 1, Lq, 1])],
    ['keys', new ort.Tensor('int64', BigInt64Array.from([0n, 0n, 0n, -10000n]), [1, 1, 1, Lk])],
  ]);
  const core = {
    layer: 0,
    anchor: 'test',
    fused: null,
    causal: false,
    operandScale: 1,
    scale: undefined,
    maskSteps: [
      { op: 'scale', value: 0.5 },
      { op: 'where', cond: 'cond', fill: 'fill', chainWhen: true },
      { op: 'add', tensor: 'perRow' },
      { op: 'add', tensor: 'keys' },
    ],
  } as unknown as DiscoveredCore;
  const m = coreMask(core, { store, constants: new Map() }, Lq, Lk, 64, Int32Array.from([0, 1, 2]), true);
  const fill = Math.fround(-3.4e38);
  const want = [
    [0, 0, 0, -10000],
    [-5, -5, -5, -5 - 10000],
    [fill + 0.25, 0.25, 0.25, Math.fround(0.25 - 10000)],
  ].flat().map((x) => Math.fround(x));
  assert.equal(m.scale, 0.5);
  assert.equal(m.causal, false);
  assert.deepEqual(Array.from(m.mask as Float32Array), want);
});
