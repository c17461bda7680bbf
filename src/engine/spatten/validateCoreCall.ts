// Checks an attention-core call against the model's dimensions before any work, so a mis-wired
// graph or a bad cache shows up as an InputError naming the layer, not as NaNs or a crash.
import { InputError } from '../errors';
import type { ModelDims } from '../model/modelDims';
import type { AttentionCoreCall } from '../runtime/attentionCore';

/** The model dimensions a call is checked against: ModelDims' attention fields. */
type CoreDimsForValidation = Pick<ModelDims, 'layers' | 'heads' | 'kvHeads' | 'headDim'>;

/** The model dimensions a SpAtten core is created with. */
export function validateCoreDims(dims: CoreDimsForValidation & Pick<ModelDims, 'hiddenSize' | 'ffnSize'> & { mode: string; protectedPositions: number[] }): void {
  const where = 'SpAtten core dimensions';
  for (const key of ['layers', 'heads', 'kvHeads', 'headDim', 'hiddenSize'] as const) {
    const v = dims[key];
    if (!Number.isInteger(v) || v < 1) throw new InputError(where, `${key} must be a positive integer (got ${v})`);
  }
  // 0: an attention-only graph (no FFN found), whose FC FLOPs are the projections alone.
  if (!Number.isInteger(dims.ffnSize) || dims.ffnSize < 0) throw new InputError(where, `ffnSize must be a non-negative integer (got ${dims.ffnSize})`);
  if (dims.kvHeads > dims.heads) throw new InputError(where, `kvHeads (${dims.kvHeads}) exceeds heads (${dims.heads})`);
  if (dims.mode !== 'encoder' && dims.mode !== 'generation') throw new InputError(where, `mode must be 'encoder' or 'generation' (got ${dims.mode})`);
  for (const p of dims.protectedPositions) {
    if (!Number.isInteger(p) || p < 0) throw new InputError(where, `protected position ${p} is not a non-negative integer`);
  }
}

export function validateCoreCall(call: AttentionCoreCall, dims: CoreDimsForValidation): void {
  const where = `attention core (layer ${call.layer}, step ${call.step})`;
  const { heads, kvHeads, headDim, queryLen, keyLen } = call.shape;
  if (!Number.isInteger(call.layer) || call.layer < 0 || call.layer >= dims.layers) {
    throw new InputError(where, `layer must be an integer in [0, ${dims.layers})`);
  }
  if (!Number.isInteger(call.step) || call.step < -1) throw new InputError(where, 'step must be an integer >= -1');
  if (heads !== dims.heads || kvHeads !== dims.kvHeads || headDim !== dims.headDim) {
    throw new InputError(
      where,
      `shape H=${heads}, Hkv=${kvHeads}, D=${headDim} does not match the model (H=${dims.heads}, Hkv=${dims.kvHeads}, D=${dims.headDim})`,
    );
  }
  if (!Number.isInteger(queryLen) || queryLen < 1 || !Number.isInteger(keyLen) || keyLen < 1) {
    throw new InputError(where, `queryLen (${queryLen}) and keyLen (${keyLen}) must be positive integers`);
  }
  const expect = (name: string, got: number, want: number, layout: string) => {
    if (got !== want) throw new InputError(where, `${name} has ${got} elements, expected ${want} (${layout})`);
  };
  expect('q', call.q.length, heads * queryLen * headDim, '[H, Lq, D]');
  const stride = call.kvStride ?? keyLen;
  if (!Number.isInteger(stride) || stride < keyLen) throw new InputError(where, `kvStride ${stride} must be an integer >= keyLen (${keyLen})`);
  const kvLayout = call.kvStride === undefined ? '[Hkv, Lk, D]' : '[Hkv, kvStride, D]';
  expect('k', call.k.length, kvHeads * stride * headDim, kvLayout);
  expect('v', call.v.length, kvHeads * stride * headDim, kvLayout);
  if (call.mask !== null) expect('mask', call.mask.length, queryLen * keyLen, '[Lq, Lk]');
  if (call.bias) expect('bias', call.bias.length, heads * queryLen * keyLen, '[H, Lq, Lk]');
  expect('queryPositions', call.queryPositions.length, queryLen, '[Lq]');
  for (let i = 0; i < queryLen; i++) {
    const p = call.queryPositions[i];
    if (p < 0 || p >= keyLen) throw new InputError(where, `queryPositions[${i}] = ${p} is outside [0, ${keyLen})`);
  }
  if (!Number.isFinite(call.scale)) throw new InputError(where, `scale ${call.scale} is not finite`);
}
