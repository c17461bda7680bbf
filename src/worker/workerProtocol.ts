// The messages between the extension host and the profile worker (src/worker/profileWorker.ts),
// in the GitLens style: each message type is a constant naming its method and typing its params,
// so both sides switch on `method` and get the params' type from the constant they matched.
//
//   host -> worker   RunProfileCommand            once, right after the worker starts
//                    (or RunSweepCommand: one profile per keep fraction, DidFinishNotification
//                    carrying the last point's result, whose report holds the sweep rows)
//   worker -> host   DidProgressNotification      any number of times
//                    DidFinishNotification        the result, then the worker is ended
//                    DidFailNotification          an error the engine threw (bad input, cancel)
//
// The worker is a child process (see profileWorker.ts); messages cross its IPC channel with the
// 'advanced' (structured clone) serialization. A crash (out of memory, a native abort, an exit)
// sends nothing: the host sees the process exit.
import type { ProfileProgress, ProfileRequest, ProfileResult } from '../engine/profileRequest';

/** A message type: its method name and (as a phantom) the type of its params. */
export abstract class IpcMessageType<Params> {
  declare readonly _params: Params;
  constructor(readonly method: string) {}
}

/** Sent by the host: asks the worker to do something. */
export class IpcCommandType<Params> extends IpcMessageType<Params> {}

/** Sent by the worker: tells the host something happened. */
export class IpcNotificationType<Params> extends IpcMessageType<Params> {}

/** What crosses the channel (structured clone, so plain data only). */
export interface IpcMessage<Params = unknown> {
  method: string;
  params: Params;
}

export function isIpcMessage<Params>(message: unknown, type: IpcMessageType<Params>): message is IpcMessage<Params> {
  return typeof message === 'object' && message !== null && (message as IpcMessage).method === type.method;
}

export function ipcMessage<Params>(type: IpcMessageType<Params>, params: Params): IpcMessage<Params> {
  return { method: type.method, params };
}

/** The request without its AbortSignal: cancelling terminates the worker instead. */
export type WorkerProfileRequest = Omit<ProfileRequest, 'signal'>;

/** An error as it crosses the channel; the host rebuilds InputError and CancelledError from `name`. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** InputError's fields. */
  where?: string;
  what?: string;
  detail?: string;
}

export const RunProfileCommand = new IpcCommandType<{ request: WorkerProfileRequest }>('profile/run');
export const RunSweepCommand = new IpcCommandType<{ request: WorkerProfileRequest; keeps: number[] }>('sweep/run');
export const DidProgressNotification = new IpcNotificationType<{ progress: ProfileProgress }>('profile/didProgress');
export const DidFinishNotification = new IpcNotificationType<{ result: ProfileResult }>('profile/didFinish');
export const DidFailNotification = new IpcNotificationType<{ error: SerializedError }>('profile/didFail');

/**
 * For the extension's crash-isolation tests only: with this variable in the host's environment
 * the worker fails that way instead of profiling ('oom': allocates until its heap limit; 'exit':
 * exits with code 70).
 */
export const TEST_HOOK_VARIABLE = 'SPATTEN_WORKER_TEST_HOOK';
