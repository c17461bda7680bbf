// What a front end (CLI, extension) asks of the engine, and how the engine reports progress.
// The implementation is runProfile in profile.ts; front ends depend only on these types and it.

export interface ProfileRequest {
  /** Path of the .onnx model (its tokenizer is looked up beside it). */
  modelPath: string;
  /** The text to profile. For a batch, one input per element. */
  texts: string[];
  /** Gold labels, one per text (classifiers): a class index or a name from config.json's id2label. */
  labels?: (number | string)[];
  /** Policy preset name ('paper-gpt2-small', 'off', ...) or a parsed JSON policy object. */
  policy: string | Record<string, unknown>;
  /** Hardware preset name ('spatten-1x', 'spatten-1/8') or a parsed JSON config object. */
  hardware: string | Record<string, unknown>;
  /** Tokens to generate after the prompt (decoders); 0 = only score the given text. */
  generateTokens?: number;
  /** Limits the prompt length in tokens (long inputs are truncated with a warning). */
  maxTokens?: number;
  /**
   * Graphs without a token input (vision, OCR, audio transformers) run on seeded synthetic inputs
   * of their declared shapes; symbolic dimensions take this length (default 64). `texts` are then ignored.
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

/** Export formats offered by "Export Report" and the CLI. */
export type ExportFormat = 'html' | 'json' | 'csv' | 'workload-csv' | 'perfetto';
