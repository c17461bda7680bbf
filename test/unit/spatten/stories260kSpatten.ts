// Runs the converted stories260K (real trained Llama-2 weights, ../shared) through the SpAtten core:
// teacher-forced scoring of a text and greedy generation, dense vs a policy. Shared by the
// end-to-end test and the figures script.
import * as fs from 'node:fs';
import { onnx } from 'onnx-proto';
import { discoverTransformer } from '../../../src/engine/model/transformerDiscovery';
import { denseAttentionCore } from '../../../src/engine/runtime/denseAttentionCore';
import { EngineSession } from '../../../src/engine/runtime/engineSession';
import { createSpattenCore, type SpattenAttentionCore } from '../../../src/engine/spatten/spattenAttentionCore';
import { convertStories260K } from '../model/stories260kModel';

/** stories260K: dim 64, hidden 172 (gated FFN), 5 layers, 8 heads, 4 KV heads, head size 8 (README). */
export const STORIES_DIMS = { layers: 5, heads: 8, kvHeads: 4, headDim: 8, hiddenSize: 64, ffnSize: 172, ffnMatrices: 3 };

export async function storiesSession(): Promise<EngineSession> {
  const r = await convertStories260K();
  const proto = onnx.ModelProto.decode(fs.readFileSync(r.onnxPath));
  return EngineSession.create({ proto, fileName: 'stories260K.onnx' }, discoverTransformer(proto));
}

export function storiesCore(policy: string | Record<string, unknown>): SpattenAttentionCore {
  return createSpattenCore(policy, { ...STORIES_DIMS, mode: 'generation', protectedPositions: [0] });
}

export { denseAttentionCore };
