// How the engine uses onnxruntime-node: privately and quietly.
//
// Telemetry. onnxruntime-node 1.30's Linux/macOS build ships 1DS telemetry, on by default: every
// process writes a device id and an event database (session events, error messages that name the
// user's tensors) to ~/.cache/Microsoft/DeveloperTools/.onnxruntime/, and the 1DS SDK leaves an
// empty mat-debug-<pid>.log in the temp folder. ORT reads ORT_DISABLE_TELEMETRY=1 once, when its
// environment is created (the first session), and then nothing is created or sent (ORT PR #27379).
// So it is set before the first session unless the user opts back in with SPATTEN_ORT_TELEMETRY=1.
//
// Logging. ORT prints its own errors (multi-line, ANSI-coloured, quoting C++ source paths) to
// stderr before the exception reaches us. Every ORT error does reach us as an exception, so
// sessions log nothing below fatal, the environment nothing below error; ortFailure() turns the
// exception into a message in our words and keeps ORT's text as the detail for the log.
import * as ort from 'onnxruntime-node';
import { InputError } from '../errors';

/** Opt back in to onnxruntime's telemetry with SPATTEN_ORT_TELEMETRY=1. */
export const TELEMETRY_OPT_IN_VARIABLE = 'SPATTEN_ORT_TELEMETRY';

let prepared = false;

/** Call before creating any ORT session (idempotent). */
export function prepareOrtEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  if (prepared) return;
  prepared = true;
  if (env[TELEMETRY_OPT_IN_VARIABLE] !== '1') env.ORT_DISABLE_TELEMETRY = '1';
  ort.env.logLevel = 'error';
}

/** Session options every engine session starts from: ORT's own logging off (see above). */
export const QUIET_SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { logSeverityLevel: 4 };

/** A session, with the environment prepared first. */
export async function createOrtSession(model: Uint8Array | string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  prepareOrtEnvironment();
  return ort.InferenceSession.create(model as Uint8Array, { ...QUIET_SESSION_OPTIONS, ...options });
}

/** ORT's reason without source paths, C++ signatures and failed-assertion text. */
export function ortReason(message: string): string {
  const node = /running (\w+) node\. Name:'([^']*)'/.exec(message);
  const status = /Status Message: ([\s\S]*)$/.exec(message)?.[1] ?? message;
  const reason = status
    .split('\n')[0]
    .replace(/^\[ONNXRuntimeError\] : \d+ : \w+ : /, '')
    .replace(/\S*onnxruntime_src\S*:\d+\s*/g, '')
    .replace(/^[\w:<>,*& ]*onnxruntime::[\w:<>~]+\([^)]*\)( const)?\s*/, '')
    .replace(/^.*? was false\.\s*/, '')
    .trim()
    .slice(0, 240);
  const at = node ? `at node '${node[2]}' (${node[1]})` : '';
  return [at, reason].filter((s) => s.length > 0).join(': ') || 'see the log for onnxruntime\'s message';
}

/** An InputError in our words (`what` says what was being done); ORT's full text is its detail. */
export function ortFailure(where: string, what: string, e: unknown): InputError {
  const message = e instanceof Error ? e.message : String(e);
  return new InputError(where, `${what}: ${ortReason(message)}`, message);
}

/**
 * For sessions that run one after another within a pass (graph segments, the attention kernel),
 * each with its own intra-op thread pool: spinning pools would keep stealing the cores from the
 * next session, so spinning is off.
 *
 * Memory patterns off: with a pattern ORT plans one block for all of a run's activations per input
 * shape and each session keeps its block in its arena; with a session per layer those blocks add
 * up. Off, a whole 512-token profile of the 6-layer bench encoder peaked 23 MB lower (352 against
 * 329 MB) at the same pass time (218-248 against 242-270 ms, interleaved), measured.
 *
 * On these machines memory is also time: the first touch of a page costs about 14 us (measured),
 * so each MB a pass grows by costs about 3.5 ms, and a one-pass profile pays for every arena.
 */
export const SEQUENTIAL_SESSION_DEFAULTS = {
  extra: { session: { intra_op: { allow_spinning: '0' } } as Record<string, unknown> },
  enableMemPattern: false,
} satisfies ort.InferenceSession.SessionOptions;

/**
 * The attention kernel keeps its CPU arena: without it every run allocates its [m, r, n] buffers
 * afresh, 2.3x slower (60 against 26 ms per pass at 512 tokens, measured). The graph segments run
 * without one: each segment's arena kept its own peak (about 15 MB per layer on the 6-layer bench
 * encoder at 512 tokens), while without arenas the segments reuse each other's freed memory
 * through the C allocator. Measured on that encoder, a whole 512-token profile peaked at 290 MB
 * (its dense reference run) instead of 306-345 MB, its cold engine pass took 0.49-0.65 s instead
 * of 0.74-1.02 s; warm passes in one process: 40-42 against 46-51 ms at 128 tokens, 136-152
 * against 130-132 ms at 512; the BERT-base fixture's paper-bert pass stayed 1.07x / 1.09x ORT's.
 */
export const SEGMENT_SESSION_DEFAULTS = {
  ...SEQUENTIAL_SESSION_DEFAULTS,
  enableCpuMemArena: false,
} satisfies ort.InferenceSession.SessionOptions;
