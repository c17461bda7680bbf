// Turning CLI flags into a ProfileRequest's pieces: policy / hardware (a preset name or a JSON
// file). Every problem is an InputError naming the file. Input files: src/engine/inputFiles.ts.
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../engine/errors';
import { POLICY_PRESET_NAMES, resolvePolicy } from '../engine/spatten/policy';
import { hardwarePresets, resolveHardwareConfig } from '../engine/hardware/hardwarePresets';

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
