// The pool of trial workers `tune` evaluates policies with: child processes (src/worker/tuneWorker.ts),
// one per core by default, each loading the model once. A batch of jobs (policy x inputs) is cut
// into tasks of at most one block of BLOCK consecutive inputs; a block has a home worker (block
// number mod pool size), so a worker mostly sees the same inputs and computes their dense
// reference once, and an idle worker steals from the longest queue so none waits. Outcomes go back
// in input order, so the result of a batch does not depend on which worker ran what.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../errors';
import { deserializeError } from '../../worker/serializedError';
import type { SerializedError } from '../../worker/workerProtocol';
import type { TrialModelInfo, TrialSetup } from './trialRunner';
import type { InputOutcome } from './tuneLoss';

export type TuneWorkerRequest =
  | { method: 'tune/init'; setup: TrialSetup }
  | { method: 'tune/evaluate'; job: number; policy: string | Record<string, unknown>; indices: number[] };

export type TuneWorkerReply =
  | { method: 'tune/ready'; info: TrialModelInfo }
  /** cpuSeconds: the worker process's CPU time so far (user + system), measured. */
  | { method: 'tune/outcomes'; job: number; outcomes: InputOutcome[]; cpuSeconds: number }
  | { method: 'tune/failed'; job: number; error: SerializedError };

export interface PoolJob {
  policy: string | Record<string, unknown>;
  indices: number[];
}

export interface TrialPool {
  readonly info: TrialModelInfo;
  readonly size: number;
  evaluate(jobs: PoolJob[]): Promise<InputOutcome[][]>;
  /** CPU seconds the workers have used so far (as of their last answers), measured by each process. */
  cpuSeconds(): number;
  close(): void;
}

/** Consecutive inputs that share a home worker. */
const BLOCK = 8;

/** One worker per core the machine offers (os.availableParallelism), at most 8. */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(8, os.availableParallelism()));
}

/** out/tuneWorker.js beside the running bundle, else the TypeScript source run through tsx (tests). */
function workerEntry(): { file: string; execArgv: string[] } {
  const bundled = path.join(__dirname, 'tuneWorker.js');
  if (existsSync(bundled)) return { file: bundled, execArgv: [] };
  return { file: path.resolve(__dirname, '..', '..', 'worker', 'tuneWorker.ts'), execArgv: ['--import', 'tsx'] };
}

interface Task {
  job: number;
  /** Positions in the job's indices this task covers. */
  from: number;
  indices: number[];
  home: number;
}

interface Worker {
  child: ChildProcess;
  cpuSeconds: number;
  busy: Task | null;
  stderr: string;
}

export async function startTrialPool(setup: TrialSetup, options: { size?: number; signal?: AbortSignal } = {}): Promise<TrialPool> {
  const size = Math.max(1, options.size ?? defaultPoolSize());
  const entry = workerEntry();
  const workers: Worker[] = [];
  let failure = null as Error | null;
  let onFailure: (e: Error) => void = () => undefined;
  const fail = (e: Error) => {
    failure ??= e;
    onFailure(e);
  };
  const close = () => {
    for (const w of workers) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill();
  };
  options.signal?.addEventListener('abort', () => {
    fail(new CancelledError());
    close();
  });

  const ready: Promise<TrialModelInfo>[] = [];
  for (let k = 0; k < size; k++) {
    const child = fork(entry.file, [], {
      execArgv: entry.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const w: Worker = { child, cpuSeconds: 0, busy: null, stderr: '' };
    child.stderr?.on('data', (d: Buffer) => (w.stderr = (w.stderr + d.toString()).slice(-4096)));
    child.on('exit', (code, signal) => {
      if (failure) return;
      fail(new Error(`a tune worker stopped (${signal ? `signal ${signal}` : `exit code ${code}`})${w.stderr ? `: ${w.stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`));
    });
    workers.push(w);
    ready.push(
      new Promise((resolve, reject) => {
        const onMessage = (m: TuneWorkerReply) => {
          if (m.method === 'tune/ready') resolve(m.info);
          else if (m.method === 'tune/failed' && m.job === -1) reject(deserializeError(m.error));
          else return;
          child.off('message', onMessage);
        };
        child.on('message', onMessage);
        child.once('exit', () => reject(failure ?? new Error('a tune worker stopped while loading the model')));
      }),
    );
    child.send({ method: 'tune/init', setup } satisfies TuneWorkerRequest);
  }
  let info: TrialModelInfo;
  try {
    info = (await Promise.all(ready))[0];
  } catch (e) {
    close();
    throw (failure as Error | null) instanceof CancelledError ? failure : e;
  }

  const evaluate = (jobs: PoolJob[]): Promise<InputOutcome[][]> =>
    new Promise((resolve, reject) => {
      if (failure) return reject(failure);
      const results = jobs.map((j) => new Array<InputOutcome>(j.indices.length));
      const queues: Task[][] = workers.map(() => []);
      let open = 0;
      jobs.forEach((j, job) => {
        let from = 0;
        while (from < j.indices.length) {
          const block = Math.floor(j.indices[from] / BLOCK);
          let to = from + 1;
          while (to < j.indices.length && Math.floor(j.indices[to] / BLOCK) === block) to++;
          const home = block % size;
          queues[home].push({ job, from, indices: j.indices.slice(from, to), home });
          open++;
          from = to;
        }
      });
      if (open === 0) return resolve(results);
      const listeners: (() => void)[] = [];
      const finish = (e?: Error) => {
        for (const off of listeners) off();
        onFailure = () => undefined;
        if (e) reject(e);
        else resolve(results);
      };
      onFailure = (e) => finish(e);
      const dispatch = (k: number) => {
        const w = workers[k];
        const longest = queues.reduce((a, q, i) => (q.length > queues[a].length ? i : a), k);
        const task = queues[k].shift() ?? queues[longest].pop();
        w.busy = task ?? null;
        if (task) w.child.send({ method: 'tune/evaluate', job: task.job, policy: jobs[task.job].policy, indices: task.indices } satisfies TuneWorkerRequest);
      };
      workers.forEach((w, k) => {
        const onMessage = (m: TuneWorkerReply) => {
          const task = w.busy;
          if (!task) return;
          if (m.method === 'tune/failed') return finish(deserializeError(m.error));
          if (m.method !== 'tune/outcomes') return;
          w.cpuSeconds = m.cpuSeconds;
          m.outcomes.forEach((o, i) => (results[task.job][task.from + i] = o));
          open--;
          if (open === 0) return finish();
          dispatch(k);
        };
        w.child.on('message', onMessage);
        listeners.push(() => w.child.off('message', onMessage));
        dispatch(k);
      });
    });

  return { info, size, evaluate, cpuSeconds: () => workers.reduce((s, w) => s + w.cpuSeconds, 0), close };
}
