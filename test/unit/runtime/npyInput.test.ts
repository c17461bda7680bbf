import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/engine/errors';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { denseAttentionCore } from '../../../src/engine/runtime/denseAttentionCore';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { parseNpy } from '../../../src/engine/runtime/npyInput';
import { ReferenceModel } from '../../../src/engine/runtime/referenceRun';
import { seededFloats, tinyAttentionModel } from '../model/tinyAttentionGraph';

/** Bytes of a version-1 .npy file, as numpy.save writes it (header padded to 64 bytes). */
function npy(descr: string, shape: number[], data: Uint8Array, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(data, 10 + header.length);
  return out;
}

test('a user-given .npy feeds a non-text graph input, through both the engine and the reference', async () => {
  const x = seededFloats(1 * 5 * 8, 11);
  const t = parseNpy(npy('<f4', [1, 5, 8], new Uint8Array(x.buffer)), 'x.npy');
  assert.deepEqual([t.type, [...t.dims]], ['float32', [1, 5, 8]]);
  assert.deepEqual([...(t.data as Float32Array)], [...x]);
  const proto = tinyAttentionModel({ mask: 'none' });
  const d = discoverTransformer(proto);
  const engine = await EngineSession.create({ proto }, d, { given: { x: t } });
  const ref = await ReferenceModel.create(proto, d, { given: { x: t } });
  const a = await engine.runEncoder(null, denseAttentionCore);
  const b = await ref.run(null);
  assert.deepEqual(a.dims, [1, 5, 8]);
  let m = 0;
  a.logits.forEach((v, i) => (m = Math.max(m, Math.abs(v - b.logits[i]))));
  assert.ok(m <= 1e-5);
  await engine.release();
  await ref.release();
});

test('bad .npy files are InputErrors', () => {
  const bad = (bytes: Uint8Array, re: RegExp) => assert.throws(() => parseNpy(bytes, 'in.npy'), (e: unknown) => e instanceof InputError && re.test(e.message));
  bad(new Uint8Array(20), /magic/);
  bad(npy('>f4', [2], new Uint8Array(8)), /dtype '>f4'/);
  bad(npy('<f4', [3], new Uint8Array(8)), /needs 12/);
  bad(npy('<f4', [2], new Uint8Array(8), true), /Fortran order/);
});
