// JSON configuration files (policy, hardware, settings-referenced files, a model's config.json and
// tokenizer.json): read through the bounded reader, a UTF-8 BOM allowed (Windows editors save one),
// parse errors named with the file.
import { InputError } from '../errors';
import { readTextFileSync, type FileKind, type ReadOptions } from './boundedRead';

/** Parsed JSON of any shape. */
export function readJsonFile(file: string, kind: FileKind, opts: ReadOptions = {}): unknown {
  const text = readTextFileSync(file, kind, opts);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`);
  }
}

/** Parsed JSON that must be an object (not an array, null or a scalar). */
export function readJsonObjectFile(file: string, kind: FileKind, opts: ReadOptions = {}): Record<string, unknown> {
  const parsed = readJsonFile(file, kind, opts);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(file, `a ${kind.label} must hold a JSON object`);
  return parsed as Record<string, unknown>;
}
