// Runs one profile in a fresh worker thread (out/profileWorker.js) and turns what the worker does
// into a promise: its progress notifications go to onProgress, its result resolves, the engine's
// own errors (InputError, ...) reject as themselves, and a worker that dies without answering
// (out of memory, an exit, an uncaught error) rejects with an EngineCrashError. Aborting the signal
// terminates the worker at once (ORT's native run included) and rejects with CancelledError.
// Nothing here imports vscode or the engine: the extension host loads neither to run a profile.
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { CancelledError } from '../engine/errors';
import type { ProfileProgress, ProfileResult } from '../engine/profileRequest';
import { deserializeError } from '../worker/serializedError';
import {
  DidFailNotification,
  DidFinishNotification,
  DidProgressNotification,
  ipcMessage,
  isIpcMessage,
  RunProfileCommand,
  type ProfileWorkerData,
  type WorkerProfileRequest,
} from '../worker/workerProtocol';

/**
 * The worker's V8 heap limit (MB). A profile's big buffers (weights, tensors) live outside the V8
 * heap; this bounds a runaway JS allocation so it ends the worker instead of the editor.
 * SPATTEN_WORKER_HEAP_MB overrides it (the crash tests use a small one).
 */
export const DEFAULT_WORKER_HEAP_MB = 3072;

/** The engine's worker died without a result: out of memory, an exit, an uncaught error. */
export class EngineCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineCrashError';
  }
}

export interface WorkerRunOptions {
  /** Path of the worker bundle, out/profileWorker.js. */
  workerPath: string;
  signal?: AbortSignal;
  onProgress?: (progress: ProfileProgress) => void;
  /** Defaults: the environment's SPATTEN_WORKER_HEAP_MB, else DEFAULT_WORKER_HEAP_MB. */
  heapLimitMb?: number;
}

let liveWorkers = 0;

/** Workers started and not yet exited (the soak and cancel tests check it returns to 0). */
export function liveWorkerCount(): number {
  return liveWorkers;
}

function heapLimit(options: WorkerRunOptions, env: NodeJS.ProcessEnv): number {
  const fromEnv = Number(env.SPATTEN_WORKER_HEAP_MB);
  return options.heapLimitMb ?? (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_WORKER_HEAP_MB);
}

function testHook(env: NodeJS.ProcessEnv): ProfileWorkerData['testHook'] {
  const hook = env.SPATTEN_WORKER_TEST_HOOK;
  return hook === 'oom' || hook === 'exit' ? hook : undefined;
}

export function runProfileInWorker(request: WorkerProfileRequest, options: WorkerRunOptions): Promise<ProfileResult> {
  const env = process.env;
  if (options.signal?.aborted) return Promise.reject(new CancelledError());
  const limitMb = heapLimit(options, env);
  const workerData: ProfileWorkerData = { testHook: testHook(env) };
  return new Promise<ProfileResult>((resolve, reject) => {
    // SHARE_ENV: onnxruntime reads ORT_DISABLE_TELEMETRY with getenv(), so the engine's
    // prepareOrtEnvironment() must set the process's real environment, not a worker's copy.
    const worker = new Worker(options.workerPath, { workerData, resourceLimits: { maxOldGenerationSizeMb: limitMb }, env: SHARE_ENV });
    liveWorkers += 1;
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
      // The worker has nothing left to do once it answered (or it is already gone).
      void worker.terminate();
    };
    const onAbort = () => settle(() => reject(new CancelledError()));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: unknown) => {
      if (isIpcMessage(message, DidProgressNotification)) options.onProgress?.(message.params.progress);
      else if (isIpcMessage(message, DidFinishNotification)) settle(() => resolve(message.params.result));
      else if (isIpcMessage(message, DidFailNotification)) settle(() => reject(deserializeError(message.params.error)));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const what = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `the profile ran out of memory (the engine's heap limit is ${limitMb} MB) and was stopped`
        : `the profile engine crashed: ${error.message}`;
      settle(() => reject(new EngineCrashError(what)));
    });
    worker.on('exit', (code) => {
      liveWorkers -= 1;
      settle(() => reject(new EngineCrashError(`the profile engine stopped (exit code ${code}) before it finished`)));
    });
    worker.postMessage(ipcMessage(RunProfileCommand, { request }));
  });
}
