// The policy 'auto': the paper's preset for the kind of model being profiled, chosen once the
// model is discovered. The GPT-2 preset on an encoder (one pass, no KV cache to shrink) prunes as
// if each layer were a decode step and makes the run slower (0.235x on PaddleOCR's encoder, where
// paper-bert gives 1.17x), so the default follows the model: encoders (one bidirectional pass,
// also vision and OCR graphs without tokens) get paper-bert, decoders get paper-gpt2-small.
// 'auto' may be given as the policy or as a policy file's "extends".
import type { PolicyPresetName } from './policy';

export const AUTO_POLICY = 'auto';

export interface PolicyChoice {
  /** What runProfile resolves: the request's policy with 'auto' replaced by a preset. */
  policy: string | Record<string, unknown>;
  source: 'auto' | 'request';
  /** Why this policy, for the report and the CLI's header. */
  reason: string;
}

export function isAutoPolicy(policy: string | Record<string, unknown>): boolean {
  return typeof policy === 'string' ? policy === AUTO_POLICY : policy.extends === AUTO_POLICY;
}

/** The preset 'auto' stands for on a model run in `mode`. */
export function autoPreset(mode: 'encoder' | 'generation'): PolicyPresetName {
  return mode === 'generation' ? 'paper-gpt2-small' : 'paper-bert';
}

/** The request's policy with 'auto' (as the policy or as "extends") replaced by `preset`. */
export function substituteAuto(policy: string | Record<string, unknown>, preset: PolicyPresetName): string | Record<string, unknown> {
  if (!isAutoPolicy(policy)) return policy;
  return typeof policy === 'string' ? preset : { ...policy, extends: preset };
}

/** The policy to run on a model in `mode`, and where it came from. */
export function choosePolicy(policy: string | Record<string, unknown>, mode: 'encoder' | 'generation'): PolicyChoice {
  if (!isAutoPolicy(policy)) return { policy, source: 'request', reason: 'given' };
  const preset = autoPreset(mode);
  const what = mode === 'generation' ? 'a decoder (causal attention, scored and generated token by token)' : 'an encoder (one pass over the whole input)';
  return { policy: substituteAuto(policy, preset), source: 'auto', reason: `auto: the model is ${what}, so ${preset}` };
}
