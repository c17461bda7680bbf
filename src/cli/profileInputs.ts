// Turning CLI flags into a ProfileRequest's pieces: policy / hardware (a preset name or a JSON
// file), graph inputs (--input NAME=FILE.npy, --input-shape NAME=d0,d1,...). Every problem is an
// InputError naming the file or the flag. Input files: src/engine/inputFiles.ts.
import { INPUT_FILE_KINDS } from '../engine/files/boundedRead';
import { readJsonObjectFile } from '../engine/files/jsonFile';
import { POLICY_PRESET_NAMES, resolvePolicy } from '../engine/spatten/policy';
import { AUTO_POLICY, substituteAuto } from '../engine/spatten/autoPolicy';
import { InputError } from '../engine/errors';
import type { GraphInputSpec } from '../engine/profileRequest';
import { hardwarePresets, resolveHardwareConfig } from '../engine/hardware/hardwarePresets';

/** A policy preset name, or a JSON policy file, validated here so errors name the file. */
export function policyArgument(value: string): string | Record<string, unknown> {
  if (value === AUTO_POLICY || (POLICY_PRESET_NAMES as readonly string[]).includes(value)) return value;
  const obj = readJsonObjectFile(value, INPUT_FILE_KINDS.policy, { notFound: `not a policy preset (${AUTO_POLICY}, ${POLICY_PRESET_NAMES.join(', ')}) and not a file` });
  resolvePolicy(substituteAuto(obj, 'paper-bert'), value);
  return obj;
}

/** Collects a repeatable option's values (commander calls this once per occurrence). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function nameAndValue(flag: string, arg: string): [string, string] {
  const eq = arg.indexOf('=');
  if (eq <= 0 || eq === arg.length - 1) throw new InputError(flag, `'${arg}' is not NAME=VALUE`);
  return [arg.slice(0, eq), arg.slice(eq + 1)];
}

/** --input NAME=FILE.npy and --input-shape NAME=d0,d1,... as the request's graph inputs. */
export function graphInputsArgument(npys: string[] = [], shapes: string[] = []): Record<string, GraphInputSpec> | undefined {
  const out: Record<string, GraphInputSpec> = {};
  const add = (flag: string, name: string, spec: GraphInputSpec) => {
    if (out[name]) throw new InputError(flag, `input '${name}' is given more than once`);
    out[name] = spec;
  };
  for (const arg of npys) {
    const [name, file] = nameAndValue('--input', arg);
    add('--input', name, { npy: file });
  }
  for (const arg of shapes) {
    const [name, dims] = nameAndValue('--input-shape', arg);
    if (!/^\d+(,\d+)*$/.test(dims)) throw new InputError('--input-shape', `'${dims}' for input '${name}' is not a comma-separated list of whole numbers (e.g. 1,3,48,320)`);
    add('--input-shape', name, { shape: dims.split(',').map(Number) });
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A hardware preset name, or a JSON hardware config file, validated here so errors name the file. */
export function hardwareArgument(value: string): string | Record<string, unknown> {
  if (hardwarePresets[value]) return value;
  const obj = readJsonObjectFile(value, INPUT_FILE_KINDS.hardware, { notFound: `not a hardware preset (${Object.keys(hardwarePresets).join(', ')}) and not a file` });
  resolveHardwareConfig(obj, value);
  return obj;
}
