// What a front end (CLI, extension) asks of the engine, and how the engine reports progress.
// The implementation is runProfile in profile.ts; front ends depend only on these types and it.

/** A graph input given by the user: a .npy file, or a shape filled with seeded synthetic values. */
export type GraphInputSpec = { npy: string } | { shape: number[] };

export interface ProfileRequest {
  /** Path of the .onnx model (its tokenizer is looked up beside it). */
  modelPath: string;
  /** The text to profile. For a batch, one input per element. May be empty when the graph has no token input. */
  texts: string[];
  /** Graph inputs by name (pixel values, audio features, ...): a .npy file or a shape to synthesise. */
  inputs?: Record<string, GraphInputSpec>;
  /** Gold labels, one per text (classifiers): a class index or a name from config.json's id2label. */
  labels?: (number | string)[];
  /**
   * Policy preset name ('paper-gpt2-small', 'off', ...) or a parsed JSON policy object; 'auto' (or
   * "extends": "auto") follows the model: paper-bert for encoders, paper-gpt2-small for decoders.
   */
  policy: string | Record<string, unknown>;
  /** Hardware preset name ('spatten-1x', 'spatten-1/8') or a parsed JSON config object. */
  hardware: string | Record<string, unknown>;
  /** Tokens to generate after the prompt (decoders); 0 = only score the given text. */
  generateTokens?: number;
  /** Limits the prompt length in tokens (long inputs are truncated with a warning). */
  maxTokens?: number;
  /**
   * Graphs without a token input (vision, OCR, audio transformers) run on seeded synthetic inputs
   * of their declared shapes; symbolic dimensions take this length (default 64, at most
   * MAX_TOKENS_CEILING). `texts` are then ignored.
   */
  syntheticLength?: number;
  signal?: AbortSignal;
}

export type ProfileStage = 'load' | 'tokenize' | 'reference' | 'engine' | 'simulate' | 'report';

export interface ProfileProgress {
  stage: ProfileStage;
  /** e.g. "layer 3 of 12", "step 5 of 32". */
  detail?: string;
  /** 0..1 of the whole run, when known. */
  fraction?: number;
}

export type ProgressSink = (p: ProfileProgress) => void;

/** What runProfile (profile.ts) returns: the report every front end renders, and the Trace behind it. */
export interface ProfileResult {
  report: import('./report/profileReport').ProfileReport;
  trace: import('./trace/trace').Trace;
}
