// The profile settings (spatten.*) turned into the engine's request fields. A policy or hardware
// file is read here (size-limited, JSON), never executed; relative paths resolve against the first
// workspace folder. Workspace-level file paths only count in a trusted workspace: VS Code applies
// `restrictedConfigurations` for that, and the commands refuse to run at all until trust is given.
import path from 'node:path';
import * as vscode from 'vscode';
import { InputError } from '../engine/errors';
import { INPUT_FILE_KINDS } from '../engine/files/boundedRead';
import { readJsonObjectFile as readJsonObjectFileBounded } from '../engine/files/jsonFile';
import { mergeConfigLayers } from '../engine/configMerge';

export interface ProfileSettings {
  policy: string | Record<string, unknown>;
  hardware: string | Record<string, unknown>;
  generateTokens: number;
  maxTokens: number;
}

/**
 * Individual policy overrides: setting key (under spatten.policy.) -> path in the policy JSON
 * (media/schema/policy.schema.json). A null setting keeps the preset's or file's value.
 * Keep in step with package.json contributes.configuration.
 */
export const POLICY_OVERRIDE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'tokenPruning.enabled': ['tokenPruning', 'enabled'],
  'tokenPruning.scoring': ['tokenPruning', 'scoring'],
  'tokenPruning.sinkTokens': ['tokenPruning', 'protect', 'sinkTokens'],
  'tokenPruning.recentTokens': ['tokenPruning', 'protect', 'recentTokens'],
  'headPruning.enabled': ['headPruning', 'enabled'],
  'localVPruning.enabled': ['localVPruning', 'enabled'],
  'localVPruning.keepFraction': ['localVPruning', 'keepFraction'],
  'quantization.mode': ['quantization', 'mode'],
  'quantization.threshold': ['quantization', 'threshold'],
};

const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Sets `value` at `fieldPath` inside `target`, creating (or copying) the objects on the way. */
function setPath(target: Record<string, unknown>, fieldPath: readonly string[], value: unknown): void {
  let node = target;
  for (const key of fieldPath.slice(0, -1)) {
    const next = node[key];
    node = node[key] = isPlainObject(next) ? { ...next } : {};
  }
  node[fieldPath[fieldPath.length - 1]!] = value;
}

export function resolveSettingPath(file: string): string {
  if (path.isAbsolute(file)) return file;
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new InputError(file, 'a relative path needs an open workspace folder (give an absolute path)');
  return path.join(folder.uri.fsPath, file);
}

/** Reads a JSON object from a settings-referenced file; `setting` names the setting in errors. */
export async function readJsonObjectFile(setting: string, file: string): Promise<Record<string, unknown>> {
  try {
    return readJsonObjectFileBounded(file, INPUT_FILE_KINDS.settingsJson);
  } catch (e) {
    throw e instanceof InputError ? new InputError(`${setting} (${file})`, e.what) : e;
  }
}

/**
 * Applies spatten.policy.overrides (any policy setting, as in a policy file), then the non-null
 * individual override settings, to a policy (a preset name becomes {extends: name}).
 */
export function applyPolicyOverrides(policy: string | Record<string, unknown>, config: vscode.WorkspaceConfiguration): string | Record<string, unknown> {
  const overrides = config.get<unknown>('policy.overrides');
  const set = Object.entries(POLICY_OVERRIDE_FIELDS)
    .map(([key, fieldPath]) => [fieldPath, config.get<unknown>(`policy.${key}`)] as const)
    .filter(([, value]) => value !== undefined && value !== null);
  const hasObject = isPlainObject(overrides) && Object.keys(overrides).length > 0;
  if (set.length === 0 && !hasObject) return policy;
  let out: Record<string, unknown> = typeof policy === 'string' ? { extends: policy } : { ...policy };
  if (hasObject) out = mergeConfigLayers(out, overrides);
  for (const [fieldPath, value] of set) setPath(out, fieldPath, value);
  return out;
}

/** Applies spatten.hardware.overrides (any hardware parameter) to a preset name or a config file. */
export function applyHardwareOverrides(hardware: string | Record<string, unknown>, config: vscode.WorkspaceConfiguration): string | Record<string, unknown> {
  const overrides = config.get<unknown>('hardware.overrides');
  if (!isPlainObject(overrides) || Object.keys(overrides).length === 0) return hardware;
  return mergeConfigLayers(typeof hardware === 'string' ? { extends: hardware } : hardware, overrides);
}

export async function readProfileSettings(): Promise<ProfileSettings> {
  const config = vscode.workspace.getConfiguration('spatten');
  const policyFile = config.get<string>('policy.file', '').trim();
  const hardwareFile = config.get<string>('hardware.file', '').trim();
  // 'auto': the engine picks paper-bert for encoders and paper-gpt2-small for decoders.
  const policyPreset = config.get<string>('policy.preset', 'auto');
  const policy = applyPolicyOverrides(
    policyFile ? await readJsonObjectFile('spatten.policy.file', resolveSettingPath(policyFile)) : policyPreset,
    config,
  );
  const hardware = applyHardwareOverrides(
    hardwareFile ? await readJsonObjectFile('spatten.hardware.file', resolveSettingPath(hardwareFile)) : config.get<string>('hardware.preset', 'spatten-1x'),
    config,
  );
  return {
    policy,
    hardware,
    generateTokens: config.get<number>('generateTokens', 0),
    maxTokens: config.get<number>('maxTokens', 256),
  };
}
