// Token ids and special-token templates in a tokenizer.json are checked before the tokenizers
// library sees them: it takes them as written, and a huge id makes it build tables as long as the
// id (fuzz case s2-c3138: one vocabulary id of 2^31 - 1 hung the profile past 30 s at 100 % CPU
// before any output); a template item that is not an object fails inside it with a TypeError
// (fuzz case s1-c429: a "single" item "[object Object]").
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

/** Every TemplateProcessing in a post_processor (possibly inside a Sequence's processors). */
function templateProcessors(x: unknown): Record<string, unknown>[] {
  if (x === null || typeof x !== 'object' || Array.isArray(x)) return [];
  const p = x as Record<string, unknown>;
  const nested = Array.isArray(p.processors) ? p.processors.flatMap(templateProcessors) : [];
  return p.type === 'TemplateProcessing' ? [p, ...nested] : nested;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

/**
 * Throws an InputError naming the first post_processor template item that is not
 * {"SpecialToken": {"id": "<token>", ...}} or {"Sequence": {"id": "A" | "B", ...}}.
 */
export function checkPostProcessorTemplates(json: Record<string, unknown>, where: string): void {
  for (const template of templateProcessors(json.post_processor)) {
    for (const key of ['single', 'pair'] as const) {
      const items = template[key];
      if (items === undefined || items === null) continue;
      if (!Array.isArray(items)) throw new InputError(where, `post_processor "${key}" is ${JSON.stringify(items).slice(0, 60)}, not a list of template items`);
      items.forEach((item: unknown, i: number) => {
        const special = isPlainObject(item) ? item.SpecialToken : undefined;
        const sequence = isPlainObject(item) ? item.Sequence : undefined;
        const ok = isPlainObject(special) ? typeof special.id === 'string' : isPlainObject(sequence) && (sequence.id === 'A' || sequence.id === 'B');
        if (!ok) throw new InputError(where, `post_processor "${key}" item ${i} is ${(JSON.stringify(item) ?? 'undefined').slice(0, 60)}, not {"SpecialToken": {"id": "<token>"}} or {"Sequence": {"id": "A"}}`);
      });
    }
  }
}
