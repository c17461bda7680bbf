// Turning CLI flags into a ProfileRequest's pieces: input texts (inline, a whole file, or a batch
// file with one input per line / one JSON object per line) and policy / hardware (a preset name or
// a JSON file). Every problem is an InputError naming the file and line.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../engine/errors';
import { POLICY_PRESET_NAMES, resolvePolicy } from '../engine/spatten/policy';
import { hardwarePresets, resolveHardwareConfig } from '../engine/hardware/hardwarePresets';

/** Largest text or batch file read (bytes). */
export const MAX_INPUT_FILE_BYTES = 16 * 1024 * 1024;
/** Most inputs taken from a batch file. */
export const MAX_BATCH_INPUTS = 10_000;

function readTextFile(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new InputError(file, 'cannot read the input file (no such file or not readable)');
  }
  if (size > MAX_INPUT_FILE_BYTES) throw new InputError(file, `input file is ${size} bytes, over the ${MAX_INPUT_FILE_BYTES}-byte limit`);
  const bytes = readFileSync(file);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\u0000')) throw new InputError(file, 'is a binary file (NUL bytes), not text');
  return text;
}

/** A whole file as one input. */
export function readTextInput(file: string): string {
  const text = readTextFile(file);
  if (text.trim() === '') throw new InputError(file, 'the input file is empty');
  return text;
}

/** One input per non-empty line (.txt), or per JSON line with a "text" field (.jsonl). */
export function readBatchInputs(file: string): string[] {
  const lines = readTextFile(file).split(/\r?\n/);
  const jsonl = /\.jsonl$/i.test(file);
  const out: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (!jsonl) return void out.push(line);
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${file}:${i + 1}`, `not valid JSON (${(e as Error).message})`);
    }
    const text = (obj as { text?: unknown } | null)?.text;
    if (typeof text !== 'string') throw new InputError(`${file}:${i + 1}`, 'a JSONL input needs a string "text" field');
    out.push(text);
  });
  if (out.length === 0) throw new InputError(file, 'no inputs in the batch file');
  if (out.length > MAX_BATCH_INPUTS) throw new InputError(file, `${out.length} inputs, over the ${MAX_BATCH_INPUTS}-input limit`);
  return out;
}

/** A policy preset name, or a JSON policy file, validated here so errors name the file. */
export function policyArgument(value: string): string | Record<string, unknown> {
  if ((POLICY_PRESET_NAMES as readonly string[]).includes(value)) return value;
  const obj = jsonObjectFile(value, `not a policy preset (${POLICY_PRESET_NAMES.join(', ')}) and not a readable JSON file`);
  resolvePolicy(obj, value);
  return obj;
}

/** A hardware preset name, or a JSON hardware config file, validated here so errors name the file. */
export function hardwareArgument(value: string): string | Record<string, unknown> {
  if (hardwarePresets[value]) return value;
  const obj = jsonObjectFile(value, `not a hardware preset (${Object.keys(hardwarePresets).join(', ')}) and not a readable JSON file`);
  resolveHardwareConfig(obj, value);
  return obj;
}

function jsonObjectFile(file: string, missing: string): Record<string, unknown> {
  let text: string;
  try {
    if (statSync(file).size > 1024 * 1024) throw new InputError(file, 'configuration file is over 1 MiB');
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, missing);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InputError(file, 'must hold a JSON object');
  return parsed as Record<string, unknown>;
}
