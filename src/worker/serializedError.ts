// Errors across the worker channel: structured clone keeps an Error's message and stack but not
// its class, so the engine's InputError and CancelledError cross as plain data and are rebuilt on
// the host side (the extension shows an InputError as a user's mistake and a cancel as a cancel).
import { CancelledError, InputError } from '../engine/errors';
import type { SerializedError } from './workerProtocol';

export function serializeError(error: unknown): SerializedError {
  if (error instanceof InputError) {
    return { name: error.name, message: error.message, stack: error.stack, where: error.where, what: error.what, detail: error.detail };
  }
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack };
  return { name: 'Error', message: String(error) };
}

export function deserializeError(e: SerializedError): Error {
  if (e.name === 'InputError' && e.where !== undefined && e.what !== undefined) {
    const error = new InputError(e.where, e.what, e.detail);
    if (e.stack) error.stack = e.stack;
    return error;
  }
  if (e.name === 'CancelledError') return new CancelledError();
  const error = new Error(e.message);
  error.name = e.name;
  if (e.stack) error.stack = e.stack;
  return error;
}
