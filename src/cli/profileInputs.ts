// Turning CLI flags into a ProfileRequest's pieces: policy / hardware (a preset name or a JSON
// file). Every problem is an InputError naming the file. Input files: src/engine/inputFiles.ts.
import { INPUT_FILE_KINDS } from '../engine/files/boundedRead';
import { readJsonObjectFile } from '../engine/files/jsonFile';
import { POLICY_PRESET_NAMES, resolvePolicy } from '../engine/spatten/policy';
import { hardwarePresets, resolveHardwareConfig } from '../engine/hardware/hardwarePresets';

/** A policy preset name, or a JSON policy file, validated here so errors name the file. */
export function policyArgument(value: string): string | Record<string, unknown> {
  if ((POLICY_PRESET_NAMES as readonly string[]).includes(value)) return value;
  const obj = readJsonObjectFile(value, INPUT_FILE_KINDS.policy, { notFound: `not a policy preset (${POLICY_PRESET_NAMES.join(', ')}) and not a file` });
  resolvePolicy(obj, value);
  return obj;
}

/** A hardware preset name, or a JSON hardware config file, validated here so errors name the file. */
export function hardwareArgument(value: string): string | Record<string, unknown> {
  if (hardwarePresets[value]) return value;
  const obj = readJsonObjectFile(value, INPUT_FILE_KINDS.hardware, { notFound: `not a hardware preset (${Object.keys(hardwarePresets).join(', ')}) and not a file` });
  resolveHardwareConfig(obj, value);
  return obj;
}
