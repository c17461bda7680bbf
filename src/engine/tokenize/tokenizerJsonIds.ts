// Token ids in a tokenizer.json are checked before the tokenizers library sees them: it takes
// them as written, and a huge id makes it build tables as long as the id (fuzz case s2-c3138: one
// vocabulary id of 2^31 - 1 hung the profile past 30 s at 100 % CPU before any output).
import { InputError } from '../errors';

/** Largest token id accepted: far above real vocabularies (Gemma's is 256k), far below a hang. */
export const MAX_TOKEN_ID = 1 << 24;

function checkId(id: unknown, token: string, where: string): void {
  if (!Number.isSafeInteger(id) || (id as number) < 0 || (id as number) > MAX_TOKEN_ID) {
    throw new InputError(where, `token ${JSON.stringify(token)} has the id ${JSON.stringify(id) ?? 'undefined'}, not an integer in 0..${MAX_TOKEN_ID}`);
  }
}

/** Throws an InputError naming the first token whose id (model.vocab, added_tokens) is not usable. */
export function checkTokenizerIds(json: Record<string, unknown>, where: string): void {
  const model = json.model as Record<string, unknown> | undefined;
  const vocab = model?.vocab;
  // WordPiece and BPE map token -> id; Unigram lists [piece, score] pairs whose ids are positions.
  if (vocab !== null && typeof vocab === 'object' && !Array.isArray(vocab)) {
    for (const [token, id] of Object.entries(vocab)) checkId(id, token, where);
  }
  for (const t of Array.isArray(json.added_tokens) ? json.added_tokens : []) {
    if (t !== null && typeof t === 'object') checkId((t as { id?: unknown }).id, String((t as { content?: unknown }).content), where);
  }
}
