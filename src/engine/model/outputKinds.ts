// What each graph output is, so dense and pruned runs are compared by what they mean rather than
// by assuming the first output is [batch, seq, vocab] logits. An export may end in per-position
// logits, last-token logits ([batch, vocab], exports for generation runtimes), class logits,
// probabilities (a final Softmax, e.g. PaddleOCR's CTC head), or embeddings (hidden states, a
// pooled [CLS] vector), and may have several outputs.
import type { GraphIndex } from './graphIndex';

export type OutputKind =
  /** [batch, seq, vocab]: a score per position (language models, token classifiers). */
  | 'token-logits'
  /** [batch, vocab] from a causal model: the next-token scores of the last position only. */
  | 'last-token-logits'
  /** [batch, classes] from a bidirectional model: a sequence classifier. */
  | 'class-logits'
  /** The output of a Softmax: already a distribution over the last axis. */
  | 'probabilities'
  /** Anything else: hidden states, pooled or sentence embeddings. */
  | 'embedding';

/** Graph outputs that are results, not the decoder's KV cache (present.*). */
export function resultOutputs(g: GraphIndex): string[] {
  return g.graphOutputs.filter((o) => !/^present/.test(o));
}

const LOGITS_NAME = /logits|scores/i;

function isLogits(g: GraphIndex, name: string): boolean {
  return LOGITS_NAME.test(name) || g.producer.get(name)?.opType === 'LogSoftmax';
}

function isProbabilities(g: GraphIndex, name: string): boolean {
  return g.producer.get(name)?.opType === 'Softmax';
}

/** The kind of output `name`, given its dims as observed at run time and whether the model is causal. */
export function outputKind(g: GraphIndex, name: string, dims: readonly number[], causal: boolean): OutputKind {
  if (isProbabilities(g, name)) return 'probabilities';
  if (isLogits(g, name)) {
    if (dims.length >= 3) return 'token-logits';
    return causal ? 'last-token-logits' : 'class-logits';
  }
  return 'embedding';
}

/**
 * The output the report's headline accuracy follows: logits when the model has them (by name or a
 * LogSoftmax), else probabilities, else a pooled embedding, else the first result.
 */
export function primaryOutput(g: GraphIndex): string | undefined {
  const outs = resultOutputs(g);
  return (
    outs.find((o) => o === 'logits') ??
    outs.find((o) => isLogits(g, o)) ??
    outs.find((o) => isProbabilities(g, o)) ??
    outs.find((o) => /pool|sentence_embedding|embeddings?$/i.test(o)) ??
    outs[0]
  );
}

/** Whether the primary output can drive next-token scoring and generation (logits of a vocabulary). */
export function hasTokenLogits(g: GraphIndex): boolean {
  const p = primaryOutput(g);
  return p !== undefined && isLogits(g, p);
}
