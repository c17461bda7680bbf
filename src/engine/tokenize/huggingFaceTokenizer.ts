// Hugging Face tokenizer.json (+ tokenizer_config.json) through @huggingface/tokenizers, which
// implements the normalizers, pre-tokenizers, models and post-processors; we add the character
// offsets it does not return (tokenOffsets.ts) and the seam's TextTokenizer shape.

// @huggingface/tokenizers is an ES module package while this project compiles as CommonJS
// (tsconfig Node16): types come in with resolution-mode "import", the code through require(),
// which resolves to the package's CommonJS build and which esbuild bundles.
import type * as HfTokenizers from '@huggingface/tokenizers' with { 'resolution-mode': 'import' };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer } = require('@huggingface/tokenizers') as typeof HfTokenizers;
type Tokenizer = HfTokenizers.Tokenizer;
import { InputError } from '../errors';
import { checkPostProcessorTemplates, checkTokenizerIds } from './tokenizerJsonIds';
import { SurfaceRules, alignTokenOffsets, tokenSurfaceBytes } from './tokenOffsets';
import { TextTokenizer, TokenizedText } from './textTokenizer';

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Every component object under a (possibly Sequence-nested) normalizer / pre_tokenizer / decoder. */
function components(x: unknown): Json[] {
  if (!isObject(x)) return [];
  const nested = ['normalizers', 'pretokenizers', 'decoders', 'processors'].flatMap((k) =>
    Array.isArray(x[k]) ? (x[k] as unknown[]).flatMap(components) : [],
  );
  return [x, ...nested];
}

function tokenName(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (isObject(x) && typeof x.content === 'string') return x.content;
  return undefined;
}

export function surfaceRules(json: Json): SurfaceRules {
  const model = isObject(json.model) ? json.model : {};
  const norms = components(json.normalizer);
  const pres = components(json.pre_tokenizer);
  const decs = components(json.decoder);
  const all = [...norms, ...pres, ...decs];
  const bert = norms.find((c) => c.type === 'BertNormalizer');
  const lowercase = norms.some((c) => c.type === 'Lowercase') || (bert !== undefined && bert.lowercase !== false);
  const bertStrip = bert === undefined ? false : bert.strip_accents === null || bert.strip_accents === undefined ? lowercase : bert.strip_accents === true;
  const usesMetaspace =
    all.some((c) => c.type === 'Metaspace') ||
    all.some((c) => c.type === 'Replace' && JSON.stringify(c).includes('\u2581'));
  const prefix = model.continuing_subword_prefix;
  return {
    byteLevel: all.some((c) => c.type === 'ByteLevel'),
    metaspace: usesMetaspace ? '\u2581' : null,
    byteFallback: model.byte_fallback === true || decs.some((c) => c.type === 'ByteFallback'),
    continuingPrefix: typeof prefix === 'string' && prefix.length > 0 ? prefix : model.type === 'WordPiece' ? '##' : null,
    lowercase,
    stripAccents: norms.some((c) => c.type === 'StripAccents') || bertStrip,
  };
}

export class HuggingFaceTokenizer implements TextTokenizer {
  readonly kind = 'huggingface' as const;
  readonly vocabSize: number;
  readonly bosId?: number;
  readonly eosId?: number;
  private readonly tok: Tokenizer;
  private readonly rules: SurfaceRules;
  /** Special tokens with no text ([CLS], <s>); the unknown token is not one: it stands for text. */
  private readonly specialIds: Set<number>;

  /** `where` names the tokenizer.json file in errors. */
  constructor(tokenizerJson: unknown, tokenizerConfig: unknown, private readonly where: string) {
    if (!isObject(tokenizerJson) || !isObject(tokenizerJson.model)) {
      throw new InputError(where, 'not a Hugging Face tokenizer.json (no "model" object)');
    }
    const config = isObject(tokenizerConfig) ? tokenizerConfig : {};
    checkTokenizerIds(tokenizerJson, where);
    checkPostProcessorTemplates(tokenizerJson, where);
    try {
      this.tok = new Tokenizer(tokenizerJson, config);
    } catch (e) {
      throw new InputError(where, `cannot build the tokenizer: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.rules = surfaceRules(tokenizerJson);
    this.specialIds = new Set<number>();
    for (const t of Array.isArray(tokenizerJson.added_tokens) ? tokenizerJson.added_tokens : []) {
      if (isObject(t) && t.special === true && typeof t.id === 'number') this.specialIds.add(t.id);
    }
    const unk = tokenName((tokenizerJson.model as Json).unk_token);
    const unkId = unk === undefined ? undefined : this.tok.token_to_id(unk);
    if (unkId !== undefined) this.specialIds.delete(unkId);
    this.vocabSize = this.tok.get_vocab(true).size;
    const idOf = (names: unknown[]): number | undefined => {
      for (const n of names) {
        const s = tokenName(n);
        const id = s === undefined ? undefined : this.tok.token_to_id(s);
        if (id !== undefined) return id;
      }
      return undefined;
    };
    this.bosId = idOf([config.bos_token, config.cls_token]);
    this.eosId = idOf([config.eos_token, config.sep_token]);
  }

  /**
   * Runs the library on the input. It trusts the tokenizer.json it was built from; whatever still
   * breaks inside it is a fault of that file, reported as one (never an internal error).
   */
  private library<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (e) {
      throw new InputError(this.where, `the tokenizer failed ${what} (${e instanceof Error ? e.message : String(e)}); the file's normalizer, pre_tokenizer, post_processor or decoder is malformed`);
    }
  }

  encode(text: string): TokenizedText {
    const enc = this.library('on the input', () => this.tok.encode(text));
    // The tokenizers library takes a vocabulary's ids and a post-processor's special tokens as
    // they are written: fuzz case s2-c177 (an id of [2, 0.5]) failed in the model's input tensor,
    // s2-c1290 and s2-c1745 (a SpecialToken id of null or {}) in the offset alignment.
    enc.ids.forEach((id: unknown, i: number) => {
      const token: unknown = enc.tokens[i];
      if (typeof token !== 'string') throw new InputError(this.where, `token ${i} of the input is ${JSON.stringify(token) ?? 'undefined'}, not a string (check the post_processor's special tokens)`);
      if (!Number.isSafeInteger(id) || (id as number) < 0) throw new InputError(this.where, `token '${token}' has the id ${JSON.stringify(id)}, not a non-negative integer`);
    });
    const special = enc.ids.map((id: number) => this.specialIds.has(id));
    return { ids: enc.ids, offsets: alignTokenOffsets(text, enc.tokens, special, this.rules) };
  }

  decode(ids: number[]): string {
    // The library refuses an empty list; an empty sequence decodes to ''.
    if (ids.length === 0) return '';
    return this.library('decoding the generated tokens', () => this.tok.decode(ids, { skip_special_tokens: true }));
  }

  tokenText(id: number): string {
    const t = this.tok.id_to_token(id);
    if (t === undefined) return `<id ${id}>`;
    if (this.specialIds.has(id) || !this.rules.byteLevel) return t;
    // Byte-level pieces ('Ġthe') read better as the text they stand for (' the'); a piece that is
    // part of a multi-byte character shows its bytes.
    const bytes = tokenSurfaceBytes(t, this.rules);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return Array.from(bytes, (b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
    }
  }
}
