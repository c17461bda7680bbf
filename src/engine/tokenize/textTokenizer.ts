// The tokenizer seam: every tokenizer the engine can load (Hugging Face tokenizer.json, llama2.c
// tokenizer.bin) answers the same questions, so the profiler can map token ids back to spans of
// the user's text (hover, decorations, the report's token strip).

export interface TokenizedText {
  ids: number[];
  /**
   * One [start, end) per id, in UTF-16 code units of the ORIGINAL text (what JS string indices and
   * VS Code positions use). [-1, -1] for tokens with no text (BOS, [CLS], [SEP]). Tokens that
   * cover part of one character (byte fallback, byte-level BPE splitting an emoji) each get that
   * whole character's span, so spans may overlap.
   */
  offsets: [number, number][];
}

export interface TextTokenizer {
  readonly kind: 'huggingface' | 'llama2c';
  readonly vocabSize: number;
  readonly bosId?: number;
  readonly eosId?: number;
  /** Adds the special tokens the model expects (BOS for llama2.c, [CLS] ... [SEP] for BERT). */
  encode(text: string): TokenizedText;
  /** Text of the ids, special tokens dropped. */
  decode(ids: number[]): string;
  /** The vocabulary entry of one id as readable text (for tables and hovers). */
  tokenText(id: number): string;
}

export const NO_SPAN: [number, number] = [-1, -1];
