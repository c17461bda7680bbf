// The token sequence a profile runs on: the text tokenized (at most maxTokens, the rest cut with a
// warning) and fitted to the model's position table. A decoder's prompt plus the tokens it will
// generate must fit the table (positions past its last row make ORT fail mid-run), so the prompt
// is trimmed from the front, keeping a leading special token (BOS, a sink) and the most recent
// text, which is what generation continues from. An encoder's input is cut at the end, as the
// maxTokens truncation does.
import { InputError } from './errors';
import type { TextTokenizer } from './tokenize/textTokenizer';
import type { PositionTable } from './model/positionTable';

/** Longest input text accepted (UTF-16 code units) before tokenizing. */
export const MAX_TEXT_CHARS = 4 * 1024 * 1024;

export interface Tokens {
  text: string;
  ids: number[];
  offsets: [number, number][];
}

/**
 * Only the first maxTokens tokens are kept, yet tokenizing all of a 4M-character input took ~30 s:
 * a prefix is tokenized first, long enough for maxTokens tokens plus a margin (a merge near the
 * cut cannot reach that far back); only when the prefix has too few tokens is the whole text read.
 */
const PREFIX_CHARS_PER_TOKEN = 64;
const PREFIX_MARGIN_TOKENS = 64;

function encodeFirst(tokenizer: TextTokenizer, text: string, maxTokens: number): { enc: ReturnType<TextTokenizer['encode']>; cut: boolean } {
  const prefixChars = (maxTokens + PREFIX_MARGIN_TOKENS) * PREFIX_CHARS_PER_TOKEN;
  if (text.length > prefixChars) {
    const enc = tokenizer.encode(text.slice(0, prefixChars));
    if (enc.ids.length >= maxTokens + PREFIX_MARGIN_TOKENS) return { enc, cut: true };
  }
  return { enc: tokenizer.encode(text), cut: false };
}

export function tokenizeInput(tokenizer: TextTokenizer, text: string, maxTokens: number, where: string, warnings: string[]): Tokens {
  if (text.length > MAX_TEXT_CHARS) throw new InputError(where, `input is ${text.length} characters, over the ${MAX_TEXT_CHARS}-character limit`);
  const { enc, cut } = encodeFirst(tokenizer, text, maxTokens);
  if (enc.ids.length === 0) throw new InputError(where, 'the input produced no tokens');
  if (enc.ids.length > maxTokens) {
    warnings.push(`${where}: ${cut ? 'at least ' : ''}${enc.ids.length} tokens, truncated to the first ${maxTokens} (maxTokens)`);
    return { text, ids: enc.ids.slice(0, maxTokens), offsets: enc.offsets.slice(0, maxTokens) };
  }
  return { text, ids: enc.ids, offsets: enc.offsets };
}

/**
 * Fits tokens to the position table: a decoder keeps prompt + generateTokens within it by dropping
 * the oldest prompt tokens (after a leading special token); an encoder keeps the first `size`.
 */
export function fitPositionTable(x: Tokens, table: PositionTable | undefined, mode: 'encoder' | 'generation', generateTokens: number, where: string, warnings: string[]): Tokens {
  if (!table) return x;
  const budget = table.size - (mode === 'generation' ? generateTokens : 0);
  if (x.ids.length <= budget) return x;
  if (budget < 2) throw new InputError('generateTokens', `${generateTokens} generated tokens leave ${budget} of the model's ${table.size} positions (${table.tensor}) for the prompt; at least 2 are needed`);
  const total = mode === 'generation' ? ` + ${generateTokens} generated` : '';
  if (mode === 'encoder') {
    warnings.push(`${where}: ${x.ids.length} tokens${total} exceed the model's position table (${table.tensor}, ${table.size} positions): cut to the first ${budget}`);
    return { text: x.text, ids: x.ids.slice(0, budget), offsets: x.offsets.slice(0, budget) };
  }
  const keepHead = x.offsets.length > 0 && x.offsets[0][0] < 0 ? 1 : 0;
  const drop = x.ids.length - budget;
  warnings.push(`${where}: ${x.ids.length} prompt tokens${total} exceed the model's position table (${table.tensor}, ${table.size} positions): the first ${drop} prompt tokens${keepHead ? ' after the leading special token' : ''} were trimmed`);
  const cut = <T>(a: T[]) => [...a.slice(0, keepHead), ...a.slice(keepHead + drop)];
  return { text: x.text, ids: cut(x.ids), offsets: cut(x.offsets) };
}
