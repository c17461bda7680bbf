// Runs one profile (or one keep-fraction sweep) in a fresh child process (out/profileWorker.js, see there why not a worker
// thread) and turns what it does into a promise: its progress notifications go to onProgress, its
// result resolves, the engine's own errors (InputError, ...) reject as themselves, and a worker
// that dies without answering (out of memory, a native crash, an exit) rejects with an
// EngineCrashError. Aborting the signal kills the worker at once (ORT's native work included) and
// rejects with CancelledError. Nothing here imports vscode or the engine.
import { fork, type ChildProcess } from 'node:child_process';
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
  RunSweepCommand,
  type IpcMessage,
  type WorkerProfileRequest,
} from '../worker/workerProtocol';

/**
 * The worker's V8 heap limit (MB, --max-old-space-size). A profile's big buffers (weights,
 * tensors) live outside the V8 heap; this bounds a runaway JS allocation so it ends the worker
 * with a clear message. SPATTEN_WORKER_HEAP_MB overrides it (the crash tests use a small one).
 */
export const DEFAULT_WORKER_HEAP_MB = 4096;

/** Most of the worker's stderr kept to explain a crash (V8's "heap out of memory" line). */
const STDERR_TAIL_CHARS = 4096;

/** The engine's worker died without a result: out of memory, a native crash, an exit. */
export class EngineCrashError extends Error {
  constructor(message: string, readonly detail?: string) {
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

function heapLimit(options: WorkerRunOptions): number {
  const fromEnv = Number(process.env.SPATTEN_WORKER_HEAP_MB);
  return options.heapLimitMb ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_WORKER_HEAP_MB);
}

function startWorker(workerPath: string, heapMb: number): ChildProcess {
  return fork(workerPath, [], {
    // Not the host's own flags (an inspector port, Electron's): only the heap limit.
    execArgv: [`--max-old-space-size=${heapMb}`],
    // Structured clone: the result's typed arrays and nested objects cross as they are.
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    // Under Electron (desktop VS Code) process.execPath is the app: run it as plain node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
}

function crashMessage(code: number | null, signal: NodeJS.Signals | null, stderr: string, heapMb: number): string {
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(stderr)) {
    return `the profile ran out of memory (the engine's heap limit is ${heapMb} MB) and was stopped`;
  }
  return `the profile engine stopped (${signal ? `signal ${signal}` : `exit code ${code}`}) before it finished`;
}

/** Plain data only: VS Code hands settings objects out as read-only proxies, which structured
 * clone refuses ("#<Object> could not be cloned"). A request is JSON by nature (texts, labels,
 * preset names or JSON policy/hardware objects), so a JSON round trip loses nothing. */
function plain(request: WorkerProfileRequest): WorkerProfileRequest {
  return JSON.parse(JSON.stringify(request)) as WorkerProfileRequest;
}

export function runProfileInWorker(request: WorkerProfileRequest, options: WorkerRunOptions): Promise<ProfileResult> {
  return runInWorker(ipcMessage(RunProfileCommand, { request: plain(request) }), options);
}

/** A keep-fraction sweep (engine/sweep.ts) in one worker: resolves with the last point's result, whose report carries the sweep. */
export function runSweepInWorker(request: WorkerProfileRequest, keeps: number[], options: WorkerRunOptions): Promise<ProfileResult> {
  return runInWorker(ipcMessage(RunSweepCommand, { request: plain(request), keeps: [...keeps] }), options);
}

function runInWorker(command: IpcMessage, options: WorkerRunOptions): Promise<ProfileResult> {
  if (options.signal?.aborted) return Promise.reject(new CancelledError());
  const heapMb = heapLimit(options);
  return new Promise<ProfileResult>((resolve, reject) => {
    const worker = startWorker(options.workerPath, heapMb);
    liveWorkers += 1;
    let stderr = '';
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      outcome();
      // Nothing left for the worker to do once it answered; SIGKILL also ends native work.
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    };
    const onAbort = () => settle(() => reject(new CancelledError()));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    worker.stderr?.setEncoding('utf8');
    worker.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    worker.on('message', (message: unknown) => {
      if (isIpcMessage(message, DidProgressNotification)) options.onProgress?.(message.params.progress);
      else if (isIpcMessage(message, DidFinishNotification)) settle(() => resolve(message.params.result));
      else if (isIpcMessage(message, DidFailNotification)) settle(() => reject(deserializeError(message.params.error)));
    });
    worker.on('error', (error) => settle(() => reject(new EngineCrashError(`the profile engine could not run: ${error.message}`))));
    worker.on('exit', (code, signal) => {
      liveWorkers -= 1;
      settle(() => reject(new EngineCrashError(crashMessage(code, signal, stderr, heapMb), stderr.trim() || undefined)));
    });
    try {
      worker.send(command);
    } catch (error) {
      // Never leave a started worker waiting for a request that will not come.
      settle(() => reject(error));
    }
  });
}
